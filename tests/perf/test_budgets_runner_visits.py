"""Query budgets of the runner's visit pages, the offer claim link and the booking settings."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from dangpt.roles import Role
from patients.models import BookingPolicy, VisitKind, WaitlistOffer
from patients.services.offers import offer_link
from tests.factories import LocationFactory, PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    WaitlistEntryFactory,
)
from tests.perf.budget import DETAIL_BUDGET, LIST_BUDGET, assert_flat, queries_of

BUDGETED_PAGES: set[str] = {
    "patients:my_appointments",
    "patients:my_appointment_cancel",
    "patients:my_appointment_reschedule",
    "patients:my_follow_up",
    "patients:offer_claim",
    "patients:booking_settings",
}
BUDGETED_API: set[str] = set()
# The picker pages read hours, time off and bookings for the day on top of the visit and the
# policy: a fixed handful more than a detail page, whatever the number of free times.
PICKER_BUDGET = 14
pytestmark = pytest.mark.django_db


@pytest.fixture
def runner_visits(clinic, make_user):
    """A runner of the clinic and a grow(n) that adds n upcoming visits (and n past ones)."""
    user = make_user(Role.RUNNER)
    patient = PatientFactory(user=user, preferred_location=clinic.location)
    BookingPolicy.objects.create(location=clinic.location)
    made = []

    def grow(n: int) -> None:
        for _ in range(n):
            k = len(made)
            start = at(clinic.monday, 6) + dt.timedelta(minutes=60 * k)
            made.append(
                AppointmentFactory(
                    patient=patient,
                    therapist=clinic.therapist,
                    location=clinic.location,
                    appointment_type=clinic.follow_up,
                    start=start,
                )
            )
            AppointmentFactory(
                patient=patient,
                therapist=clinic.therapist,
                location=LocationFactory(),  # each past visit at a place of its own
                appointment_type=clinic.follow_up,
                start=at(clinic.monday, 6) - dt.timedelta(days=60 + k),
                status="completed",
            )

    user.visits = made
    user.grow = grow
    return user


def _shows_ten_visits(response) -> None:
    found = response.content.decode().count('class="card mb-3 my-visit"')
    assert found == 10, f"{found} visits on the page, not 10"


@pytest.mark.parametrize("past", [False, True], ids=["upcoming", "past"])
def test_my_appointments_is_flat_in_visits(client_for, runner_visits, past):
    """A page of ten visits costs the same queries with 1 visit or 50."""
    assert_flat(
        client_for(runner_visits),
        reverse("patients:my_appointments"),
        runner_visits.grow,
        budget=LIST_BUDGET,
        data={"show": "past"} if past else None,
        check=_shows_ten_visits,
    )


def test_cancel_and_reschedule_pages_within_budget(client_for, runner_visits, clinic):
    """The cancel page fits the detail budget; the reschedule picker and review the picker's."""
    runner_visits.grow(1)
    client = client_for(runner_visits)
    visit = runner_visits.visits[0]
    cancel = reverse("patients:my_appointment_cancel", args=[visit.pk])
    assert len(queries_of(client, cancel)) <= DETAIL_BUDGET
    move = reverse("patients:my_appointment_reschedule", args=[visit.pk])
    tuesday = (clinic.monday + dt.timedelta(days=1)).isoformat()
    assert len(queries_of(client, move, data={"date": tuesday})) <= PICKER_BUDGET
    review = {
        "date": tuesday,
        "start": at(clinic.monday, 9).isoformat(),
        "therapist": visit.therapist_id,
    }
    assert len(queries_of(client, move, data=review)) <= PICKER_BUDGET


def test_follow_up_picker_is_flat_in_online_types(client_for, runner_visits, clinic):
    """The follow-up picker lists every online follow-up type at a fixed cost."""
    runner_visits.grow(1)

    def grow(n: int) -> None:
        for _ in range(n):
            AppointmentTypeFactory(bookable_online=True, visit_kind=VisitKind.FOLLOW_UP)

    assert_flat(
        client_for(runner_visits),
        reverse("patients:my_follow_up"),
        grow,
        budget=PICKER_BUDGET,
        data={"date": (clinic.monday + dt.timedelta(days=2)).isoformat()},
    )


def test_offer_claim_page_within_budget(clinic):
    """The claim link's page fits the detail budget without a sign-in."""
    entry = WaitlistEntryFactory(appointment_type=clinic.follow_up, location=clinic.location)
    offer = WaitlistOffer.objects.create(
        entry=entry,
        therapist=clinic.therapist,
        location=clinic.location,
        start=at(clinic.monday, 10),
        end=at(clinic.monday, 10, 45),
    )
    assert len(queries_of(Client(), urlsplit(offer_link(offer)).path)) <= DETAIL_BUDGET


def test_booking_settings_is_flat_in_types(client_for, manager, clinic):
    """The manager's settings list every active visit type at a fixed cost."""
    assert_flat(
        client_for(manager),
        reverse("patients:booking_settings"),
        lambda n: [AppointmentTypeFactory() for _ in range(n)],
        budget=LIST_BUDGET,
    )
