"""Query budgets of online booking: the public page's steps and the public API, flat in staff."""

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import VisitKind
from patients.services import self_booking
from tests.patients.conftest import at
from tests.perf.budget import DETAIL_BUDGET, LIST_BUDGET, assert_flat, queries_of
from tests.perf.test_budgets_patients import grower, working_therapist

BUDGETED_PAGES: set[str] = {
    "patients:public_book",
    "patients:public_book_details",
    "patients:public_book_sent",
    "patients:public_book_confirm",
}
BUDGETED_API: set[str] = {"patients_api_booking_options", "patients_api_public_availability"}

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(clinic):
    """The clinic with its follow-up bookable online."""
    clinic.follow_up.bookable_online = True
    clinic.follow_up.visit_kind = VisitKind.FOLLOW_UP
    clinic.follow_up.save()
    return clinic


def therapists_shown(expected: int, pattern: str):
    def check(response) -> None:
        found = len(re.findall(pattern, response.content.decode()))
        assert found == expected, f"{found} therapists shown, not {expected}"

    return check


def test_booking_options_are_flat_in_therapists(online, make_user):
    """GET /public/booking-options costs the same with 1 and 50 more working therapists."""
    assert_flat(
        Client(),
        "/api/v1/public/booking-options",
        grower(lambda: working_therapist(make_user, online)),
        budget=LIST_BUDGET,
        check=lambda r: len(r.json()["therapists"]) == 51 or pytest.fail("not 51 therapists"),
    )


def test_public_availability_is_flat_in_therapists(online, make_user):
    """GET /public/availability for the first available costs the same at 1 and 50 more."""

    def check(response) -> None:
        people = {slot["therapist"] for slot in response.json()["slots"]}
        assert len(people) == 51, f"slots of {len(people)} therapists, not 51"

    assert_flat(
        Client(),
        "/api/v1/public/availability",
        grower(lambda: working_therapist(make_user, online)),
        budget=LIST_BUDGET,
        data={
            "location": online.location.pk,
            "appointment_type": online.follow_up.pk,
            "date": online.monday.isoformat(),
        },
        check=check,
    )


@pytest.mark.parametrize("step", ["type", "therapist", "day", "time"])
def test_each_step_of_the_page_is_flat_in_therapists(online, make_user, step):
    """Each step of /book/ costs the same with 1 and 50 more working therapists."""
    data = {"location": online.location.pk}
    if step != "type":
        data["type"] = online.follow_up.pk
    if step in ("day", "time"):
        data["therapist"] = "any"
    if step == "time":
        data["date"] = online.monday.isoformat()
    checks = {
        "type": None,
        "therapist": therapists_shown(52, r'class="list-group-item list-group-item-action py-3'),
        "day": None,
        "time": therapists_shown(51, r'<h3 class="h6 mt-3">'),
    }
    assert_flat(
        Client(),
        reverse("patients:public_book"),
        grower(lambda: working_therapist(make_user, online)),
        budget=LIST_BUDGET,
        data=data,
        check=checks[step],
    )


def _held(online):
    details = self_booking.clean_details(
        first_name="Ana",
        last_name="Runner",
        email="ana@example.com",
        phone="(213) 555-0100",
        date_of_birth=dt.date(1990, 5, 1),
    )
    return self_booking.booking_hold_create(
        location=online.location,
        appointment_type=online.follow_up,
        start=at(online.monday, 10),
        therapist=online.therapist,
        details=details,
    )


def test_details_sent_and_confirm_pages_within_budget(online, client):
    """The details form, the 'check your email' page and the confirm link fit the budget."""
    start = at(online.monday, 10)
    details = reverse("patients:public_book_details")
    query = {
        "location": online.location.pk,
        "type": online.follow_up.pk,
        "therapist": online.therapist.pk,
        "start": int(start.timestamp()),
    }
    assert len(queries_of(Client(), details, data=query)) <= DETAIL_BUDGET
    hold = _held(online)
    sent = Client().post(
        details
        + "?"
        + "&".join(
            f"{k}={v}" for k, v in {**query, "start": int(start.timestamp()) + 3600}.items()
        ),
        {
            "first_name": "Bo",
            "last_name": "Runner",
            "email": "bo@example.com",
            "phone": "(213) 555-0101",
            "date_of_birth": "1990-05-01",
        },
    )
    assert sent.status_code == 302
    assert len(queries_of(Client(), sent["Location"])) <= DETAIL_BUDGET
    link = reverse("patients:public_book_confirm", args=[self_booking.confirm_token(hold)])
    assert len(queries_of(Client(), link)) <= DETAIL_BUDGET
