"""Daily nudges for runners: 'you have not logged today's exercises' and 'a questionnaire is due'.

Both are opt-in or opt-out per runner (ReminderPreference) and are written as outbox rows, one per
runner, kind and local day, so the dispatcher sends them like any reminder.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction

from patients.models import Patient
from patients.reminders.models import Channel, Reminder, ReminderKind, ReminderPreference


def _local_now(patient: Patient, now: dt.datetime) -> dt.datetime:
    location = patient.preferred_location
    zone = location.time_zone if location else settings.TIME_ZONE
    return now.astimezone(ZoneInfo(zone))


def _write(patient: Patient, kind: str, day: dt.date, now: dt.datetime) -> bool:
    try:
        with transaction.atomic():
            Reminder.objects.create(
                patient=patient, kind=kind, channel=Channel.EMAIL, for_date=day, due_at=now
            )
    except IntegrityError:
        return False  # already written for that day
    return True


def _program_nudges(now: dt.datetime) -> int:
    from programs.models import Program, ProgramStatus, SessionLog

    written = 0
    preferences = ReminderPreference.objects.filter(
        program_nudge=True, patient__email__gt=""
    ).select_related("patient__preferred_location")
    for preference in preferences:
        patient = preference.patient
        local = _local_now(patient, now)
        if local.time() < preference.nudge_time:
            continue
        programs = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE)
        if not programs.exists():
            continue
        if SessionLog.objects.filter(program__in=programs, date=local.date()).exists():
            continue
        written += _write(patient, ReminderKind.PROGRAM_NUDGE, local.date(), now)
    return written


def _questionnaire_nudges(now: dt.datetime) -> int:
    from assessments.models import PromSchedule
    from assessments.selectors import due_measures

    written = 0
    patient_ids = PromSchedule.objects.values_list("patient_id", flat=True).distinct()
    patients = Patient.objects.filter(pk__in=patient_ids, email__gt="").select_related(
        "preferred_location", "reminder_preference"
    )
    for patient in patients:
        preference = getattr(patient, "reminder_preference", None)
        if preference is not None and not preference.questionnaire_due:
            continue
        local_day = _local_now(patient, now).date()
        due = due_measures(patient=patient, today=local_day)
        if due:
            # One message per due date: a runner with several measures due gets one email.
            written += _write(
                patient, ReminderKind.QUESTIONNAIRE_DUE, min(m.due_on for m in due), now
            )
    return written


def nudges_schedule(*, now: dt.datetime) -> int:
    """Write the nudges that are due now; returns how many rows were written."""
    return _program_nudges(now) + _questionnaire_nudges(now)
