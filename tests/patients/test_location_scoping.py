"""Who sees which chart: staff see the patients at their locations, the manager the clinic."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from dangpt.services import api_token_create
from patients.models import Appointment, Patient, StaffProfile, WaitlistEntry
from patients.reminders.models import Reminder
from patients.services import patient_register
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import AppointmentFactory, WaitlistEntryFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def west():
    return LocationFactory(name="West")


@pytest.fixture
def east():
    return LocationFactory(name="East")


def _at(user, location):
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    profile.locations.set([location])
    return user


def _visible(user) -> set[int]:
    return set(Patient.objects.visible_to(user).values_list("pk", flat=True))


def test_a_patient_is_at_their_home_location_and_where_they_have_appointments(
    make_user, west, east
):
    """Home location or any kept appointment there, past or future; nothing of the other one."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    home_west = PatientFactory(preferred_location=west)
    PatientFactory(preferred_location=east)  # home East, never booked at West
    seen_west = PatientFactory(preferred_location=east)
    AppointmentFactory(
        patient=seen_west, location=west, start=timezone.now() - dt.timedelta(days=30)
    )
    no_home = PatientFactory(preferred_location=None)
    assert _visible(desk) == {home_west.pk, seen_west.pk}
    assert no_home.pk not in _visible(desk)


def test_a_therapist_also_sees_the_patients_booked_with_them(make_user, west, east):
    """A therapist at West sees an East patient booked with them, and no other East patient."""
    therapist = _at(make_user(Role.THERAPIST), west)
    mine = PatientFactory(preferred_location=east)
    AppointmentFactory(patient=mine, location=east, therapist=therapist)
    other = PatientFactory(preferred_location=east)
    AppointmentFactory(patient=other, location=east)
    assert _visible(therapist) == {mine.pk}


def test_working_hours_put_a_therapist_at_a_location(make_user, west, east):
    """Hours at East make East's patients the therapist's, without a profile location."""
    therapist = make_user(Role.THERAPIST)
    StaffProfile.objects.filter(user=therapist).delete()
    WorkingHoursFactory(therapist=therapist, location=east)
    east_patient = PatientFactory(preferred_location=east)
    PatientFactory(preferred_location=west)
    assert _visible(therapist) == {east_patient.pk}


def test_staff_without_a_location_see_no_patient(make_user, west):
    """No location, no patients: the rule fails closed."""
    PatientFactory(preferred_location=west)
    for role in (Role.THERAPIST, Role.FRONT_DESK):
        user = make_user(role)
        StaffProfile.objects.filter(user=user).delete()
        assert _visible(user) == set()


def test_the_manager_sees_every_location(make_user, west, east):
    """The manager sees the whole clinic, with or without a location of their own."""
    patients = {PatientFactory(preferred_location=place).pk for place in (west, east, None)}
    assert patients <= _visible(make_user(Role.MANAGER))


def test_records_follow_the_patient_rule(make_user, west, east):
    """Appointments, waitlist entries and reminders of East patients are hidden from West."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    east_patient = PatientFactory(preferred_location=east)
    appointment = AppointmentFactory(patient=east_patient, location=east)
    WaitlistEntryFactory(patient=east_patient)
    Reminder.objects.create(
        patient=east_patient, appointment=appointment, kind="reminder_24h", due_at=appointment.start
    )
    assert not Appointment.objects.visible_to(desk).exists()
    assert not WaitlistEntry.objects.visible_to(desk).exists()
    east_desk = _at(make_user(Role.FRONT_DESK), east)
    assert Appointment.objects.visible_to(east_desk).get() == appointment


def test_desk_lists_show_only_their_locations_patients(client, make_user, west, east):
    """Patient search, waitlist and reminder outbox of a West desk leave East patients out."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    ours = PatientFactory(preferred_location=west, last_name="Westwood")
    theirs = PatientFactory(preferred_location=east, last_name="Eastman")
    for patient in (ours, theirs):
        appointment = AppointmentFactory(patient=patient, location=patient.preferred_location)
        WaitlistEntryFactory(patient=patient)
        Reminder.objects.create(
            patient=patient, appointment=appointment, kind="reminder_24h", due_at=appointment.start
        )
    client.force_login(desk)
    for name in ("patients:list", "patients:waitlist", "reminders:outbox"):
        body = client.get(reverse(name)).content.decode()
        assert "Westwood" in body, name
        assert "Eastman" not in body, name


def test_the_patient_list_api_shows_only_their_locations_patients(client, make_user, west, east):
    """GET /api/v1/patients as a West therapist lists West's patients, none of East's."""
    therapist = _at(make_user(Role.THERAPIST), west)
    ours = PatientFactory(preferred_location=west)
    PatientFactory(preferred_location=east)
    _, token = api_token_create(user=therapist, second_factor=True)
    response = client.get("/api/v1/patients", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [ours.pk]


def test_the_day_schedule_offers_only_the_desks_locations(client, make_user, west, east):
    """Asking for East's day as a West desk shows West's day: East's bookings stay hidden."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    theirs = PatientFactory(preferred_location=east, last_name="Eastman")
    booked = AppointmentFactory(patient=theirs, location=east)
    client.force_login(desk)
    response = client.get(
        reverse("patients:schedule"),
        {"location": east.pk, "date": booked.start.date().isoformat()},
    )
    assert response.status_code == 200
    assert response.context["location"] == west
    assert list(response.context["locations"]) == [west]
    assert "Eastman" not in response.content.decode()


def test_a_patient_registered_without_a_home_gets_the_desks_location(make_user, west):
    """The desk keeps seeing the runner it registers without choosing a home location."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    patient = patient_register(
        fields={
            "first_name": "Ana",
            "last_name": "Nomad",
            "date_of_birth": "1990-01-02",
            "email": "ana@example.test",
            "preferred_location": None,
        },
        by=desk,
    )
    assert patient.preferred_location == west
    assert patient.pk in _visible(desk)


def test_a_cancelled_booking_opens_no_chart(make_user, west, east):
    """A cancelled first visit grants neither the location's staff nor its therapist the chart."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    therapist = _at(make_user(Role.THERAPIST), west)
    patient = PatientFactory(preferred_location=east)
    cancelled = {"status": "cancelled", "cancelled_at": timezone.now()}
    AppointmentFactory(patient=patient, location=west, **cancelled)
    AppointmentFactory(patient=patient, location=east, therapist=therapist, **cancelled)
    assert patient.pk not in _visible(desk)
    assert patient.pk not in _visible(therapist)
    AppointmentFactory(patient=patient, location=east, therapist=therapist)
    assert patient.pk in _visible(therapist)


def test_the_booking_page_refuses_another_locations_patient_and_slot(client, make_user, west, east):
    """A West desk cannot open East's runner for booking, nor book its own runner at East."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    theirs = PatientFactory(preferred_location=east)
    ours = PatientFactory(preferred_location=west)
    booked = AppointmentFactory(patient=ours, location=west)
    client.force_login(desk)
    url = reverse("patients:book")
    assert client.get(url, {"patient": theirs.pk}).status_code == 404
    before = Appointment.objects.count()
    start = booked.start + dt.timedelta(days=7)
    response = client.post(
        reverse("patients:book_review"),
        {
            "patient": ours.pk,
            "therapist": booked.therapist_id,
            "location": east.pk,
            "start": start.isoformat(),
            "appointment_type": booked.appointment_type_id,
            "repeat_weeks": 1,
        },
    )
    assert response.status_code == 400
    assert "location" in response.context["form"].errors
    assert Appointment.objects.count() == before


def test_the_booking_search_logs_the_patients_it_shows(client, make_user, west, east):
    """The booking page's search is a list read: one access row per patient shown."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    ours = PatientFactory(preferred_location=west, last_name="Searchwell")
    PatientFactory(preferred_location=east, last_name="Searchwell")
    client.force_login(desk)
    client.get(reverse("patients:book"), {"q": "Searchwell"})
    rows = AccessLog.objects.filter(kind=AccessKind.PATIENT_LIST, user=desk)
    assert list(rows.values_list("patient_id", flat=True)) == [ours.pk]


def test_the_freed_slot_shows_only_the_desks_waiting_patients(client, make_user, west, east):
    """A West slot freed: East's waiting runner is not offered to the West desk; those shown
    are written to the access log."""
    desk = _at(make_user(Role.FRONT_DESK), west)
    ours = PatientFactory(preferred_location=west, last_name="Westwait")
    theirs = PatientFactory(preferred_location=east, last_name="Eastwait")
    freed = AppointmentFactory(
        patient=PatientFactory(preferred_location=west),
        location=west,
        status="cancelled",
        cancelled_at=timezone.now(),
    )
    for patient in (ours, theirs):
        WaitlistEntryFactory(patient=patient, appointment_type=freed.appointment_type)
    client.force_login(desk)
    response = client.get(reverse("patients:freed", args=[freed.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Westwait" in body
    assert "Eastwait" not in body
    rows = AccessLog.objects.filter(kind=AccessKind.WAITLIST, user=desk)
    assert list(rows.values_list("patient_id", flat=True)) == [ours.pk]


def test_the_reminder_outbox_logs_the_patients_it_shows(client, make_user, west):
    desk = _at(make_user(Role.FRONT_DESK), west)
    patient = PatientFactory(preferred_location=west)
    appointment = AppointmentFactory(patient=patient, location=west)
    reminder = Reminder.objects.create(
        patient=patient, appointment=appointment, kind="reminder_24h", due_at=appointment.start
    )
    client.force_login(desk)
    assert client.get(reverse("reminders:outbox")).status_code == 200
    row = AccessLog.objects.get(user=desk, patient_id=patient.pk)
    assert str(reminder.pk) in row.what
