"""Query budgets of the patients app's pages and API: flat from 1 to 50 rows, within budget."""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangpt.roles import Role
from patients import services
from patients.models import Consent, RunningProfile, StaffProfile
from patients.reminders.links import appointment_link, unsubscribe_link
from patients.reminders.models import Reminder, ReminderPreference
from tests.factories import LocationFactory, PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    TimeOffFactory,
    WaitlistEntryFactory,
    WorkingHoursFactory,
)
from tests.perf.budget import DETAIL_BUDGET, LIST_BUDGET, assert_flat, queries_of, used_token

BUDGETED_PAGES: set[str] = {
    "patients:schedule",
    "patients:book",
    "patients:list",
    "patients:register",
    "patients:detail",
    "patients:edit",
    "patients:waitlist_add",
    "patients:appointment",
    "patients:cancel",
    "patients:freed",
    "patients:waitlist",
    "patients:ics",
    "patients:feed",
    "patients:accept_invitation",
    "patients:my_day",
    "patients:clinic_overview",
    "patients:setup",
    "patients:setup_add",
    "patients:setup_edit",
    "patients:setup_delete",
    "reminders:link",
    "reminders:outbox",
    "reminders:preferences",
}
BUDGETED_API: set[str] = {
    "patients_api_list_patients",
    "patients_api_get_patient",
    "patients_api_list_therapists",
    "patients_api_list_locations",
    "patients_api_list_appointment_types",
    "patients_api_availability",
    "patients_api_list_appointments",
    "patients_api_get_appointment",
    "patients_api_my_appointments",
}

API = "/api/v1"
SETUP_KINDS = ("locations", "hours", "time-off", "types")
pytestmark = pytest.mark.django_db


# --- Checks: the rows really are on the page ---------------------------------------------------
def shows(pattern: str, expected: int):
    """A check: the body matches the regex exactly `expected` times."""

    def check(response) -> None:
        found = len(re.findall(pattern, response.content.decode()))
        assert found == expected, f"{found} matches of {pattern!r} on the page, not {expected}"

    return check


def lists(expected: int):
    """A check: the JSON body is a list of `expected` items."""

    def check(response) -> None:
        assert len(response.json()) == expected, f"{len(response.json())} items, not {expected}"

    return check


def options(expected_at_least: int):
    """A check: the form offers at least this many model choices."""

    def check(response) -> None:
        found = len(re.findall(r'<option value="\d+"', response.content.decode()))
        assert found >= expected_at_least, f"{found} options, expected {expected_at_least}+"

    return check


APPOINTMENT_LINK = r'href="/desk/appointments/\d+/"'


# --- Rows ----------------------------------------------------------------------------------
class Diary:
    """Appointments back to back from 06:00 on one day: none overlap for a therapist or patient.

    The k-th goes to therapist k mod n; each has a new patient unless one is given. The 15-minute
    type fits 50 in one local day.
    """

    def __init__(self, clinic, *, therapists=None, patient=None, day=None, people=None, **fields):
        self.clinic = clinic
        self.therapists = therapists or [clinic.therapist]
        self.patient = patient
        self.people = people or {}  # fields of each new patient
        self.day = day or clinic.monday
        self.kind = AppointmentTypeFactory(name="Quick check", duration_minutes=15)
        self.fields = fields
        self.made = []

    def grow(self, n: int) -> None:
        for _ in range(n):
            k = len(self.made)
            start = at(self.day, 6) + dt.timedelta(minutes=15 * k)
            patient = self.patient or PatientFactory(
                preferred_location=self.clinic.location, **self.people
            )
            self.made.append(
                AppointmentFactory(
                    patient=patient,
                    therapist=self.therapists[k % len(self.therapists)],
                    location=self.clinic.location,
                    appointment_type=self.kind,
                    start=start,
                    **self.fields,
                )
            )


def grower(make):
    """grow(n) that calls make() n times."""

    def grow(n: int) -> None:
        for _ in range(n):
            make()

    return grow


def patient_with_records(clinic, **fields):
    """A patient with a running profile, two consents and a waitlist entry."""
    patient = PatientFactory(preferred_location=clinic.location, **fields)
    RunningProfile.objects.create(patient=patient, weekly_km=40, surfaces=["road"])
    for kind in ("treatment", "privacy"):
        Consent.objects.create(
            patient=patient, kind=kind, text_version="1", given_at=timezone.now()
        )
    WaitlistEntryFactory(patient=patient, appointment_type=clinic.follow_up)
    return patient


def working_therapist(make_user, clinic):
    """A therapist with a staff profile and Monday hours at the clinic's location."""
    person = make_user(Role.THERAPIST)
    profile, _ = StaffProfile.objects.update_or_create(user=person, defaults={"title": "DPT"})
    profile.locations.add(clinic.location)
    WorkingHoursFactory(therapist=person, location=clinic.location, weekday=0)
    return person


@pytest.fixture
def api():
    """api(user) -> the Authorization header of a new token, for a client without a session."""

    def headers(user) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {used_token(user)}"}

    return headers


# --- Front desk -------------------------------------------------------------------------------
@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx"])
def test_schedule_is_flat_in_appointments(client_for, front_desk, make_user, clinic, htmx):
    """The day schedule's queries do not grow with appointments or therapist columns."""
    diary = Diary(clinic, therapists=[clinic.therapist, make_user(Role.THERAPIST)])
    url = reverse("patients:schedule")
    data = {"location": clinic.location.pk, "date": clinic.monday.isoformat()}
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    assert_flat(
        client_for(front_desk),
        url,
        diary.grow,
        budget=LIST_BUDGET,
        data=data,
        check=shows(r'class="card mb-2 text-decoration-none appointment-card', 50),
        **extra,
    )


def test_booking_search_is_flat_in_matches(client_for, front_desk, clinic):
    """The booking page's patient search shows its 20 matches at a fixed cost."""
    grow = grower(
        lambda: PatientFactory(last_name="Searchwell", preferred_location=clinic.location)
    )
    assert_flat(
        client_for(front_desk),
        reverse("patients:book"),
        grow,
        budget=DETAIL_BUDGET,
        data={"q": "Searchwell"},
        check=shows(r'href="\?patient=\d+"', 20),
    )


def test_booking_first_available_is_flat_in_therapists(client_for, front_desk, make_user, clinic):
    """Free slots of every working therapist cost the same at 1 and 50 therapists."""
    patient = PatientFactory(preferred_location=clinic.location)
    data = {
        "patient": patient.pk,
        "appointment_type": clinic.evaluation.pk,
        "date": clinic.monday.isoformat(),
        "therapist": "",
    }

    def check(response) -> None:
        links = re.findall(r'slot-link"\s+href="[^"]*therapist=(\d+)&', response.content.decode())
        people = set(links)
        assert len(people) == 51, f"slots of {len(people)} therapists, not 51"

    assert_flat(
        client_for(front_desk),
        reverse("patients:book"),
        grower(lambda: working_therapist(make_user, clinic)),
        budget=LIST_BUDGET,
        data=data,
        check=check,
    )


@pytest.mark.parametrize("query", ["", "Listwell"], ids=["all", "search"])
def test_patient_list_is_flat_in_patients(client_for, front_desk, clinic, query):
    """The patient list (25 a page, with attendance counts) costs the same at 1 and 50."""
    diary = Diary(clinic, people={"last_name": "Listwell"}, status="no_show")
    assert_flat(
        client_for(front_desk),
        reverse("patients:list"),
        diary.grow,
        budget=LIST_BUDGET,
        data={"q": query} if query else None,
        check=shows(r'href="/desk/patients/\d+/"', 25),
    )


def test_patient_register_form_is_flat_in_locations(client_for, front_desk):
    """The intake form's location choices cost one query however many there are."""
    assert_flat(
        client_for(front_desk),
        reverse("patients:register"),
        grower(LocationFactory),
        budget=DETAIL_BUDGET,
        check=options(50),
    )


def test_patient_detail_is_flat_in_appointments(client_for, front_desk, clinic):
    """The patient record lists every appointment at a fixed cost."""
    patient = patient_with_records(clinic)
    diary = Diary(clinic, patient=patient)
    assert_flat(
        client_for(front_desk),
        reverse("patients:detail", args=[patient.pk]),
        diary.grow,
        budget=DETAIL_BUDGET,
        check=shows(APPOINTMENT_LINK, 50),
    )


def test_patient_edit_form_is_flat_in_locations(client_for, front_desk, clinic):
    """The edit form of a patient with profile and consents stays within the detail budget."""
    patient = patient_with_records(clinic)
    assert_flat(
        client_for(front_desk),
        reverse("patients:edit", args=[patient.pk]),
        grower(LocationFactory),
        budget=DETAIL_BUDGET,
        check=options(50),
    )


def test_waitlist_add_form_is_flat_in_therapists(client_for, front_desk, make_user, clinic):
    """The waitlist form's therapist, type and location choices cost a query each."""
    patient = PatientFactory(preferred_location=clinic.location)
    assert_flat(
        client_for(front_desk),
        reverse("patients:waitlist_add", args=[patient.pk]),
        grower(lambda: make_user(Role.THERAPIST)),
        budget=DETAIL_BUDGET,
        check=options(50),
    )


def _appointment(clinic, **fields):
    return AppointmentFactory(
        patient=patient_with_records(clinic),
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10),
        **fields,
    )


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST])
def test_appointment_detail_within_budget(client_for, make_user, clinic, role):
    """One appointment with its actions (the audit row included) fits the detail budget."""
    appointment = _appointment(clinic)
    queries = queries_of(
        client_for(make_user(role)), reverse("patients:appointment", args=[appointment.pk])
    )
    assert len(queries) <= DETAIL_BUDGET, queries


def test_appointment_cancel_form_within_budget(client_for, front_desk, clinic):
    """The cancel confirmation fits the detail budget."""
    appointment = _appointment(clinic)
    queries = queries_of(client_for(front_desk), reverse("patients:cancel", args=[appointment.pk]))
    assert len(queries) <= DETAIL_BUDGET, queries


def test_freed_slot_is_flat_in_waitlist_matches(client_for, front_desk, clinic):
    """Every matching waitlist entry is offered for the freed slot at a fixed cost."""
    freed = _appointment(clinic, status="cancelled", cancelled_at=timezone.now())

    def make():
        WaitlistEntryFactory(
            patient=PatientFactory(preferred_location=clinic.location),
            appointment_type=clinic.follow_up,
            location=clinic.location,
            preferred_therapist=clinic.therapist,
        )

    assert_flat(
        client_for(front_desk),
        reverse("patients:freed", args=[freed.pk]),
        grower(make),
        budget=DETAIL_BUDGET,
        check=shows(r"into this slot</button>", 50),
    )


def test_waitlist_is_flat_in_entries(client_for, front_desk, clinic):
    """The waitlist (25 a page, with preferred therapist) costs the same at 1 and 50 entries."""

    def make():
        WaitlistEntryFactory(
            patient=PatientFactory(preferred_location=clinic.location),
            appointment_type=clinic.follow_up,
            location=clinic.location,
            preferred_therapist=clinic.therapist,
            note="Mornings",
        )

    assert_flat(
        client_for(front_desk),
        reverse("patients:waitlist"),
        grower(make),
        budget=LIST_BUDGET,
        check=shows(r'action="/desk/waitlist/\d+/remove/"', 25),
    )


@pytest.mark.parametrize("who", ["front_desk", "runner"])
def test_appointment_ics_within_budget(client_for, make_user, clinic, who):
    """One appointment's calendar file, for staff or its runner, fits the detail budget."""
    if who == "runner":
        user = make_user(Role.RUNNER)
        patient = PatientFactory(user=user, preferred_location=clinic.location)
    else:
        user, patient = make_user(Role.FRONT_DESK), PatientFactory()
    appointment = AppointmentFactory(
        patient=patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10),
    )
    queries = queries_of(client_for(user), reverse("patients:ics", args=[appointment.pk]))
    assert len(queries) <= DETAIL_BUDGET, queries


def test_calendar_feed_is_flat_in_appointments(clinic):
    """The therapist's private feed lists every appointment at a fixed cost."""
    token = services.calendar_feed_reset(therapist=clinic.therapist)
    assert_flat(
        Client(),
        reverse("patients:feed", args=[token]),
        Diary(clinic).grow,
        budget=LIST_BUDGET,
        check=shows(r"BEGIN:VEVENT", 50),
    )


def test_invitation_page_within_budget(front_desk):
    """The set-password page of a genuine invitation fits the detail budget."""
    patient = PatientFactory(email="invitee@example.test")
    link = services.runner_invitation_send(patient=patient, by=front_desk)
    queries = queries_of(Client(), urlsplit(link).path)
    assert len(queries) <= DETAIL_BUDGET, queries


# --- Therapist and manager ----------------------------------------------------------------------
@pytest.mark.parametrize("view", ["day", "week"])
def test_my_day_is_flat_in_appointments(client_for, clinic, view):
    """The therapist's day (and week) costs the same at 1 and 50 appointments."""
    data = {"date": clinic.monday.isoformat(), **({"view": "week"} if view == "week" else {})}
    assert_flat(
        client_for(clinic.therapist),
        reverse("patients:my_day"),
        Diary(clinic).grow,
        budget=LIST_BUDGET,
        data=data,
        check=shows(APPOINTMENT_LINK, 50),
    )


def test_clinic_overview_within_budget(client_for, manager, clinic):
    """The manager's headline figures fit the detail budget."""
    Diary(clinic).grow(3)
    queries = queries_of(client_for(manager), reverse("patients:clinic_overview"))
    assert len(queries) <= DETAIL_BUDGET, queries


SETUP_ROWS = {
    "locations": lambda: LocationFactory(),
    "hours": lambda: WorkingHoursFactory(),
    "time-off": lambda: TimeOffFactory(),
    "types": lambda: AppointmentTypeFactory(),
}


@pytest.mark.parametrize("kind", SETUP_KINDS)
def test_setup_list_is_flat_in_rows(client_for, manager, kind):
    """Each set-up list (50 a page, with therapist and location) costs the same at 1 and 50."""
    assert_flat(
        client_for(manager),
        reverse("patients:setup", args=[kind]),
        grower(SETUP_ROWS[kind]),
        budget=LIST_BUDGET,
        check=shows(rf'href="/manager/setup/{kind}/\d+/delete/"', 50),
    )


@pytest.mark.parametrize("kind", ["hours", "time-off"])
@pytest.mark.parametrize("name", ["patients:setup_add", "patients:setup_edit"])
def test_setup_forms_are_flat_in_therapists(client_for, manager, make_user, name, kind):
    """The hours and time-off forms list therapists (and locations) at a fixed cost."""
    args = [kind] if name == "patients:setup_add" else [kind, SETUP_ROWS[kind]().pk]
    assert_flat(
        client_for(manager),
        reverse(name, args=args),
        grower(lambda: make_user(Role.THERAPIST)),
        budget=DETAIL_BUDGET,
        check=options(50),
    )


@pytest.mark.parametrize("kind", ["locations", "types"])
@pytest.mark.parametrize("name", ["patients:setup_add", "patients:setup_edit"])
def test_setup_forms_without_choices_within_budget(client_for, manager, name, kind):
    """The location and appointment-type forms fit the detail budget."""
    args = [kind] if name == "patients:setup_add" else [kind, SETUP_ROWS[kind]().pk]
    queries = queries_of(client_for(manager), reverse(name, args=args))
    assert len(queries) <= DETAIL_BUDGET, queries


@pytest.mark.parametrize("kind", SETUP_KINDS)
def test_setup_delete_confirmation_within_budget(client_for, manager, kind):
    """Asking before deleting a set-up row fits the detail budget."""
    row = SETUP_ROWS[kind]()
    queries = queries_of(client_for(manager), reverse("patients:setup_delete", args=[kind, row.pk]))
    assert len(queries) <= DETAIL_BUDGET, queries


# --- Reminders ----------------------------------------------------------------------------------
@pytest.mark.parametrize("status", ["", "pending"], ids=["all", "filtered"])
def test_outbox_is_flat_in_reminders(client_for, front_desk, clinic, status):
    """The reminder outbox (50 a page, with runner and appointment) costs the same at 1 and 50."""
    diary = Diary(clinic, therapists=[clinic.therapist])

    def grow(n: int) -> None:
        diary.grow(n)
        for appointment in diary.made[-n:]:
            Reminder.objects.create(
                patient=appointment.patient,
                appointment=appointment,
                kind="reminder_24h",
                due_at=appointment.start - dt.timedelta(hours=24),
            )

    assert_flat(
        client_for(front_desk),
        reverse("reminders:outbox"),
        grow,
        budget=LIST_BUDGET,
        data={"status": status} if status else None,
        check=shows(r"Reminder the day before", 50),
    )


def test_reminder_preferences_within_budget(client_for, runner):
    """The runner's message choices fit the detail budget, before and after saving them."""
    client = client_for(runner)
    url = reverse("reminders:preferences")
    assert len(queries_of(client, url)) <= DETAIL_BUDGET
    ReminderPreference.objects.create(patient=runner.patient)
    queries = queries_of(client, url)
    assert len(queries) <= DETAIL_BUDGET, queries


@pytest.mark.parametrize("action", ["confirm", "cancel", "calendar", "unsubscribe"])
def test_signed_link_page_within_budget(clinic, action):
    """Each signed link from a reminder email fits the detail budget without a sign-in."""
    appointment = _appointment(clinic)
    if action == "unsubscribe":
        link = unsubscribe_link(patient_id=appointment.patient_id, kind="reminder_24h")
    else:
        link = appointment_link(appointment=appointment, action=action)
    queries = queries_of(Client(), urlsplit(link).path)
    assert len(queries) <= DETAIL_BUDGET, queries


# --- API ----------------------------------------------------------------------------------------
def test_api_list_patients_is_flat(api, front_desk, clinic):
    """GET /patients returns 50 patients with profile and consents at a fixed cost."""
    assert_flat(
        Client(),
        f"{API}/patients",
        grower(lambda: patient_with_records(clinic)),
        budget=LIST_BUDGET,
        check=lists(50),
        **api(front_desk),
    )


def test_api_get_patient_within_budget(api, front_desk, clinic):
    """GET /patients/{id} (with its audit row) fits the detail budget."""
    patient = patient_with_records(clinic)
    queries = queries_of(Client(), f"{API}/patients/{patient.pk}", **api(front_desk))
    assert len(queries) <= DETAIL_BUDGET, queries


def test_api_list_therapists_is_flat(api, front_desk, make_user, clinic):
    """GET /therapists lists every therapist with their locations at a fixed cost."""
    assert_flat(
        Client(),
        f"{API}/therapists",
        grower(lambda: working_therapist(make_user, clinic)),
        budget=LIST_BUDGET,
        check=lists(51),
        **api(front_desk),
    )


def test_api_list_locations_is_flat(api, front_desk):
    """GET /locations costs the same at 1 and 50 locations."""
    assert_flat(
        Client(),
        f"{API}/locations",
        grower(LocationFactory),
        budget=LIST_BUDGET,
        check=lists(50 + 1),  # and the desk's own location
        **api(front_desk),
    )


def test_api_list_appointment_types_is_flat(api, front_desk):
    """GET /appointment-types costs the same at 1 and 50 types."""
    assert_flat(
        Client(),
        f"{API}/appointment-types",
        grower(AppointmentTypeFactory),
        budget=LIST_BUDGET,
        check=lists(50),
        **api(front_desk),
    )


def test_api_availability_is_flat_in_therapists(api, front_desk, make_user, clinic):
    """GET /availability for any therapist costs the same at 1 and 50 working therapists."""

    def check(response) -> None:
        people = {slot["therapist"] for slot in response.json()["slots"]}
        assert len(people) == 51, f"slots of {len(people)} therapists, not 51"

    assert_flat(
        Client(),
        f"{API}/availability",
        grower(lambda: working_therapist(make_user, clinic)),
        budget=LIST_BUDGET,
        data={"appointment_type": clinic.follow_up.pk, "date": clinic.monday.isoformat()},
        check=check,
        **api(front_desk),
    )


def test_api_availability_of_one_therapist_within_budget(api, front_desk, clinic):
    """GET /availability for one therapist at one location fits the detail budget."""
    data = {
        "appointment_type": clinic.follow_up.pk,
        "date": clinic.monday.isoformat(),
        "therapist": clinic.therapist.pk,
        "location": clinic.location.pk,
    }
    queries = queries_of(Client(), f"{API}/availability", data=data, **api(front_desk))
    assert len(queries) <= DETAIL_BUDGET, queries


def test_api_list_appointments_is_flat(api, front_desk, make_user, clinic):
    """GET /appointments returns 50 appointments with local times at a fixed cost."""
    diary = Diary(clinic, therapists=[clinic.therapist, make_user(Role.THERAPIST)])
    assert_flat(
        Client(),
        f"{API}/appointments",
        diary.grow,
        budget=LIST_BUDGET,
        check=lists(50),
        **api(front_desk),
    )


def test_api_get_appointment_within_budget(api, front_desk, clinic):
    """GET /appointments/{id} (with its audit row) fits the detail budget."""
    appointment = _appointment(clinic)
    queries = queries_of(Client(), f"{API}/appointments/{appointment.pk}", **api(front_desk))
    assert len(queries) <= DETAIL_BUDGET, queries


@pytest.mark.parametrize("upcoming", [False, True])
def test_api_my_appointments_is_flat(api, runner, clinic, upcoming):
    """GET /me/appointments returns the runner's 50 appointments at a fixed cost."""
    diary = Diary(clinic, patient=runner.patient)
    assert_flat(
        Client(),
        f"{API}/me/appointments",
        diary.grow,
        budget=LIST_BUDGET,
        data={"upcoming": "true"} if upcoming else None,
        check=lists(50),
        **api(runner),
    )


@pytest.mark.parametrize("path", ["appointments", "patients"])
def test_api_next_page_costs_the_first_pages_queries(api, front_desk, make_user, clinic, path):
    """A page after a cursor (Link rel=next) runs the first page's queries, within the budget."""
    if path == "appointments":
        Diary(clinic, therapists=[clinic.therapist, make_user(Role.THERAPIST)]).grow(50)
    else:
        grower(lambda: patient_with_records(clinic))(50)
    headers = api(front_desk)
    url = f"{API}/{path}"
    first = queries_of(Client(), url, data={"limit": 20}, **headers)
    cursor = Client().get(url, {"limit": 20}, **headers)["X-Next-Cursor"]
    with CaptureQueriesContext(connection) as captured:
        response = Client().get(url, {"limit": 20, "cursor": cursor}, **headers)
    assert response.status_code == 200 and len(response.json()) == 20
    assert len(captured.captured_queries) == len(first) <= LIST_BUDGET
