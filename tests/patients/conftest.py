"""A small clinic for scheduling tests: one LA location, a therapist working Mon-Fri 8-17."""

import datetime as dt
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dangpt.roles import Role
from patients.models import VisitKind
from tests.factories import LocationFactory
from tests.patients.factories import AppointmentTypeFactory, WorkingHoursFactory

LA = ZoneInfo("America/Los_Angeles")


def next_weekday(weekday: int = 0, weeks_ahead: int = 2) -> dt.date:
    """A date on the given weekday at least `weeks_ahead` weeks from today (always future)."""
    today = timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A Los Angeles wall time as an aware datetime."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LA)


def build_clinic(make_user):
    location = LocationFactory(name="Test Silver Lake", time_zone="America/Los_Angeles")
    therapist = make_user(Role.THERAPIST, first_name="Dana", last_name="Nguyen")
    for weekday in range(5):
        WorkingHoursFactory(therapist=therapist, location=location, weekday=weekday)
    return SimpleNamespace(
        location=location,
        therapist=therapist,
        evaluation=AppointmentTypeFactory(name="Initial evaluation", duration_minutes=60),
        follow_up=AppointmentTypeFactory(name="Follow-up", duration_minutes=45),
        monday=next_weekday(0),
    )


@pytest.fixture
def clinic(make_user):
    """Location, therapist with weekday hours, two appointment types and a future Monday."""
    return build_clinic(make_user)


@pytest.fixture
def online(clinic):
    """The clinic with its evaluation bookable online as a new patient visit."""
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    clinic.follow_up.bookable_online = True
    clinic.follow_up.save()
    return clinic
