"""Writes of gait analyses: record and change them while their note is a draft."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments.models import GAIT_FIELDS, GAIT_NUMBERS, Evaluation, GaitAnalysis
from assessments.services.common import LOCKED_MESSAGE, require_clinician
from dangpt import clinical_ranges

AUTHOR_ONLY_MESSAGE = "Only the note's author can add or change its gait analyses."


def _check_values(fields: dict[str, Any]) -> None:
    """The date and the numbers given, before the model would round a fraction to a whole."""
    errors = clinical_ranges.problems(
        fields, {name: f"gait.{name}" for name in GAIT_NUMBERS if name in fields}
    )
    problem = clinical_ranges.visit_date_problem(
        fields.get("recorded_on"), what="The recording date"
    )
    if problem:
        errors["recorded_on"] = [problem]
    if errors:
        raise ValidationError(errors)


def _gait_locked(gait: GaitAnalysis) -> bool:
    return gait.evaluation_id is not None and gait.evaluation.is_signed


@transaction.atomic
def gait_create(
    *, patient, therapist, fields: dict[str, Any], evaluation: Evaluation | None = None
) -> GaitAnalysis:
    """Record a gait analysis, optionally as part of a draft evaluation."""
    require_clinician(therapist)
    _check_values(fields)
    if evaluation is not None:
        if evaluation.patient_id != patient.pk:
            raise ValidationError({"evaluation": ["Choose one of this patient's evaluations."]})
        if evaluation.is_signed:
            raise ValidationError(LOCKED_MESSAGE)
        if evaluation.therapist_id != therapist.pk:
            raise ValidationError(AUTHOR_ONLY_MESSAGE)
    gait = GaitAnalysis(
        patient=patient,
        therapist=therapist,
        evaluation=evaluation,
        **{key: fields[key] for key in GAIT_FIELDS if key in fields},
    )
    gait.full_clean()
    gait.save()
    return gait


@transaction.atomic
def gait_update(*, gait: GaitAnalysis, user, fields: dict[str, Any]) -> GaitAnalysis:
    """Change a gait analysis unless the note it belongs to is signed."""
    require_clinician(user)
    _check_values(fields)
    gait = (
        GaitAnalysis.objects.select_for_update(of=("self",))
        .select_related("evaluation")
        .get(pk=gait.pk)
    )
    if _gait_locked(gait):
        raise ValidationError(LOCKED_MESSAGE)
    if gait.evaluation_id is not None and gait.evaluation.therapist_id != user.pk:
        raise ValidationError(AUTHOR_ONLY_MESSAGE)
    for key in GAIT_FIELDS:
        if key in fields:
            setattr(gait, key, fields[key])
    gait.full_clean()
    gait.save()
    return gait
