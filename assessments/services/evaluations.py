"""Writes of evaluations: draft SOAP notes, signing, addenda.

Each write runs inside ``pghistory.context(user=...)`` so the history page can name who made
each change.
"""

from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    EVALUATION_FIELDS,
    Evaluation,
    EvaluationAddendum,
    EvaluationStatus,
)
from assessments.note_fields import SCHEMAS as NOTE_JSON_FIELDS
from assessments.note_fields import validate_note_json
from assessments.selectors import running_profile_snapshot
from assessments.services.attachments import attachments_lock
from assessments.services.common import LOCKED_MESSAGE, require_clinician
from dangpt import clinical_ranges
from dangpt.roles import Role, role_of

AUTHOR_ONLY_MESSAGE = "Only the note's author can edit or sign it."


def _normalise(values: dict) -> dict:
    if isinstance(values.get("icd10"), str):
        values["icd10"] = values["icd10"].strip().upper()
    for name in NOTE_JSON_FIELDS:
        if name in values and values[name] is None:
            del values[name]  # not given: a new note's default, a draft's value unchanged
        elif name in values:
            values[name] = validate_note_json(name, values[name])
    return values


# The note's own numbers (the JSON fields have their schemas).
PLAN_RANGES = {
    "visits_per_week": "evaluation.visits_per_week",
    "plan_weeks": "evaluation.plan_weeks",
}


def _check_values(fields: dict) -> None:
    """The date and the plan's numbers, before the model would round a fraction to a whole."""
    given = {name: key for name, key in PLAN_RANGES.items() if name in fields}
    errors = clinical_ranges.problems(fields, given)
    problem = clinical_ranges.visit_date_problem(fields.get("evaluated_on"))
    if problem:
        errors["evaluated_on"] = [problem]
    if errors:
        raise ValidationError(errors)


def _check_links(patient, fields: dict) -> None:
    for name in ("appointment", "screening"):
        linked = fields.get(name)
        if linked is not None and linked.patient_id != patient.pk:
            raise ValidationError({name: ["Choose one of this patient's records."]})


def _require_author(evaluation: Evaluation, user) -> None:
    if evaluation.therapist_id != user.pk:
        raise ValidationError(AUTHOR_ONLY_MESSAGE)


@transaction.atomic
def evaluation_create(*, patient, therapist, fields: dict[str, Any]) -> Evaluation:
    """Start a draft note for a patient; the running profile is snapshotted when not given."""
    require_clinician(therapist)
    values = _normalise({key: fields[key] for key in EVALUATION_FIELDS if key in fields})
    _check_values(values)
    _check_links(patient, values)
    if not values.get("running_profile"):
        values["running_profile"] = running_profile_snapshot(patient=patient)
    evaluation = Evaluation(patient=patient, therapist=therapist, **values)
    evaluation.full_clean()
    with pghistory.context(user=therapist.pk):
        evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_update(*, evaluation: Evaluation, user, fields: dict[str, Any]) -> Evaluation:
    """Change a draft note; a signed note refuses (addenda only)."""
    require_clinician(user)
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _require_author(evaluation, user)
    if evaluation.is_signed:
        raise ValidationError(LOCKED_MESSAGE)
    values = _normalise({key: fields[key] for key in EVALUATION_FIELDS if key in fields})
    _check_values(values)
    _check_links(evaluation.patient, values)
    for key, value in values.items():
        setattr(evaluation, key, value)
    evaluation.full_clean()
    with pghistory.context(user=user.pk):
        evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_sign(*, evaluation: Evaluation, user) -> Evaluation:
    """Sign a draft: record who and when; from then on the database refuses changes."""
    if role_of(user) != Role.THERAPIST:
        raise ValidationError("Only a therapist signs notes.")
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    _require_author(evaluation, user)
    if evaluation.is_signed:
        raise ValidationError("This note is already signed.")
    if not evaluation.working_diagnosis:
        raise ValidationError({"working_diagnosis": ["Record a working diagnosis before signing."]})
    evaluation.status = EvaluationStatus.SIGNED
    evaluation.signed_by = user
    evaluation.signed_at = timezone.now()
    with pghistory.context(user=user.pk):
        evaluation.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
        attachments_lock(evaluation=evaluation)  # its files become part of the signed note
    return evaluation


@transaction.atomic
def addendum_add(*, evaluation: Evaluation, author, text: str) -> EvaluationAddendum:
    """Add a dated addendum to a signed note; drafts are edited directly instead."""
    require_clinician(author)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ["Write the addendum."]})
    if not evaluation.is_signed:
        raise ValidationError("Edit the draft itself; addenda are for signed notes.")
    return EvaluationAddendum.objects.create(evaluation=evaluation, author=author, text=text)
