"""Online booking after the security review: record matching, emails, live holds, policy."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from patients import slots
from patients.models import Appointment, BookingHold, BookingPolicy, HoldStatus, Patient
from patients.services import self_booking
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.test_public_booking import body, confirm_url, post

pytestmark = pytest.mark.django_db


def _confirm(online, client, capture, **extra):  # noqa: F811
    """Hold 10 AM through the API and confirm it from the email; the done page."""
    with capture(execute=True):
        held = post(client, body(online, at(online.monday, 10), **extra))
    assert held.status_code == 202, held.content
    link = confirm_url(mail.outbox[-1])
    mail.outbox.clear()
    with capture(execute=True):
        return client.post(link)


# --- 1. Which record a confirmed booking goes to --------------------------------------------
@pytest.mark.usefixtures("celery_eager")
def test_an_email_alone_does_not_reach_someone_elses_record(
    online,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    """Same email, other birth date: a new flagged patient; the old record gets no login."""
    parent = PatientFactory(
        email="ana@example.com", last_name="Runner", date_of_birth=dt.date(1962, 3, 3)
    )
    done = _confirm(online, client, django_capture_on_commit_callbacks)
    assert done.status_code == 200
    appointment = Appointment.objects.get()
    assert appointment.patient != parent and Patient.objects.count() == 2
    assert appointment.scheduling_note == self_booking.POSSIBLE_DUPLICATE_NOTE
    parent.refresh_from_db()
    assert parent.user is None
    (invitation,) = mail.outbox  # only the new patient is invited
    assert "runner portal" in invitation.subject
    assert appointment.patient.user is not None
    assert b"choose a password" in done.content


def test_a_matching_record_without_a_login_is_booked_but_never_invited(
    online,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    """Email, birth date and last name match: booked to the record; no login, no invitation."""
    known = PatientFactory(
        email="ana@example.com", last_name="Runner", date_of_birth=dt.date(1990, 5, 1)
    )
    done = _confirm(online, client, django_capture_on_commit_callbacks)
    appointment = Appointment.objects.get()
    assert appointment.patient == known and appointment.scheduling_note == ""
    known.refresh_from_db()
    assert known.user is None and not mail.outbox
    assert b"front desk will help you set up" in done.content
    assert b"choose a password" not in done.content


def test_a_matching_record_with_a_login_is_told_to_sign_in(
    online,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
    make_user,
):
    """A known runner with a portal login: booked, told to sign in, no email sent."""
    user = make_user(email="ana@example.com")
    user.set_password("a-long-password-1")
    user.save()
    known = PatientFactory(
        email="ana@example.com",
        last_name="Runner",
        date_of_birth=dt.date(1990, 5, 1),
        user=user,
    )
    done = _confirm(online, client, django_capture_on_commit_callbacks)
    assert Appointment.objects.get().patient == known and not mail.outbox
    assert b"Sign in to the runner portal" in done.content


def test_the_last_name_matches_without_case_or_accents(
    online,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    """A record's last name Peña and a typed PENA are the same last name."""
    known = PatientFactory(
        email="ana@example.com", last_name="Peña", date_of_birth=dt.date(1990, 5, 1)
    )
    _confirm(online, client, django_capture_on_commit_callbacks, last_name="PENA")
    assert Appointment.objects.get().patient == known and Patient.objects.count() == 1


def test_a_namesake_with_another_email_is_flagged_for_the_desk(
    online,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
):
    """Same name and birth date under another email: a new patient, flagged as a duplicate."""
    PatientFactory(
        email="other@example.com",
        first_name="Ana",
        last_name="Runnér",
        date_of_birth=dt.date(1990, 5, 1),
    )
    _confirm(online, client, django_capture_on_commit_callbacks)
    appointment = Appointment.objects.get()
    assert appointment.scheduling_note == self_booking.POSSIBLE_DUPLICATE_NOTE
    page = client.get(reverse("patients:public_book"))  # the note is staff-only data
    assert b"possible duplicate" not in page.content


# --- 2. Bad emails --------------------------------------------------------------------------
BAD_EMAILS = [
    "ana@example.com\nbcc:x@evil.com",
    "ana@example.com\r\nbcc:x@evil.com",
    "@",
    "a@",
    "a@b.com,c@d.com",
    "a@b.com;c@d.com",
]


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_a_bad_email_is_a_422_at_the_field_and_holds_nothing(
    online,  # noqa: F811
    client,
    email,
):
    """The API answers 422 at `email`; nothing is held or sent."""
    response = post(client, body(online, at(online.monday, 10), email=email))
    assert response.status_code == 422, response.content
    assert "email" in response.json()["errors"]
    assert not BookingHold.objects.exists() and not mail.outbox


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_the_service_refuses_a_bad_email(email):
    """clean_details names the email whatever page or client sent it."""
    with pytest.raises(self_booking.ValidationError) as refused:
        self_booking.clean_details(
            first_name="Ana",
            last_name="Runner",
            email=email,
            phone="(213) 555-0100",
            date_of_birth=dt.date(1990, 5, 1),
        )
    assert "email" in refused.value.message_dict


def test_the_page_refuses_a_bad_email_at_the_field(online, client):  # noqa: F811
    """The details form shows the email error (422) and holds nothing."""
    start = at(online.monday, 10)
    query = (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={int(start.timestamp())}"
    )
    form = {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": "a@b.com,c@d.com",
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
    }
    response = client.post(reverse("patients:public_book_details") + query, form)
    assert response.status_code == 422
    assert "email" in response.context["form"].errors
    assert not BookingHold.objects.exists()


# --- 3. Live holds per address and per email -------------------------------------------------
def test_one_live_hold_per_email_even_with_a_plus_tag(online, client):  # noqa: F811
    """A second hold for the same mailbox (any case, any +tag) is a 429 naming the expiry."""
    assert post(client, body(online, at(online.monday, 10))).status_code == 202
    again = post(client, body(online, at(online.monday, 12), email="Ana+2@Example.com"))
    assert again.status_code == 429
    detail = again.json()["detail"]
    first = BookingHold.objects.get()
    local = first.expires_at.astimezone(self_booking.ZoneInfo(online.location.time_zone))
    assert "already have a time on hold" in detail
    assert local.strftime("%-I:%M %p") in detail
    assert BookingHold.objects.count() == 1
    # Once the first hold has expired, the same email may hold again.
    BookingHold.objects.update(expires_at=first.created_at)
    assert post(client, body(online, at(online.monday, 12))).status_code == 202


def test_at_most_two_live_holds_per_client_address(online, client):  # noqa: F811
    """Fresh emails from one address: the third live hold is a 429; nothing more is held."""
    for n in range(2):
        response = post(client, body(online, at(online.monday, 9 + n), email=f"r{n}@example.com"))
        assert response.status_code == 202
    third = post(client, body(online, at(online.monday, 14), email="r9@example.com"))
    assert third.status_code == 429 and "on hold" in third.json()["detail"]
    assert BookingHold.objects.count() == 2
    other = post(
        client, body(online, at(online.monday, 14), email="r9@example.com"), REMOTE_ADDR="10.9.9.9"
    )
    assert other.status_code == 202


def test_the_page_says_when_the_email_already_has_a_hold(online, client):  # noqa: F811
    """The details page answers 429 with the time the first hold ends."""
    assert post(client, body(online, at(online.monday, 10))).status_code == 202
    start = at(online.monday, 12)
    query = (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={int(start.timestamp())}"
    )
    form = {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": "ana@example.com",
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
    }
    response = client.post(reverse("patients:public_book_details") + query, form)
    assert response.status_code == 429
    assert b"You already have a time on hold" in response.content
    assert BookingHold.objects.count() == 1


# --- 4. The desk's next-available picker --------------------------------------------------
def test_next_available_does_not_offer_a_live_hold(online):  # noqa: F811
    """A runner's live hold is not offered to the desk; once expired it is again."""
    start = at(online.monday, 10)
    self_booking.booking_hold_create(
        location=online.location,
        appointment_type=online.evaluation,
        start=start,
        therapist=online.therapist,
        details=self_booking.clean_details(
            first_name="Ana",
            last_name="Runner",
            email="ana@example.com",
            phone="(213) 555-0100",
            date_of_birth=dt.date(1990, 5, 1),
        ),
    )

    def offered() -> set:
        days = slots.next_available(
            appointment_type=online.evaluation,
            from_day=online.monday,
            therapist=online.therapist,
            days=1,
        )
        return {s["start"] for day in days for g in day["groups"] for s in g["slots"]}

    assert start not in offered()
    BookingHold.objects.update(status=HoldStatus.EXPIRED)
    assert start in offered()


# --- 5. The confirm link re-checks the policy -----------------------------------------------
@pytest.mark.parametrize("change", ["closed", "type_offline"])
def test_confirming_after_the_policy_changed_books_nothing(
    online,  # noqa: F811
    client,
    django_capture_on_commit_callbacks,
    change,
):
    """Online booking closed or the type taken offline since the hold: the failed page, 409."""
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body(online, at(online.monday, 10))).status_code == 202
    link = confirm_url(mail.outbox[-1])
    if change == "closed":
        BookingPolicy.objects.create(location=online.location, online_booking_enabled=False)
    else:
        online.evaluation.bookable_online = False
        online.evaluation.save()
    response = client.post(link)
    assert response.status_code == 409
    assert b"can no longer be booked online" in response.content
    assert not Appointment.objects.exists() and not Patient.objects.exists()
