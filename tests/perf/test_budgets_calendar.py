"""Query budgets of the calendar, the booking review and the move and status pages."""

import re

import pytest
from django.urls import reverse

from dangpt.roles import Role
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import AppointmentFactory
from tests.perf.budget import DETAIL_BUDGET, LIST_BUDGET, assert_flat, queries_of
from tests.perf.test_budgets_patients import Diary, grower, working_therapist

BUDGETED_PAGES: set[str] = {
    "patients:calendar",
    "patients:book_review",
    "patients:move",
    "patients:move_review",
    "patients:status",
    "patients:hold_release",
}
BUDGETED_API: set[str] = set()
pytestmark = pytest.mark.django_db


def visits(expected: int):
    """A check: the grid shows `expected` visits."""

    def check(response) -> None:
        found = len(re.findall(r'class="cal-focus cal-appt"', response.content.decode()))
        assert found == expected, f"{found} visits in the grid, not {expected}"

    return check


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST])
def test_day_calendar_is_flat_in_appointments(client_for, make_user, clinic, role):
    """The day grid of two therapists costs the same with 1 and 50 visits."""
    diary = Diary(clinic, therapists=[clinic.therapist, make_user(Role.THERAPIST)])
    user = clinic.therapist if role == Role.THERAPIST else make_user(role)
    assert_flat(
        client_for(user),
        reverse("patients:calendar"),
        diary.grow,
        budget=LIST_BUDGET,
        data={"location": clinic.location.pk, "date": clinic.monday.isoformat()},
        check=visits(50),
    )


def test_week_calendar_is_flat_in_appointments(client_for, front_desk, clinic):
    """One therapist's week costs the same with 1 and 50 visits."""
    diary = Diary(clinic)
    assert_flat(
        client_for(front_desk),
        reverse("patients:calendar"),
        diary.grow,
        budget=LIST_BUDGET,
        data={
            "location": clinic.location.pk,
            "date": clinic.monday.isoformat(),
            "view": "week",
            "therapist": clinic.therapist.pk,
        },
        check=visits(50),
    )


def test_day_calendar_is_flat_in_therapists(client_for, front_desk, make_user, clinic):
    """Columns of 1 or 50 working therapists cost the same."""
    assert_flat(
        client_for(front_desk),
        reverse("patients:calendar"),
        grower(lambda: working_therapist(make_user, clinic)),
        budget=LIST_BUDGET,
        data={"location": clinic.location.pk, "date": clinic.monday.isoformat()},
    )


def test_move_picker_is_flat_in_therapists(client_for, front_desk, make_user, clinic):
    """The move picker's next free times of 1 or 50 therapists cost the same."""
    visit = AppointmentFactory(
        therapist=clinic.therapist, location=clinic.location, start=at(clinic.monday, 9)
    )
    assert_flat(
        client_for(front_desk),
        reverse("patients:move", args=[visit.pk]),
        grower(lambda: working_therapist(make_user, clinic)),
        budget=LIST_BUDGET,
        data={"date": clinic.monday.isoformat()},
    )


def test_booking_next_available_is_flat_in_booked_visits(client_for, front_desk, clinic):
    """Next available across days costs the same with 1 and 50 visits in the way."""
    patient = PatientFactory(preferred_location=clinic.location)
    assert_flat(
        client_for(front_desk),
        reverse("patients:book"),
        Diary(clinic).grow,
        budget=LIST_BUDGET,
        data={
            "patient": patient.pk,
            "appointment_type": clinic.evaluation.pk,
            "date": clinic.monday.isoformat(),
        },
    )


def test_review_move_review_and_status_pages_within_budget(client_for, front_desk, clinic):
    """The booking review, move review and status confirmation fit the detail budget."""
    visit = AppointmentFactory(
        therapist=clinic.therapist, location=clinic.location, start=at(clinic.monday, 9)
    )
    client = client_for(front_desk)
    review = {
        "patient": PatientFactory(preferred_location=clinic.location).pk,
        "appointment_type": clinic.evaluation.pk,
        "therapist": clinic.therapist.pk,
        "location": clinic.location.pk,
        "start": at(clinic.monday, 11).isoformat(),
    }
    pages = [
        (reverse("patients:book_review"), review),
        (
            reverse("patients:move_review", args=[visit.pk]),
            {"start": at(clinic.monday, 11).isoformat()},
        ),
        (reverse("patients:status", args=[visit.pk]), {"action": "check_in"}),
    ]
    for url, data in pages:
        queries = queries_of(client, url, data=data)
        assert len(queries) <= DETAIL_BUDGET, (url, queries)


def _holds(clinic, kind):
    """Online-booking holds back to back from 06:00 of the clinic's Monday, 15 minutes each."""
    import datetime as dt

    from tests.patients.factories import BookingHoldFactory

    made = []

    def grow(n: int) -> None:
        for _ in range(n):
            start = at(clinic.monday, 6) + dt.timedelta(minutes=15 * len(made))
            made.append(
                BookingHoldFactory(
                    therapist=clinic.therapist,
                    location=clinic.location,
                    appointment_type=kind,
                    start=start,
                )
            )

    return grow, made


def test_day_calendar_is_flat_in_online_holds(client_for, front_desk, clinic):
    """1 or 50 online-booking holds on the grid, each "Held online" with its release link, cost
    the same queries."""
    from tests.patients.factories import AppointmentTypeFactory

    grow, _ = _holds(clinic, AppointmentTypeFactory(name="Quick check", duration_minutes=15))

    def check(response) -> None:
        assert response.content.decode().count(">Release hold</a>") == 50

    assert_flat(
        client_for(front_desk),
        reverse("patients:calendar"),
        grow,
        budget=LIST_BUDGET,
        data={"location": clinic.location.pk, "date": clinic.monday.isoformat()},
        check=check,
    )


def test_hold_release_page_fits_the_detail_budget(client_for, front_desk, clinic):
    """The release confirmation: the hold with its place, therapist and visit type."""
    from tests.patients.factories import AppointmentTypeFactory

    grow, made = _holds(clinic, AppointmentTypeFactory(name="Quick check", duration_minutes=15))
    grow(1)
    url = reverse("patients:hold_release", args=[made[0].pk])
    assert len(queries_of(client_for(front_desk), url)) <= DETAIL_BUDGET
