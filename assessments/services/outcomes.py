"""Writes of outcome measures: scored results (in clinic or by the runner) and their schedules."""

import datetime as dt
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import OutcomeResult, OutcomeSource, PromSchedule
from assessments.proms import INSTRUMENTS, InvalidAnswers, score
from assessments.proms.clinic_wording import apply_clinic_wording
from assessments.selectors import due_measures
from assessments.services.common import require_clinician
from dangpt.conditions import Condition


def _answer_errors(exc: InvalidAnswers) -> ValidationError:
    return ValidationError(
        {
            (key if key in ("answers", "instrument") else f"answers.{key}"): messages
            for key, messages in exc.errors.items()
        }
    )


@transaction.atomic
def outcome_record(
    *,
    patient,
    instrument: str,
    answers: dict[str, Any],
    collected_by,
    source: str,
    taken_at: dt.datetime | None = None,
    schedule: PromSchedule | None = None,
    timepoint: str = "",
    language: str | None = None,
) -> OutcomeResult:
    """Score and store one administration; invalid answers are refused naming each bad item.

    ``language`` is the one the items were shown in: the stored wording version names the
    validated translation when there was one (scores never depend on it).
    """
    apply_clinic_wording()
    if instrument not in INSTRUMENTS:
        raise ValidationError({"instrument": [f"Unknown instrument {instrument!r}."]})
    try:
        scored = score(instrument, answers)
    except InvalidAnswers as exc:
        raise _answer_errors(exc) from exc
    if schedule is not None and schedule.patient_id != patient.pk:
        raise ValidationError({"schedule": ["Choose one of this patient's schedules."]})
    result = OutcomeResult(
        patient=patient,
        instrument=instrument,
        answers={key: value for key, value in answers.items() if value is not None},
        score=scored["score"],
        max_score=scored["max"],
        complete=scored["complete"],
        taken_at=taken_at or timezone.now(),
        source=source,
        collected_by=collected_by,
        schedule=schedule,
        timepoint=timepoint,
        wording_version=INSTRUMENTS[instrument].wording_version_in(language)[:200],
    )
    try:
        with transaction.atomic(), pghistory.context(user=collected_by.pk):
            result.save()
    except IntegrityError as exc:
        raise ValidationError("This questionnaire has already been filled in.") from exc
    return result


@transaction.atomic
def outcome_fill_due(
    *,
    patient,
    user,
    schedule_id: int,
    timepoint: str,
    instrument: str,
    answers: dict,
    language: str | None = None,
) -> OutcomeResult:
    """The runner fills a measure that is due now; anything else is refused."""
    due = {(d.schedule.pk, d.timepoint, d.instrument) for d in due_measures(patient=patient)}
    if (schedule_id, timepoint, instrument) not in due:
        raise ValidationError("This questionnaire is not due.")
    schedule = PromSchedule.objects.get(pk=schedule_id, patient=patient)
    return outcome_record(
        patient=patient,
        instrument=instrument,
        answers=answers,
        collected_by=user,
        source=OutcomeSource.PORTAL,
        schedule=schedule,
        timepoint=timepoint,
        language=language,
    )


@transaction.atomic
def prom_schedule_create(
    *, patient, condition: str, starts_on: dt.date, created_by
) -> PromSchedule:
    """Start the default measure schedule for one condition of a patient."""
    require_clinician(created_by)
    if condition not in Condition.values:
        raise ValidationError({"condition": ["Choose one of the six conditions."]})
    if PromSchedule.objects.filter(patient=patient, condition=condition).exists():
        raise ValidationError({"condition": ["This patient already has a schedule for it."]})
    return PromSchedule.objects.create(
        patient=patient, condition=condition, starts_on=starts_on, created_by=created_by
    )


@transaction.atomic
def prom_schedule_discharge(*, schedule: PromSchedule, discharge_on: dt.date, user) -> PromSchedule:
    """Set the discharge date, which makes the discharge measures due on that day."""
    require_clinician(user)
    if discharge_on < schedule.starts_on:
        raise ValidationError({"discharge_on": ["Discharge cannot come before the start."]})
    schedule.discharge_on = discharge_on
    schedule.full_clean()
    schedule.save(update_fields=["discharge_on"])
    return schedule
