"""The 'questionnaire due' nudge: once per due date, unless the runner opted out."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.utils import timezone

from assessments.nudges import questionnaire_nudges_write
from patients.reminders.models import Reminder, ReminderKind, ReminderPreference

LA = ZoneInfo("America/Los_Angeles")


def local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LA)


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
    assert questionnaire_nudges_write(now=now) == 1
    assert questionnaire_nudges_write(now=now) == 0
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
    assert questionnaire_nudges_write(now=local(timezone.localdate(), 12)) == 0
