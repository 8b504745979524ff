"""The 'questionnaire due' nudge: runners with an outcome measure due, unless they opted out.

Written as reminder outbox rows (one per runner and due date) through the patients service, so
the dispatcher sends them like any reminder.
"""

import datetime as dt

from assessments.models import PromSchedule
from assessments.selectors import due_measures
from patients.models import Patient
from patients.reminders.models import ReminderKind
from patients.reminders.services import patient_local_now, reminder_nudge_write


def questionnaire_nudges_write(*, now: dt.datetime) -> int:
    """Nudge each runner with a measure due today (local day); returns rows written."""
    written = 0
    patient_ids = PromSchedule.objects.values_list("patient_id", flat=True).distinct()
    patients = Patient.objects.filter(pk__in=patient_ids, email__gt="").select_related(
        "preferred_location", "reminder_preference"
    )
    for patient in patients:
        preference = getattr(patient, "reminder_preference", None)
        if preference is not None and not preference.questionnaire_due:
            continue
        due = due_measures(patient=patient, today=patient_local_now(patient, now).date())
        if due:
            # One message per due date: a runner with several measures due gets one email.
            written += reminder_nudge_write(
                patient=patient,
                kind=ReminderKind.QUESTIONNAIRE_DUE,
                day=min(m.due_on for m in due),
                now=now,
            )
    return written
