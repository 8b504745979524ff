"""My appointments: the runner's list, cancel, reschedule and follow-up pages, and the same
policy on the API and the reminder email's cancel link."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangpt.roles import Role
from dangpt.services import api_token_create
from patients.models import AppointmentStatus, BookingPolicy, VisitKind
from patients.reminders.links import appointment_link
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import AppointmentFactory, AppointmentTypeFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def clinic(make_user):
    """The test clinic with a phone, an online follow-up type, and a runner who sees Dana."""
    clinic = build_clinic(make_user)
    clinic.location.phone = "+12135550100"
    clinic.location.save()
    clinic.follow_up.bookable_online = True
    clinic.follow_up.visit_kind = VisitKind.FOLLOW_UP
    clinic.follow_up.save()
    clinic.runner = make_user(Role.RUNNER, first_name="Rosa", last_name="Lopez")
    clinic.patient = PatientFactory(user=clinic.runner, preferred_location=clinic.location)
    clinic.visit = AppointmentFactory(
        patient=clinic.patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 15, 30),
    )
    return clinic


def _soon(clinic, hours: float = 3):
    """A visit of the runner starting in a few hours: inside the 24-hour cut-off."""
    start = (timezone.now() + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)
    return AppointmentFactory(
        patient=clinic.patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=start,
    )


def _weekday_soon() -> dt.date:
    """A working weekday 2 to 4 days from today: within a 14-day minimum notice."""
    day = timezone.localdate() + dt.timedelta(days=2)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def test_my_appointments_lists_own_visits_in_12_hour_time(client_for, clinic):
    """The list shows the runner's visit with a 12-hour time, the therapist's name and place."""
    other = PatientFactory(preferred_location=clinic.location)
    AppointmentFactory(
        patient=other,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=at(clinic.monday, 10),
    )
    response = client_for(clinic.runner).get(reverse("patients:my_appointments"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "3:30 PM" in body and "Dana Nguyen" in body and "Test Silver Lake" in body
    assert body.count('class="card mb-3 my-visit"') == 1  # not the other runner's visit
    assert reverse("patients:ics", args=[clinic.visit.pk]) in body


def test_past_tab_lists_past_visits_with_their_status(client_for, clinic):
    """Past visits appear under Past with their status, without cancel buttons."""
    AppointmentFactory(
        patient=clinic.patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=timezone.now() - dt.timedelta(days=7),
        status=AppointmentStatus.COMPLETED,
    )
    body = client_for(clinic.runner).get(reverse("patients:my_appointments"), {"show": "past"})
    text = body.content.decode()
    assert "Completed" in text and "Yes, cancel" not in text
    assert text.count('class="card mb-3 my-visit"') == 1


def test_my_appointments_is_for_runners_only(client_for, clinic, front_desk):
    """The list and the follow-up page: staff get a 404; anonymous visitors go to sign in."""
    for url in (reverse("patients:my_appointments"), reverse("patients:my_follow_up")):
        assert Client().get(url).status_code == 302
        assert client_for(front_desk).get(url).status_code == 404
    assert client_for(front_desk).post(reverse("patients:my_follow_up")).status_code == 404


def test_runner_cancels_inside_the_policy(client_for, clinic):
    """The confirmation step, then the cancel: the visit is cancelled by the runner."""
    client = client_for(clinic.runner)
    url = reverse("patients:my_appointment_cancel", args=[clinic.visit.pk])
    assert "Yes, cancel this visit" in client.get(url).content.decode()
    response = client.post(url)
    assert response.status_code == 302
    clinic.visit.refresh_from_db()
    assert clinic.visit.status == AppointmentStatus.CANCELLED
    assert clinic.visit.cancelled_by == clinic.runner


def test_runner_cancel_too_late_is_refused_with_the_policy(client_for, clinic):
    """Inside the cut-off the page names the policy and a POST changes nothing (422)."""
    soon = _soon(clinic)
    client = client_for(clinic.runner)
    url = reverse("patients:my_appointment_cancel", args=[soon.pk])
    page = client.get(url).content.decode()
    assert "Online cancellation closes 24 hours before the visit." in page
    assert "(213) 555-0100" in page and "Yes, cancel this visit" not in page
    response = client.post(url)
    assert response.status_code == 422
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.BOOKED


def test_another_runners_visit_is_404(client_for, clinic, make_user):
    """Another runner's cancel and reschedule pages answer 404 and change nothing."""
    stranger = make_user(Role.RUNNER)
    PatientFactory(user=stranger)
    client = client_for(stranger)
    for name in ("patients:my_appointment_cancel", "patients:my_appointment_reschedule"):
        url = reverse(name, args=[clinic.visit.pk])
        assert client.get(url).status_code == 404
        assert client.post(url).status_code == 404
    clinic.visit.refresh_from_db()
    assert clinic.visit.status == AppointmentStatus.BOOKED


def test_cancel_page_refuses_get_only_methods(client_for, clinic):
    """PUT is not allowed on the cancel page."""
    url = reverse("patients:my_appointment_cancel", args=[clinic.visit.pk])
    assert client_for(clinic.runner).put(url).status_code == 405


def test_runner_downloads_the_calendar_file(client_for, clinic):
    """Add to calendar gives an .ics of the visit."""
    response = client_for(clinic.runner).get(reverse("patients:ics", args=[clinic.visit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar"
    assert b"BEGIN:VEVENT" in response.content


def test_reschedule_through_the_picker(client_for, clinic):
    """Pick a free time on another day, review it, move: the visit is at the new time."""
    client = client_for(clinic.runner)
    url = reverse("patients:my_appointment_reschedule", args=[clinic.visit.pk])
    tuesday = clinic.monday + dt.timedelta(days=1)
    picker = client.get(url, {"date": tuesday.isoformat()}).content.decode()
    assert "9:00 AM" in picker
    new_start = at(tuesday, 9)
    picked = {"start": new_start.isoformat(), "therapist": clinic.therapist.pk}
    review = client.get(url, {"date": tuesday.isoformat(), **picked}).content.decode()
    assert "Please check your new time" in review and "Tue, " in review
    response = client.post(url, {"start": new_start.isoformat(), "therapist": clinic.therapist.pk})
    assert response.status_code == 302
    clinic.visit.refresh_from_db()
    assert clinic.visit.start == new_start
    assert clinic.visit.status == AppointmentStatus.BOOKED


def test_picker_offers_any_therapist_at_the_location(client_for, clinic, make_user):
    """ "Any therapist" lists another therapist's free times with their name."""
    from tests.patients.factories import WorkingHoursFactory

    other = make_user(Role.THERAPIST, first_name="Ian", last_name="Park")
    WorkingHoursFactory(therapist=other, location=clinic.location, weekday=5)
    saturday = clinic.monday + dt.timedelta(days=5)
    url = reverse("patients:my_appointment_reschedule", args=[clinic.visit.pk])
    client = client_for(clinic.runner)
    mine = client.get(url, {"date": saturday.isoformat()}).content.decode()
    assert "No free times on this day" in mine
    anyone = client.get(url, {"date": saturday.isoformat(), "who": "any"}).content.decode()
    assert "Ian Park" in anyone and "8:00 AM" in anyone


def test_reschedule_too_late_is_refused(client_for, clinic):
    """Inside the reschedule cut-off the picker is replaced by the policy; POST is 422."""
    soon = _soon(clinic)
    url = reverse("patients:my_appointment_reschedule", args=[soon.pk])
    client = client_for(clinic.runner)
    assert "Online rescheduling closes 24 hours" in client.get(url).content.decode()
    response = client.post(
        url, {"start": at(clinic.monday, 9).isoformat(), "therapist": clinic.therapist.pk}
    )
    assert response.status_code == 422
    soon.refresh_from_db()
    assert soon.start != at(clinic.monday, 9)


def test_reschedule_outside_the_horizon_is_refused(client_for, clinic):
    """A move past the booking horizon is refused, naming it."""
    BookingPolicy.objects.create(location=clinic.location, horizon_days=7)
    far = at(clinic.monday + dt.timedelta(days=28), 9)
    url = reverse("patients:my_appointment_reschedule", args=[clinic.visit.pk])
    response = client_for(clinic.runner).post(
        url, {"start": far.isoformat(), "therapist": clinic.therapist.pk}
    )
    assert response.status_code == 422
    assert "Online booking is open up to 7 days ahead." in response.content.decode()
    clinic.visit.refresh_from_db()
    assert clinic.visit.start == at(clinic.monday, 15, 30)


def test_reschedule_below_minimum_notice_is_refused(client_for, clinic):
    """A move to a time sooner than the minimum notice is refused, naming it."""
    BookingPolicy.objects.create(location=clinic.location, min_notice_hours=336)
    url = reverse("patients:my_appointment_reschedule", args=[clinic.visit.pk])
    response = client_for(clinic.runner).post(
        url, {"start": at(_weekday_soon(), 9).isoformat(), "therapist": clinic.therapist.pk}
    )
    assert response.status_code == 422
    assert "at least 336 hours before the visit" in response.content.decode()


def test_book_a_follow_up_with_own_therapist(client_for, clinic):
    """The follow-up picker shows the runner's therapist's times; booking one adds a visit."""
    client = client_for(clinic.runner)
    url = reverse("patients:my_follow_up")
    wednesday = clinic.monday + dt.timedelta(days=2)
    page = client.get(url, {"date": wednesday.isoformat()}).content.decode()
    assert "With Dana Nguyen at Test Silver Lake" in page and "10:00 AM" in page
    start = at(wednesday, 10)
    response = client.post(
        url,
        {"start": start.isoformat(), "therapist": clinic.therapist.pk, "type": clinic.follow_up.pk},
    )
    assert response.status_code == 302
    booked = clinic.patient.appointments.get(start=start)
    assert booked.therapist == clinic.therapist and booked.created_by == clinic.runner


def test_follow_up_type_not_bookable_online_is_refused(client_for, clinic):
    """A visit type the manager keeps off online booking is refused, naming the policy."""
    closed = AppointmentTypeFactory(name="Dry needling block", bookable_online=False)
    start = at(clinic.monday + dt.timedelta(days=2), 10)
    response = client_for(clinic.runner).post(
        reverse("patients:my_follow_up"),
        {"start": start.isoformat(), "therapist": clinic.therapist.pk, "type": closed.pk},
    )
    assert response.status_code == 422
    assert "This kind of visit cannot be booked online." in response.content.decode()
    assert not clinic.patient.appointments.filter(start=start).exists()


def test_follow_up_below_minimum_notice_is_refused(client_for, clinic):
    """A follow-up sooner than the minimum notice is not booked."""
    BookingPolicy.objects.create(location=clinic.location, min_notice_hours=336)
    start = at(_weekday_soon(), 10)
    response = client_for(clinic.runner).post(
        reverse("patients:my_follow_up"),
        {"start": start.isoformat(), "therapist": clinic.therapist.pk, "type": clinic.follow_up.pk},
    )
    assert response.status_code == 422
    assert not clinic.patient.appointments.filter(start=start).exists()


def test_follow_up_only_with_own_therapist(client_for, clinic, make_user):
    """A forged pick of another therapist is not booked."""
    from tests.patients.factories import WorkingHoursFactory

    other = make_user(Role.THERAPIST)
    WorkingHoursFactory(therapist=other, location=clinic.location, weekday=2)
    start = at(clinic.monday + dt.timedelta(days=2), 10)
    client_for(clinic.runner).post(
        reverse("patients:my_follow_up"),
        {"start": start.isoformat(), "therapist": other.pk, "type": clinic.follow_up.pk},
    )
    assert not clinic.patient.appointments.filter(start=start).exists()


# --- The same policy on the API and the email link ------------------------------------------
def _bearer(user) -> dict:
    _, raw = api_token_create(user=user, second_factor=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_runner_cancel_too_late_is_422_naming_the_policy(clinic):
    """The runner's API cancel inside the cut-off: 422 with the policy, nothing cancelled."""
    soon = _soon(clinic)
    response = Client(**_bearer(clinic.runner)).post(
        f"{API}/appointments/{soon.pk}/cancel", {}, content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Online cancellation closes 24 hours")
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.BOOKED


def test_api_runner_cancel_inside_the_policy(clinic):
    """Far enough ahead, the runner's API cancel works."""
    response = Client(**_bearer(clinic.runner)).post(
        f"{API}/appointments/{clinic.visit.pk}/cancel", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_api_staff_cancel_is_not_bound_by_the_runner_policy(clinic, front_desk):
    """The desk cancels a visit three hours away; it counts as late, not refused."""
    soon = _soon(clinic)
    response = Client(**_bearer(front_desk)).post(
        f"{API}/appointments/{soon.pk}/cancel", {}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["late_cancel"] is True


def test_email_cancel_link_too_late_names_the_policy(clinic):
    """The reminder's cancel link inside the cut-off shows the policy and cancels nothing."""
    soon = _soon(clinic)
    path = urlsplit(appointment_link(appointment=soon, action="cancel")).path
    page = Client().get(path).content.decode()
    assert "Online cancellation closes 24 hours before the visit." in page
    assert "Cancel the appointment" not in page
    Client().post(path)
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.BOOKED


def test_email_cancel_link_inside_the_policy_cancels(clinic):
    """Far enough ahead, the emailed cancel link cancels."""
    path = urlsplit(appointment_link(appointment=clinic.visit, action="cancel")).path
    Client().post(path)
    clinic.visit.refresh_from_db()
    assert clinic.visit.status == AppointmentStatus.CANCELLED


def test_spanish_runner_reads_the_page_in_spanish(client_for, clinic):
    """A runner who prefers Spanish gets the list and its buttons in Spanish."""
    clinic.patient.preferred_language = "es"
    clinic.patient.save()
    body = client_for(clinic.runner).get(reverse("patients:my_appointments")).content.decode()
    assert "Mis citas" in body and "Agregar al calendario" in body
