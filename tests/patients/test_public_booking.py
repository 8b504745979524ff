"""Online booking by runners: holds, the confirm link, the policy, limits and the page."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from patients import slots
from patients.models import (
    Appointment,
    BookingHold,
    BookingPolicy,
    HoldStatus,
    Patient,
)
from patients.services import appointment_book, self_booking
from patients.services.booking import SlotTaken
from tests.factories import PatientFactory
from tests.patients.conftest import at

pytestmark = pytest.mark.django_db

API = "/api/v1/public"
CLINICAL_WORDS = ("evaluation", "injury", "pain", "diagnos", "treatment", "knee", "tendin")


def body(clinic, start, **extra):
    """A valid public booking body for a start time."""
    return {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": extra.pop("email", "ana@example.com"),
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
        "appointment_type": clinic.evaluation.pk,
        "start": start.isoformat(),
        **extra,
    }


def post(client, data, **headers):
    return client.post(f"{API}/bookings", data, content_type="application/json", **headers)


def confirm_url(message) -> str:
    """The confirm link's path in a confirm email."""
    return re.search(r"https?://[^/\s]+(/book/confirm/\S+/)", message.body).group(1)


def details(**extra):
    values = {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": "ana@example.com",
        "phone": "(213) 555-0100",
        "date_of_birth": dt.date(1990, 5, 1),
    }
    values.update(extra)
    return self_booking.clean_details(**values)


def hold(clinic, start, **extra):
    return self_booking.booking_hold_create(
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=start,
        therapist=extra.pop("therapist", clinic.therapist),
        details=details(**extra),
    )


# --- Holding ---------------------------------------------------------------------------------
def test_a_post_holds_the_slot_and_emails_a_confirm_link(
    online, client, django_capture_on_commit_callbacks
):
    """202 held with its expiry; the slot is held, the email names time, place and therapist."""
    start = at(online.monday, 10)
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, body(online, start))
    assert response.status_code == 202, response.content
    answer = response.json()
    assert answer["status"] == "held" and set(answer) == {"status", "expires_at"}
    held = BookingHold.objects.get()
    assert held.status == HoldStatus.HELD and held.start == start
    shown = dt.datetime.fromisoformat(answer["expires_at"])
    assert abs(shown - held.expires_at) < dt.timedelta(seconds=1)
    assert abs((held.expires_at - timezone.now()) - dt.timedelta(minutes=15)) < dt.timedelta(
        seconds=30
    )
    assert not Patient.objects.exists() and not Appointment.objects.exists()
    (message,) = mail.outbox
    assert "10:00 AM" in message.body and "Dana Nguyen" in message.body
    assert online.location.name in message.body and "/book/confirm/" in message.body
    assert not any(word in message.body.lower() for word in CLINICAL_WORDS)
    assert not any(word in message.subject.lower() for word in CLINICAL_WORDS)


def test_a_held_slot_is_offered_to_nobody_else(online):
    """Public and staff availability leave the held time out; the desk cannot book it."""
    start = at(online.monday, 10)
    hold(online, start)
    public = self_booking.public_free_slots(
        location=online.location, appointment_type=online.evaluation, day=online.monday
    )
    staff = slots.free_slots(appointment_type=online.evaluation, day=online.monday)
    assert start not in [s["start"] for s in public]
    assert start not in [s["start"] for s in staff]
    assert at(online.monday, 11) in [s["start"] for s in staff]
    with pytest.raises(SlotTaken):
        appointment_book(
            patient=PatientFactory(),
            therapist=online.therapist,
            appointment_type=online.evaluation,
            start=at(online.monday, 10, 30),
        )


def test_a_second_hold_of_the_same_time_is_refused(online, client):
    """409 when the time is held; 409 when it is booked."""
    start = at(online.monday, 10)
    hold(online, start)
    assert post(client, body(online, start, email="b@example.com")).status_code == 409
    appointment_book(
        patient=PatientFactory(),
        therapist=online.therapist,
        appointment_type=online.evaluation,
        start=at(online.monday, 14),
    )
    response = post(client, body(online, at(online.monday, 14), email="c@example.com"))
    assert response.status_code == 409
    assert response.json()["errors"]["start"]


def test_the_exclusion_constraint_refuses_overlapping_live_holds(online):
    """Even written without the lock, two live holds of one therapist cannot overlap."""
    from django.db import IntegrityError, transaction

    first = hold(online, at(online.monday, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        BookingHold.objects.create(
            therapist=online.therapist,
            location=online.location,
            appointment_type=online.evaluation,
            start=first.start + dt.timedelta(minutes=30),
            end=first.end + dt.timedelta(minutes=30),
            expires_at=first.expires_at,
            nonce="x",
            **details(),
        )


def test_an_expired_hold_frees_the_slot_and_its_link_shows_the_expired_page(
    online, client, django_capture_on_commit_callbacks
):
    """Past its time the slot is offered again, can be held again, and the old link is dead."""
    start = at(online.monday, 10)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, body(online, start)).status_code == 202
    link = confirm_url(mail.outbox[0])
    BookingHold.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    staff = slots.free_slots(appointment_type=online.evaluation, day=online.monday)
    assert start in [s["start"] for s in staff]
    page = client.get(link)
    assert page.status_code == 410
    assert b"This hold expired" in page.content
    assert client.post(link).status_code == 410
    assert post(client, body(online, start, email="b@example.com")).status_code == 202
    assert BookingHold.objects.filter(status=HoldStatus.EXPIRED).count() == 1
    assert not Appointment.objects.exists()


def test_the_beat_task_marks_expired_holds_and_sweeps_old_ones(online):
    """booking_holds_expire marks holds past their time and deletes finished ones after a day."""
    old = hold(online, at(online.monday, 10))
    live = hold(online, at(online.monday, 12))
    BookingHold.objects.filter(pk=old.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert self_booking.booking_holds_expire() == 1
    assert BookingHold.objects.get(pk=old.pk).status == HoldStatus.EXPIRED
    assert BookingHold.objects.get(pk=live.pk).status == HoldStatus.HELD
    BookingHold.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    self_booking.booking_holds_expire()
    assert not BookingHold.objects.filter(pk=old.pk).exists()


def test_the_desk_booking_over_an_expired_hold_expires_it(online):
    """A booking meeting a hold past its time marks the hold expired and goes ahead."""
    old = hold(online, at(online.monday, 10))
    BookingHold.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    appointment_book(
        patient=PatientFactory(),
        therapist=online.therapist,
        appointment_type=online.evaluation,
        start=at(online.monday, 10),
    )
    assert BookingHold.objects.get(pk=old.pk).status == HoldStatus.EXPIRED


# --- Confirming ------------------------------------------------------------------------------
def _held_link(online, client, capture, **extra) -> str:
    with capture(execute=True):
        response = post(client, body(online, at(online.monday, 10), **extra))
    assert response.status_code == 202, response.content
    return confirm_url(mail.outbox[-1])


@pytest.mark.usefixtures("celery_eager")
def test_confirming_books_once_and_creates_the_patient_and_invitation(
    online, client, django_capture_on_commit_callbacks
):
    """GET shows, POST books; a second POST shows the expired page and books nothing more."""
    link = _held_link(online, client, django_capture_on_commit_callbacks)
    page = client.get(link)
    assert page.status_code == 200 and b"Confirm my visit" in page.content
    assert not Appointment.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(link)
    assert done.status_code == 200 and b"booked" in done.content
    appointment = Appointment.objects.get()
    patient = appointment.patient
    assert (patient.first_name, patient.email, patient.phone) == (
        "Ana",
        "ana@example.com",
        "+12135550100",
    )
    assert patient.preferred_location == online.location and patient.preferred_language == "en"
    held = BookingHold.objects.get()
    assert held.status == HoldStatus.CONFIRMED and held.appointment == appointment
    assert patient.user is not None and not patient.user.has_usable_password()
    assert "runner portal" in mail.outbox[-1].subject
    again = client.post(link)
    assert again.status_code == 410 and b"This hold expired" in again.content
    assert Appointment.objects.count() == 1


def test_a_returning_runner_is_matched_by_email_only_on_confirmation(
    online, client, django_capture_on_commit_callbacks, make_user
):
    """The known patient (same email, birth date, last name) gets the appointment, on confirm."""
    known = PatientFactory(
        email="ana@example.com",
        first_name="Ana",
        last_name="Runner",
        date_of_birth=dt.date(1990, 5, 1),
        phone="+13105550199",
    )
    link = _held_link(online, client, django_capture_on_commit_callbacks, email="ANA@example.com")
    assert Patient.objects.count() == 1
    assert not Appointment.objects.filter(patient=known).exists()
    client.post(link)
    appointment = Appointment.objects.get()
    assert appointment.patient == known
    assert Patient.objects.count() == 1
    known.refresh_from_db()
    assert known.phone == "+13105550199"  # the typed details never overwrite the record


def test_known_and_unknown_emails_get_the_same_answers(online, client):
    """The public answer does not tell whether a patient has the email."""
    PatientFactory(email="known@example.com")
    a = post(client, body(online, at(online.monday, 10), email="known@example.com"))
    b = post(client, body(online, at(online.monday, 12), email="nobody@example.com"))
    assert a.status_code == b.status_code == 202
    assert set(a.json()) == set(b.json())
    assert a.json()["status"] == b.json()["status"]


def test_a_forged_link_shows_the_expired_page(client):
    """A token that is not ours shows the same expired page."""
    response = client.get(reverse("patients:public_book_confirm", args=["not-a-token"]))
    assert response.status_code == 410


# --- Policy --------------------------------------------------------------------------------
def test_policy_refusals_name_the_policy(online, client):
    """Beyond the horizon, inside the notice, a type not online, booking closed: 422."""
    BookingPolicy.objects.create(location=online.location, horizon_days=7, min_notice_hours=12)
    far = at(online.monday + dt.timedelta(days=21), 10)
    response = post(client, body(online, far))
    assert response.status_code == 422
    assert "7 days ahead" in response.json()["errors"]["start"][0]
    soon = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    response = post(client, body(online, soon))
    assert response.status_code == 422
    assert "12 hours" in response.json()["errors"]["start"][0]
    online.evaluation.bookable_online = False
    online.evaluation.save()
    near = at(online.monday - dt.timedelta(days=7), 10)
    response = post(client, body(online, near))
    assert response.status_code == 422 and "appointment_type" in response.json()["errors"]
    BookingPolicy.objects.filter(location=online.location).update(online_booking_enabled=False)
    online.evaluation.bookable_online = True
    online.evaluation.save()
    response = post(client, body(online, near))
    assert response.status_code == 422
    assert not BookingHold.objects.exists()


def test_bad_input_is_a_422_per_field(online, client):
    """Bad phone, email and date of birth are named; nothing is held."""
    data = body(
        online, at(online.monday, 10), email="not-an-email", phone="12", date_of_birth="2999-01-01"
    )
    response = post(client, data)
    assert response.status_code == 422
    assert {"email", "phone", "date_of_birth"} <= set(response.json()["errors"])
    response = post(client, {**data, "date_of_birth": "yesterday"})
    assert response.status_code == 422
    response = post(client, body(online, at(online.monday, 10, 7)))
    assert response.status_code == 422 and "start" in response.json()["errors"]
    assert not BookingHold.objects.exists()


def test_public_availability_uses_the_staff_slot_format(online, client):
    """Same slot fields as /api/v1/availability; outside the horizon a 422."""
    response = client.get(
        f"{API}/availability",
        {
            "location": online.location.pk,
            "appointment_type": online.evaluation.pk,
            "date": online.monday,
        },
    )
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == {"date", "appointment_type", "slots"}
    assert set(answer["slots"][0]) == {"start", "end", "therapist", "location"}
    far = online.monday + dt.timedelta(days=90)
    response = client.get(
        f"{API}/availability",
        {"location": online.location.pk, "appointment_type": online.evaluation.pk, "date": far},
    )
    assert response.status_code == 422 and "60 days" in response.json()["errors"]["date"][0]


def test_booking_options_show_no_usernames_or_patients(online, client):
    """Locations, online types and therapists by display name; nothing else."""
    PatientFactory(email="p@example.com")
    response = client.get(f"{API}/booking-options")
    assert response.status_code == 200
    text = response.content.decode()
    assert online.therapist.username not in text and "p@example.com" not in text
    answer = response.json()
    assert [t["name"] for t in answer["therapists"]] == ["Dana Nguyen"]
    assert {t["id"] for t in answer["appointment_types"]} == {
        online.evaluation.pk,
        online.follow_up.pk,
    }
    assert answer["locations"][0]["policy"]["horizon_days"] == 60


# --- Limits and the honeypot ---------------------------------------------------------------
def test_too_many_attempts_from_one_address_answer_429(online, client, settings):
    """Past the per-address limit: 429, nothing held."""
    settings.SELF_BOOKING_ADDRESS_LIMIT = 2
    for n in range(2):
        post(client, body(online, at(online.monday, 10 + n), email=f"r{n}@example.com"))
    response = post(client, body(online, at(online.monday, 14), email="z@example.com"))
    assert response.status_code == 429
    assert BookingHold.objects.count() == 2


def test_no_more_than_three_emails_to_one_address(online, client, settings):
    """The fourth hold for one email in an hour is refused (429) and sends nothing."""
    settings.SELF_BOOKING_EMAIL_LIMIT = 50
    for n in range(3):
        assert post(client, body(online, at(online.monday, 9 + n))).status_code == 202
        # Each hold expires before the next, so only the mail limit is in play.
        BookingHold.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert post(client, body(online, at(online.monday, 14))).status_code == 429
    assert BookingHold.objects.count() == 3


def test_the_honeypot_pretends_and_holds_nothing(
    online, client, django_capture_on_commit_callbacks
):
    """A filled hidden field gets the 'check your email' page; nothing held or sent."""
    url = reverse("patients:public_book_details")
    start = at(online.monday, 10)
    query = (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={int(start.timestamp())}"
    )
    form = {**details(), "date_of_birth": "1990-05-01", "website": "http://spam.example"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url + query, form, follow=True)
    assert response.status_code == 200 and b"Check your email" in response.content
    assert not BookingHold.objects.exists() and not mail.outbox


# --- The page --------------------------------------------------------------------------------
def test_the_page_walks_from_location_to_details_without_javascript(
    online, client, django_capture_on_commit_callbacks
):
    """Each step is a link; the details form holds the time and says to check the email."""
    page = client.get(reverse("patients:public_book"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "New patient evaluation" in text and "Book up to 60 days ahead" in text
    page = client.get(reverse("patients:public_book"), {"type": online.evaluation.pk})
    assert "First available" in page.content.decode()
    page = client.get(
        reverse("patients:public_book"), {"type": online.evaluation.pk, "therapist": "any"}
    )
    assert page.status_code == 200 and "Choose a day" in page.content.decode()
    page = client.get(
        reverse("patients:public_book"),
        {"type": online.evaluation.pk, "therapist": "any", "date": online.monday.isoformat()},
    )
    text = page.content.decode()
    assert "10:00 AM" in text and "Dana Nguyen" in text
    href = re.search(r'href="(/book/details/\?[^"]+)"', text).group(1).replace("&amp;", "&")
    form = client.get(href)
    assert form.status_code == 200 and "Your details" in form.content.decode()
    data = {**details(), "date_of_birth": "1990-05-01"}
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(href, data, follow=True)
    assert sent.status_code == 200 and "Check your email" in sent.content.decode()
    assert BookingHold.objects.count() == 1 and len(mail.outbox) == 1


def test_the_details_form_shows_errors_at_the_fields(online, client):
    """A bad phone is named at its field; nothing held."""
    start = at(online.monday, 10)
    url = reverse("patients:public_book_details") + (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={int(start.timestamp())}"
    )
    response = client.post(url, {**details(), "phone": "555", "date_of_birth": "1990-05-01"})
    assert response.status_code == 422
    assert "valid US phone number" in response.content.decode()
    assert not BookingHold.objects.exists()


def test_the_page_in_spanish(online, client, django_capture_on_commit_callbacks):
    """A Spanish browser gets the page and the email in Spanish; the patient keeps Spanish."""
    page = client.get(reverse("patients:public_book"), HTTP_ACCEPT_LANGUAGE="es")
    assert "Reservar una cita" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        post(client, body(online, at(online.monday, 10)), HTTP_ACCEPT_LANGUAGE="es")
    message = mail.outbox[0]
    assert "Confirme" in message.subject and "lunes" in message.body.lower()
    client.post(confirm_url(message), HTTP_ACCEPT_LANGUAGE="es")
    assert Patient.objects.get().preferred_language == "es"


def test_the_page_refuses_what_the_policy_refuses(online, client):
    """A time inside the minimum notice, or a date past the horizon, is refused on the page."""
    BookingPolicy.objects.create(location=online.location, horizon_days=7, min_notice_hours=48)
    soon = timezone.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    url = reverse("patients:public_book_details") + (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={int(soon.timestamp())}"
    )
    response = client.post(url, {**details(), "date_of_birth": "1990-05-01"})
    assert response.status_code == 422
    assert "at least 48 hours" in response.content.decode()
    far = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    page = client.get(
        reverse("patients:public_book"),
        {"type": online.evaluation.pk, "therapist": "any", "date": far},
    )
    assert "Online booking is open from" in page.content.decode()
    assert "Choose a time" not in page.content.decode()
    assert not BookingHold.objects.exists()
