"""The daily program nudge: opt-in, after the runner's chosen time, not once a session is logged."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from patients.reminders.models import Reminder, ReminderKind, ReminderPreference
from programs import services as program_services
from programs.nudges import program_nudges_write
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
    assert program_nudges_write(now=local(day, 17)) == 0
    assert program_nudges_write(now=local(day, 18)) == 1
    assert program_nudges_write(now=local(day, 19)) == 0
    row = Reminder.objects.get(kind=ReminderKind.PROGRAM_NUDGE)
    assert row.for_date == day and row.appointment is None


def test_no_nudge_when_a_session_was_logged_that_day(nudged):
    day = timezone.localdate()
    item_ids = [item["item_id"] for item in nudged.current_version.items]
    program_services.session_log(
        program=nudged, date=day, entries=[{"item_id": i, "done": True} for i in item_ids]
    )
    assert program_nudges_write(now=local(day, 20)) == 0
    assert not Reminder.objects.filter(kind=ReminderKind.PROGRAM_NUDGE).exists()


def test_no_program_nudge_without_opting_in(therapist, runner):
    program_with_items(therapist=therapist, patient=runner.patient, count=1)
    assert program_nudges_write(now=local(timezone.localdate(), 21)) == 0
