"""Query budgets of the manager's reports: the same queries at 1 and at 50 rows of each."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import EvaluationStatus
from dangpt.roles import Role
from patients.reminders.models import Reminder
from programs.models import SessionLog
from tests.assessments.factories import (
    EvaluationFactory,
    OutcomeResultFactory,
    PromScheduleFactory,
    ScreeningFactory,
)
from tests.factories import PatientFactory, default_location
from tests.patients.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    WorkingHoursFactory,
)
from tests.perf.budget import LIST_BUDGET, api_headers, assert_flat, json_length, matches
from tests.programs.factories import program_with_items

BUDGETED_PAGES: set[str] = {"reports:list", "reports:detail"}
BUDGETED_API: set[str] = {"dangpt_api_get_report"}

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("America/Los_Angeles")
DAY = dt.date(2026, 11, 3)
WEEK = {"from": "2026-11-02", "to": "2026-11-08"}
ROW = r'<tr class="report-row">'


def _appointments(make_user):
    """Each call adds n therapists with a visit, working hours and a reminder: n more rows."""
    kind = AppointmentTypeFactory(name="Follow-up", duration_minutes=45)
    location = default_location()

    def grow(n: int) -> None:
        for _ in range(n):
            therapist = make_user(Role.THERAPIST)
            WorkingHoursFactory(therapist=therapist, location=location, weekday=DAY.weekday())
            appointment = AppointmentFactory(
                therapist=therapist, location=location, appointment_type=kind,
                start=dt.datetime.combine(DAY, dt.time(9), tzinfo=ZONE), status="completed",
            )  # fmt: skip
            Reminder.objects.create(
                patient=appointment.patient, appointment=appointment, kind="confirmation",
                due_at=appointment.start - dt.timedelta(hours=3), status="pending",
            )  # fmt: skip

    return grow


def _clinical(make_user):
    """Each call adds n patients with two outcome scores and a signed evaluation of a screening."""
    therapist = make_user(Role.THERAPIST)
    counter = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            schedule = PromScheduleFactory(condition="pfps")
            for score, day in ((30, DAY - dt.timedelta(weeks=6)), (50, DAY)):
                OutcomeResultFactory(
                    patient=schedule.patient, schedule=schedule, instrument="lefs", score=score,
                    max_score=80, timepoint=f"t{next(counter)}",
                    taken_at=dt.datetime.combine(day, dt.time(10), tzinfo=ZONE),
                )  # fmt: skip
            screening = ScreeningFactory(patient=schedule.patient)
            EvaluationFactory(
                patient=schedule.patient, therapist=therapist, screening=screening,
                status=EvaluationStatus.SIGNED, signed_by=therapist,
                signed_at=dt.datetime.combine(DAY, dt.time(12), tzinfo=ZONE),
            )  # fmt: skip

    return grow


@pytest.mark.parametrize(
    ("name", "rows"),
    [("attendance", True), ("utilization", True), ("caseload", True), ("reminders", False)],
)
def test_scheduling_reports_within_budget(client_for, make_user, manager, name, rows):
    """A row per therapist (reminders: one row of every kind), the same queries at 1 and 50."""
    check = matches(ROW, 50) if rows else matches(ROW, 1)
    assert_flat(
        client_for(manager),
        reverse("reports:detail", args=[name]),
        _appointments(make_user),
        budget=LIST_BUDGET,
        data={**WEEK, "location": default_location().pk},
        check=check,
    )


@pytest.mark.parametrize("name", ["outcomes", "screening-agreement"])
def test_clinical_reports_within_budget(client_for, make_user, manager, name):
    """1 or 50 patients' scores and signed evaluations: one row, the same queries."""
    assert_flat(
        client_for(manager),
        reverse("reports:detail", args=[name]),
        _clinical(make_user),
        budget=LIST_BUDGET,
        data=WEEK,
        check=matches(ROW, 1),
    )


def test_adherence_report_within_budget(client_for, make_user, manager):
    """Sessions of 1 or 50 days of one program: one row, the same queries."""
    therapist = make_user(Role.THERAPIST)
    program = program_with_items(therapist=therapist, patient=PatientFactory(), count=1)
    days = itertools.count(0)

    def grow(n: int) -> None:
        # One log per program and day: the four weeks hold 28 days, so 50 is capped at 27.
        for _ in range(min(n, 26)):
            SessionLog.objects.create(
                program=program, version=program.current_version,
                date=timezone.localdate() - dt.timedelta(days=next(days)), completed=True,
            )  # fmt: skip

    assert_flat(
        client_for(manager),
        reverse("reports:detail", args=["adherence"]),
        grow,
        budget=LIST_BUDGET,
        check=matches(ROW, 1),
    )


def test_report_list_within_budget(client_for, manager):
    assert_flat(
        client_for(manager),
        reverse("reports:list"),
        lambda n: None,
        budget=LIST_BUDGET,
        check=matches(r'href="/manager/reports/[a-z-]+/"', 7),
    )


def test_report_api_within_budget(client, make_user, manager):
    """The API's JSON of 1 and 50 therapists' rows costs the same queries."""
    assert_flat(
        client,
        "/api/v1/reports/attendance",
        _appointments(make_user),
        budget=LIST_BUDGET,
        data=WEEK,
        check=json_length("rows", 50),
        **api_headers(manager),
    )
