"""The daily program nudge: 'you have not logged today's exercises', for runners who opted in.

Written as reminder outbox rows (one per runner and local day) through the patients service, so
the dispatcher sends them like any reminder.
"""

import datetime as dt

from patients.reminders.models import ReminderKind, ReminderPreference
from patients.reminders.services import patient_local_now, reminder_nudge_write
from programs.models import Program, ProgramStatus, SessionLog


def program_nudges_write(*, now: dt.datetime) -> int:
    """Nudge each opted-in runner with an active program and no session logged today, once
    their chosen time has passed; returns how many rows were written."""
    written = 0
    preferences = ReminderPreference.objects.filter(
        program_nudge=True, patient__email__gt=""
    ).select_related("patient__preferred_location")
    for preference in preferences:
        patient = preference.patient
        local = patient_local_now(patient, now)
        if local.time() < preference.nudge_time:
            continue
        programs = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE)
        if not programs.exists():
            continue
        if SessionLog.objects.filter(program__in=programs, date=local.date()).exists():
            continue
        written += reminder_nudge_write(
            patient=patient, kind=ReminderKind.PROGRAM_NUDGE, day=local.date(), now=now
        )
    return written
