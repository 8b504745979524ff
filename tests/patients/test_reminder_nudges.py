"""Daily nudges: an opt-in program nudge after the runner's chosen time, and questionnaire due."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from patients.reminders.models import Reminder, ReminderKind, ReminderPreference
from patients.reminders.nudges import nudges_schedule
from programs import services as program_services
from tests.programs.factories import program_with_items

LA = ZoneInfo("America/Los_Angeles")


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LA)


@pytest.fixture
def nudged(therapist, runner):
    """runner has an active program and asked for a nudge at 18:00."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    ReminderPreference.objects.create(
        patient=runner.patient, program_nudge=True, nudge_time=dt.time(18)
    )
    return program


def test_program_nudge_waits_for_the_chosen_time_then_is_written_once(nudged):
    """Before 18:00 nothing; after it one row for the day, however often beat runs."""
    day = timezone.localdate() - dt.timedelta(days=1)
    assert nudges_schedule(now=local(day, 17)) == 0
    assert nudges_schedule(now=local(day, 18)) == 1
    assert nudges_schedule(now=local(day, 19)) == 0
    row = Reminder.objects.get(kind=ReminderKind.PROGRAM_NUDGE)
    assert row.for_date == day and row.appointment is None


def test_no_nudge_when_a_session_was_logged_that_day(nudged):
    day = timezone.localdate()
    item_ids = [item["item_id"] for item in nudged.current_version.items]
    program_services.session_log(
        program=nudged, date=day, entries=[{"item_id": i, "done": True} for i in item_ids]
    )
    assert nudges_schedule(now=local(day, 20)) == 0
    assert not Reminder.objects.filter(kind=ReminderKind.PROGRAM_NUDGE).exists()


def test_no_program_nudge_without_opting_in(therapist, runner):
    program_with_items(therapist=therapist, patient=runner.patient, count=1)
    assert nudges_schedule(now=local(timezone.localdate(), 21)) == 0


def test_questionnaire_due_is_written_once_per_due_date(therapist, runner):
    """A baseline due today gives one 'questionnaire due' row, not one per beat run."""
    from assessments.services import prom_schedule_create

    prom_schedule_create(
        patient=runner.patient,
        condition="pfps",
        starts_on=timezone.localdate(),
        created_by=therapist,
    )
    now = local(timezone.localdate(), 12)
    assert nudges_schedule(now=now) == 1
    assert nudges_schedule(now=now) == 0
    row = Reminder.objects.get(kind=ReminderKind.QUESTIONNAIRE_DUE)
    assert row.patient == runner.patient


def test_questionnaire_nudge_respects_the_opt_out(therapist, runner):
    from assessments.services import prom_schedule_create

    ReminderPreference.objects.create(patient=runner.patient, questionnaire_due=False)
    prom_schedule_create(
        patient=runner.patient,
        condition="pfps",
        starts_on=timezone.localdate(),
        created_by=therapist,
    )
    assert nudges_schedule(now=local(timezone.localdate(), 12)) == 0
