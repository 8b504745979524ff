"""Writes of screenings: answers, review, acknowledgement of red flags, working diagnosis."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import Screening, ScreeningSource, ScreeningStatus
from assessments.screening import ScreeningValidationError, screen
from dangpt.conditions import Diagnosis
from dangpt.text import text_within


def screening_evaluate(*, answers, field_prefix: str = "") -> dict:
    """Run the engine; raise ValidationError naming each bad field (optionally prefixed)."""
    try:
        return screen(answers)
    except ScreeningValidationError as exc:
        raise ValidationError(
            {f"{field_prefix}{field}": messages for field, messages in exc.errors.items()}
        ) from exc


def _apply_result(screening: Screening, answers: dict, result: dict) -> None:
    """Copy the engine's answers and result onto the row, with the columns queries filter on."""
    screening.answers = answers
    screening.result = result
    screening.ruleset_version = result["ruleset_version"]
    screening.disposition = result["disposition"]
    screening.urgency = result["urgency"] or ""
    screening.suspected_bsi = result["suspected_bsi"]


@transaction.atomic
def screening_create(
    *, patient, answers: dict, created_by, source: str, field_prefix: str = ""
) -> Screening:
    """Screen the answers and store them: a runner's as a draft, a therapist's as reviewed."""
    result = screening_evaluate(answers=answers, field_prefix=field_prefix)
    screening = Screening(patient=patient, source=source, created_by=created_by)
    _apply_result(screening, answers, result)
    if source == ScreeningSource.THERAPIST:
        screening.status = ScreeningStatus.REVIEWED
        screening.reviewed_by = created_by
        screening.reviewed_at = timezone.now()
    else:
        screening.status = ScreeningStatus.DRAFT
    screening.save()
    return screening


def _flag_signature(result: dict) -> tuple:
    """What an acknowledgement covers: the red flags fired and whether bone stress is suspected."""
    return (
        frozenset(flag["code"] for flag in result.get("red_flags", [])),
        bool(result.get("suspected_bsi")),
    )


@transaction.atomic
def screening_review(*, screening: Screening, answers: dict, reviewed_by) -> Screening:
    """Re-screen with the therapist's answers and exam findings and mark the screening reviewed."""
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    result = screening_evaluate(answers=answers)
    previous_signature = _flag_signature(screening.result)
    _apply_result(screening, answers, result)
    # An acknowledgement covers the flags the therapist saw; new or different flags need a new one.
    if screening.acknowledged_at and (
        _flag_signature(result) != previous_signature or not screening.requires_acknowledgement
    ):
        screening.acknowledged_by = None
        screening.acknowledged_at = None
        screening.acknowledgement_note = ""
    screening.status = ScreeningStatus.REVIEWED
    screening.reviewed_by = reviewed_by
    screening.reviewed_at = timezone.now()
    screening.save()
    return screening


@transaction.atomic
def screening_acknowledge(*, screening: Screening, acknowledged_by, note: str) -> Screening:
    """Record that a therapist has seen and acted on a referral or suspected bone stress injury."""
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    note = (note or "").strip()
    if not screening.requires_acknowledgement:
        raise ValidationError("This screening has no referral or suspected bone stress injury.")
    if screening.status != ScreeningStatus.REVIEWED:
        raise ValidationError("Review the answers before acknowledging the red flags.")
    if screening.acknowledged_at is not None:
        raise ValidationError("This screening has already been acknowledged.")
    if not note:
        raise ValidationError({"note": ["Say what was done, e.g. who it was referred to."]})
    screening.acknowledged_by = acknowledged_by
    screening.acknowledged_at = timezone.now()
    screening.acknowledgement_note = note
    screening.save(update_fields=["acknowledged_by", "acknowledged_at", "acknowledgement_note"])
    return screening


@transaction.atomic
def screening_record_diagnosis(
    *, screening: Screening, diagnosed_by, diagnosis: str, note: str = ""
) -> Screening:
    """Record the therapist's final working diagnosis (one of the six conditions, or other)."""
    screening = Screening.objects.select_for_update().get(pk=screening.pk)
    note = (note or "").strip()
    if screening.status != ScreeningStatus.REVIEWED:
        raise ValidationError("Review the answers before recording a working diagnosis.")
    if diagnosis not in Diagnosis.values:
        raise ValidationError({"diagnosis": ["Choose one of the listed working diagnoses."]})
    if diagnosis == Diagnosis.OTHER and not note:
        raise ValidationError({"note": ["Describe the working diagnosis when choosing other."]})
    screening.final_diagnosis = diagnosis
    screening.final_diagnosis_note = text_within(note, limit=250, field="note")
    screening.diagnosed_by = diagnosed_by
    screening.diagnosed_at = timezone.now()
    screening.save(
        update_fields=["final_diagnosis", "final_diagnosis_note", "diagnosed_by", "diagnosed_at"]
    )
    return screening
