"""The front desk, therapist and manager pages: success, bad input, scoping, methods, queries."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangpt.roles import Role
from dangpt.services import user_deactivate
from patients.models import Appointment, AppointmentType, Patient, WaitlistEntry
from patients.services import runner_invitation_accept
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import AppointmentFactory, WaitlistEntryFactory


def intake_post(**overrides) -> dict:
    return {
        "p-first_name": "Casey",
        "p-last_name": "Runner",
        "p-date_of_birth": "1990-02-03",
        "p-email": "casey@example.test",
        "p-phone": "213 555 0177",
        "p-email_opt_in": "on",
        "r-weekly_miles": "21.7",
        "r-surfaces": ["road"],
        "c-treatment": "on",
        "c-privacy": "on",
        **overrides,
    }


def test_register_saves_patient_profile_and_consents(client_for, front_desk):
    """A valid intake redirects to the record with normalised phone and two consents."""
    response = client_for(front_desk).post(reverse("patients:register"), intake_post())
    patient = Patient.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("patients:detail", args=[patient.pk])
    assert patient.phone == "+12135550177"
    assert patient.running_profile.surfaces == ["road"]
    assert set(patient.consents.values_list("kind", flat=True)) == {"treatment", "privacy"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"p-phone": "555"}, "valid phone number"),
        ({"p-date_of_birth": "2999-01-01"}, "cannot be in the future"),
        ({"p-preferred_location": "999999"}, "Select a valid choice"),
    ],
)
def test_register_shows_field_errors_and_saves_nothing(client_for, front_desk, overrides, message):
    """Bad phone, future birth date and an unknown location re-render with the message."""
    response = client_for(front_desk).post(reverse("patients:register"), intake_post(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Patient.objects.exists()


def test_register_warns_about_a_duplicate_before_saving(client_for, front_desk):
    """Same name and birth date: a warning and a tick box; ticking it registers anyway."""
    existing = PatientFactory(
        first_name="Casey", last_name="Runner", date_of_birth=dt.date(1990, 2, 3)
    )
    client = client_for(front_desk)
    response = client.post(reverse("patients:register"), intake_post())
    assert response.status_code == 200
    assert "duplicate-warning" in response.content.decode()
    assert reverse("patients:detail", args=[existing.pk]) in response.content.decode()
    assert Patient.objects.count() == 1
    confirmed = client.post(
        reverse("patients:register"), intake_post(**{"p-confirm_duplicate": "on"})
    )
    assert confirmed.status_code == 302
    assert Patient.objects.count() == 2


def test_patient_list_searches_and_paginates(client_for, front_desk):
    """Search by surname finds one; 30 patients spread over two pages."""
    PatientFactory(first_name="Unique", last_name="Zebrafish")
    for _ in range(29):
        PatientFactory()
    client = client_for(front_desk)
    found = client.get(reverse("patients:list"), {"q": "zebrafish"})
    assert len(found.context["page"].object_list) == 1
    assert client.get(reverse("patients:list"), {"page": 2}).context["page"].number == 2


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


def test_patient_list_query_count_is_constant(client_for, front_desk, clinic):
    """One patient or twenty-five on the page: the same number of queries."""
    client = client_for(front_desk)
    shared = {"therapist": clinic.therapist, "location": clinic.location}
    AppointmentFactory(status="no_show", **shared)
    one = _count(client, reverse("patients:list"))
    for n in range(49):
        AppointmentFactory(start=at(clinic.monday, 8) + dt.timedelta(hours=n), **shared)
    assert _count(client, reverse("patients:list")) == one


def test_schedule_query_count_is_constant(client_for, front_desk, clinic):
    """A day with 1 or 50 appointments runs the same number of queries."""
    client = client_for(front_desk)
    quick = AppointmentType.objects.create(name="Check", duration_minutes=15)
    shared = {"therapist": clinic.therapist, "location": clinic.location, "appointment_type": quick}
    params = {"location": clinic.location.pk, "date": clinic.monday.isoformat()}
    AppointmentFactory(start=at(clinic.monday, 6), **shared)
    one = _count(client, reverse("patients:schedule"), params)
    for n in range(1, 50):
        AppointmentFactory(start=at(clinic.monday, 6) + dt.timedelta(minutes=15 * n), **shared)
    assert _count(client, reverse("patients:schedule"), params) == one


def test_schedule_shows_columns_and_htmx_returns_the_partial(client_for, front_desk, clinic):
    """The day shows the therapist column; an htmx request gets only the day fragment."""
    AppointmentFactory(
        therapist=clinic.therapist, location=clinic.location, start=at(clinic.monday, 9)
    )
    client = client_for(front_desk)
    params = {"location": clinic.location.pk, "date": clinic.monday.isoformat()}
    page = client.get(reverse("patients:schedule"), params).content.decode()
    assert "Dana Nguyen" in page and "9:00 AM" in page
    fragment = client.get(reverse("patients:schedule"), params, HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()
    assert "schedule-date" in fragment.content.decode()


def test_booking_flow_lists_slots_and_books_the_clicked_one(client_for, front_desk, clinic):
    """Choosing type and date shows free slots; the review step of one books it on POST."""
    patient = PatientFactory()
    client = client_for(front_desk)
    params = {
        "patient": patient.pk,
        "appointment_type": clinic.evaluation.pk,
        "therapist": "",
        "date": clinic.monday.isoformat(),
    }
    page = client.get(reverse("patients:book"), params)
    first = page.context["days"][0]["groups"][0]["slots"][0]
    assert first["start"] == at(clinic.monday, 8)
    chosen = {
        "patient": patient.pk,
        "appointment_type": clinic.evaluation.pk,
        "therapist": clinic.therapist.pk,
        "location": clinic.location.pk,
        "start": first["start"].isoformat(),
    }
    url = reverse("patients:book_review")
    assert client.get(url, chosen).status_code == 200
    response = client.post(url, chosen)
    booked = Appointment.objects.get()
    assert response.url == reverse("patients:appointment", args=[booked.pk])
    assert booked.start == at(clinic.monday, 8)
    lost = client.post(url, {**chosen, "patient": PatientFactory().pk})
    assert "Dana Nguyen already has a visit at 8:00 AM" in lost.content.decode()
    assert Appointment.objects.count() == 1


def test_cancel_then_book_a_waitlisted_runner_into_the_freed_slot(client_for, front_desk, clinic):
    """Cancel asks first; the freed page lists the matching entry; one click books it."""
    appointment = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=at(clinic.monday, 9),
    )
    entry = WaitlistEntryFactory(appointment_type=clinic.follow_up)
    WaitlistEntryFactory(
        appointment_type=AppointmentType.objects.create(name="Long", duration_minutes=90)
    )
    client = client_for(front_desk)
    assert client.get(reverse("patients:cancel", args=[appointment.pk])).status_code == 200
    response = client.post(reverse("patients:cancel", args=[appointment.pk]), {"reason": "Ill"})
    assert response.url == reverse("patients:freed", args=[appointment.pk])
    freed = client.get(response.url)
    assert [e.pk for e in freed.context["matches"]] == [entry.pk]
    client.post(reverse("patients:waitlist_book", args=[entry.pk, appointment.pk]))
    entry.refresh_from_db()
    assert entry.status == "booked"
    assert entry.appointment.start == appointment.start


def test_status_actions_and_reschedule(client_for, front_desk, clinic):
    """Check in via the page; moving to a time outside hours shows the reason."""
    appointment = AppointmentFactory(
        therapist=clinic.therapist, location=clinic.location, start=at(clinic.monday, 9)
    )
    client = client_for(front_desk)
    bad = client.post(
        reverse("patients:move", args=[appointment.pk]),
        {"date": clinic.monday.isoformat(), "time": "06:00"},
    )
    assert bad.status_code == 400
    assert "does not work" in bad.content.decode()
    client.post(
        reverse("patients:move", args=[appointment.pk]),
        {"date": clinic.monday.isoformat(), "time": "10:00"},
    )
    # Two weeks ahead: check-in is not open yet, so nothing changes but the time.
    client.post(reverse("patients:status", args=[appointment.pk]), {"action": "check_in"})
    appointment.refresh_from_db()
    assert (appointment.start, appointment.status) == (at(clinic.monday, 10), "booked")


def test_runner_gets_ics_for_own_appointment_and_404_for_others(client_for, runner):
    """The .ics download is scoped: own appointment 200, someone else's 404."""
    mine = AppointmentFactory(patient=runner.patient)
    theirs = AppointmentFactory(start=mine.start + dt.timedelta(hours=3))
    client = client_for(runner)
    response = client.get(reverse("patients:ics", args=[mine.pk]))
    assert response.status_code == 200
    assert b"BEGIN:VEVENT" in response.content
    assert client.get(reverse("patients:ics", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("patients:appointment", args=[mine.pk])).status_code == 404


@pytest.mark.parametrize(
    "name",
    ["patients:detail", "patients:edit", "patients:waitlist_add"],
)
def test_runner_gets_404_on_desk_patient_pages(client_for, runner, name):
    """A runner cannot open even their own record on the desk pages."""
    assert client_for(runner).get(reverse(name, args=[runner.patient.pk])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/desk/patients/",
        "/desk/book/",
        "/desk/waitlist/",
        "/manager/setup/types/",
        "/desk/patients/1/",
    ],
)
def test_anonymous_users_go_to_login(client, db, url):
    """Every desk page sends anonymous users to sign in."""
    response = client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


def test_wrong_methods_are_405(client_for, front_desk):
    """Read-only pages refuse POST; action endpoints refuse GET (status and move GET their
    confirmation and picker pages)."""
    client = client_for(front_desk)
    appointment = AppointmentFactory()
    assert client.post(reverse("patients:list")).status_code == 405
    assert client.post(reverse("patients:book")).status_code == 405
    assert client.post(reverse("patients:calendar")).status_code == 405
    assert client.post(reverse("patients:move_review", args=[appointment.pk])).status_code == 405
    assert client.get(reverse("patients:status_undo", args=[appointment.pk])).status_code == 405


def test_front_desk_cannot_open_manager_setup(client_for, front_desk):
    """Clinic set-up is the manager's."""
    assert client_for(front_desk).get(reverse("patients:setup", args=["types"])).status_code == 404


def test_manager_adds_an_appointment_type_and_a_5_minute_one_is_refused(client_for, manager):
    """60 minutes saves; 5 minutes is a field error and nothing is saved."""
    client = client_for(manager)
    url = reverse("patients:setup_add", args=["types"])
    bad = client.post(url, {"name": "Quick", "duration_minutes": 5, "colour": "#000000"})
    assert "At least 15 minutes" in bad.content.decode()
    assert not AppointmentType.objects.filter(name="Quick").exists()
    client.post(
        url, {"name": "Run clinic", "duration_minutes": 60, "colour": "#000000", "is_active": "on"}
    )
    assert AppointmentType.objects.get(name="Run clinic").duration_minutes == 60
    assert client.get(reverse("patients:clinic_overview")).status_code == 200


def test_therapist_day_week_and_private_feed(client_for, clinic, client):
    """My day lists own appointments; the feed URL works until revoked."""
    AppointmentFactory(
        therapist=clinic.therapist, location=clinic.location, start=at(clinic.monday, 9)
    )
    signed_in = client_for(clinic.therapist)
    week = signed_in.get(
        reverse("patients:my_day"), {"date": clinic.monday.isoformat(), "view": "week"}
    )
    assert len(week.context["appointments"]) == 1
    response = signed_in.post(reverse("patients:calendar_feed"), {"action": "reset"}, follow=True)
    message = next(iter(response.context["messages"])).message
    feed_path = message[message.index("/calendar/") :]
    client.logout()
    feed = client.get(feed_path)
    assert feed.status_code == 200 and b"patient #" in feed.content
    client_for(clinic.therapist).post(reverse("patients:calendar_feed"), {"action": "revoke"})
    client.logout()
    assert client.get(feed_path).status_code == 404


@pytest.mark.usefixtures("celery_eager")
def test_invitation_link_sets_password_once(
    client_for, front_desk, mailoutbox, client, django_capture_on_commit_callbacks
):
    """The mailed link sets a password, signs the runner in, and then stops working."""
    patient = PatientFactory(email="invitee@example.test")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(front_desk).post(reverse("patients:invite", args=[patient.pk]))
    client.logout()
    body = mailoutbox[0].body
    link = body[body.index("/invite/") :].split()[0]
    password = "a-very-long-new-password-42"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.user.check_password(password)
    assert patient.user.groups.filter(name=Role.RUNNER).exists()
    client.logout()
    assert client.get(link).status_code == 404


def _invite(client_for, desk, patient, mailoutbox, callbacks) -> str:
    """Send an invitation from the desk and return the link path from the email."""
    with callbacks(execute=True):
        response = client_for(desk).post(reverse("patients:invite", args=[patient.pk]), follow=True)
    assert response.status_code == 200
    body = mailoutbox[-1].body
    return body[body.index("/invite/") :].split()[0]


@pytest.mark.usefixtures("celery_eager")
def test_invitation_does_not_reactivate_a_deactivated_login(
    client_for, front_desk, mailoutbox, client, django_capture_on_commit_callbacks
):
    """After deactivation the old link is dead, accepting changes nothing, no new one is sent."""
    patient = PatientFactory(email="closed@example.test")
    link = _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    patient.refresh_from_db()
    user_deactivate(user=patient.user)
    client.logout()
    password = "a-very-long-new-password-42"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 404
    assert "closes your login" in response.content.decode()
    patient.user.refresh_from_db()
    assert not patient.user.is_active and not patient.user.has_usable_password()
    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        page = client_for(front_desk).post(
            reverse("patients:invite", args=[patient.pk]), follow=True
        )
    assert "deactivated" in page.content.decode()
    assert len(mailoutbox) == sent
    with pytest.raises(ValidationError, match="deactivated"):
        runner_invitation_accept(user=patient.user, token=link.split("/")[-2], password=password)


@pytest.mark.usefixtures("celery_eager")
def test_invitation_link_stays_dead_after_deactivation_and_reactivation(
    client_for, front_desk, mailoutbox, client, django_capture_on_commit_callbacks
):
    """Reactivating a login does not bring back the links sent before it was deactivated."""
    patient = PatientFactory(email="back@example.test")
    link = _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    patient.refresh_from_db()
    user_deactivate(user=patient.user)
    patient.user.is_active = True
    patient.user.save(update_fields=["is_active"])
    client.logout()
    password = "a-very-long-new-password-42"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 404
    patient.user.refresh_from_db()
    assert not patient.user.has_usable_password()
    fresh = _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    client.logout()
    assert client.get(fresh).status_code == 200


@pytest.mark.usefixtures("celery_eager")
def test_invitation_link_dies_when_the_desk_corrects_the_email(
    client_for, front_desk, mailoutbox, client, django_capture_on_commit_callbacks
):
    """A link is bound to the address it was sent to; the new address gets a working one."""
    patient = PatientFactory(email="typo@exmaple.test")
    old = _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    _correct_email(client_for(front_desk), patient, "right@example.test")
    patient.refresh_from_db()
    assert (patient.user.username, patient.user.email) == ("right@example.test",) * 2
    client.logout()
    assert client.get(old).status_code == 404
    new = _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    assert mailoutbox[-1].to == ["right@example.test"]
    client.logout()
    assert client.get(new).status_code == 200


def _correct_email(desk_client, patient, email: str):
    """Post the patient's edit page with a new email and the rest of the intake unchanged."""
    post = intake_post(
        **{
            "p-first_name": patient.first_name,
            "p-last_name": patient.last_name,
            "p-date_of_birth": patient.date_of_birth.isoformat(),
            "p-email": email,
            "p-preferred_location": patient.preferred_location_id,
        }
    )
    return desk_client.post(reverse("patients:edit", args=[patient.pk]), post)


@pytest.mark.usefixtures("celery_eager")
def test_password_reset_goes_to_the_corrected_email_only(
    client_for, front_desk, mailoutbox, client, django_capture_on_commit_callbacks
):
    """After the desk corrects a runner's email, a reset for the old address mails nothing."""
    patient = PatientFactory(email="typo@exmaple.test")
    link = _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    client.logout()
    password = "a-very-long-new-password-42"
    client.post(link, {"new_password1": password, "new_password2": password})
    client.logout()
    response = _correct_email(client_for(front_desk), patient, "right@example.test")
    assert response.status_code == 302
    patient.refresh_from_db()
    assert (patient.user.username, patient.user.email) == ("right@example.test",) * 2
    client.logout()
    sent = len(mailoutbox)
    client.post(reverse("password_reset"), {"email": "typo@exmaple.test"})
    assert len(mailoutbox) == sent
    client.post(reverse("password_reset"), {"email": "right@example.test"})
    assert [m.to for m in mailoutbox[sent:]] == [["right@example.test"]]


@pytest.mark.usefixtures("celery_eager")
def test_correcting_to_an_email_another_login_uses_is_a_field_error(
    client_for, front_desk, mailoutbox, django_capture_on_commit_callbacks, django_user_model
):
    """The desk cannot move a runner's login onto an address that another login already has."""
    patient = PatientFactory(email="typo@exmaple.test")
    _invite(client_for, front_desk, patient, mailoutbox, django_capture_on_commit_callbacks)
    django_user_model.objects.create_user("right@example.test", "right@example.test")
    response = _correct_email(client_for(front_desk), patient, "right@example.test")
    assert response.status_code == 200
    assert "Another login already uses this email address." in str(
        response.context["patient_form"].errors["email"]
    )
    patient.refresh_from_db()
    patient.user.refresh_from_db()
    assert patient.email == patient.user.email == "typo@exmaple.test"


def test_waitlist_add_and_list(client_for, front_desk, clinic):
    """An entry with a latest-before-earliest window is refused; a good one is listed."""
    patient = PatientFactory()
    client = client_for(front_desk)
    url = reverse("patients:waitlist_add", args=[patient.pk])
    bad = client.post(
        url,
        {"appointment_type": clinic.follow_up.pk, "earliest_time": "15:00", "latest_time": "09:00"},
    )
    assert bad.status_code == 200 and not WaitlistEntry.objects.exists()
    client.post(url, {"appointment_type": clinic.follow_up.pk, "preferred_weekdays": ["0", "2"]})
    assert WaitlistEntry.objects.get().preferred_weekdays == [0, 2]
    assert len(client.get(reverse("patients:waitlist")).context["page"].object_list) == 1


def test_patient_detail_says_not_given_for_empty_values(client_for, front_desk):
    """Empty contact and profile values read "Not given" (as on the chart), never a bare dash."""
    from patients.models import RunningProfile

    patient = PatientFactory(sex="", address="")
    RunningProfile.objects.create(patient=patient)
    page = client_for(front_desk).get(reverse("patients:detail", args=[patient.pk]))
    html = page.content.decode()
    for anchor in ('id="patient-sex"', 'id="patient-address"'):
        assert "Not given" in html.split(anchor, 1)[1].split("</dd>", 1)[0]
    assert "None reported" in html.split('id="patient-injuries"', 1)[1].split("</dd>", 1)[0]


def test_consent_boxes_name_the_version_by_its_month_not_its_code():
    """Staff read "Consent to treatment (version of January 2026)", never "(v2026-01)"."""
    from patients.forms import ConsentForm

    labels = [field.label for field in ConsentForm().fields.values()]
    assert labels and all("(v2" not in label and "version of " in label for label in labels)
