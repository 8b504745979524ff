"""Writes of return-to-run clearances and condition exclusions: recorded once, never changed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments import safety
from assessments.models import (
    HIGH_RISK_SITES,
    BoneStressSite,
    ConditionExclusion,
    ExcludedCondition,
    ExclusionMethod,
    ReturnToRunClearance,
)
from assessments.services.common import require_clinician
from dangpt.text import text_within

CRITERIA_MESSAGES = {
    "pain_free_walking": "Clearance needs pain-free brisk walking for 30–45 minutes.",
    "no_focal_tenderness": "Clearance needs no tenderness when the injured bone is pressed.",
    "pain_free_hops": "Clearance needs pain-free single-leg hops on the injured side.",
    "contributing_factors_identified": (
        "Clearance needs the contributing factors identified (load errors, low energy "
        "availability)."
    ),
}
IMAGING_MESSAGE = (
    "At a high-risk site (or one not yet known), clearance needs imaging that shows healing "
    "or a physician's clearance."
)
FLAGGED_SITE_MESSAGE = (
    "The screening flagged a high-risk site (femoral neck, pelvis, navicular and the like): "
    "clearance needs imaging that shows healing or a physician's clearance, whatever site is "
    "chosen."
)


@transaction.atomic
def clearance_record(
    *,
    patient,
    cleared_by,
    site: str,
    pain_free_walking: bool,
    no_focal_tenderness: bool,
    pain_free_hops: bool,
    contributing_factors_identified: bool = False,
    imaging_or_physician_clearance: bool = False,
    note: str = "",
) -> ReturnToRunClearance:
    """Record that a clinician cleared the runner to start the walk-run plan, now."""
    require_clinician(cleared_by)
    errors: dict[str, list[str]] = {}
    if site not in BoneStressSite.values:
        errors["site"] = ["Choose the injured site."]
    met = {
        "pain_free_walking": pain_free_walking,
        "no_focal_tenderness": no_focal_tenderness,
        "pain_free_hops": pain_free_hops,
        "contributing_factors_identified": contributing_factors_identified,
    }
    for field, value in met.items():
        if value is not True:
            errors[field] = [CRITERIA_MESSAGES[field]]
    if imaging_or_physician_clearance is not True:
        status = safety.bone_stress_status(patient_id=patient.pk)
        if site in HIGH_RISK_SITES:
            errors["imaging_or_physician_clearance"] = [IMAGING_MESSAGE]
        elif status is not None and status.high_risk:
            errors["imaging_or_physician_clearance"] = [FLAGGED_SITE_MESSAGE]
    if errors:
        raise ValidationError(errors)
    return ReturnToRunClearance.objects.create(
        patient=patient,
        cleared_by=cleared_by,
        cleared_at=timezone.now(),
        site=site,
        imaging_or_physician_clearance=bool(imaging_or_physician_clearance),
        note=text_within(note, limit=500, field="note"),
        **met,
    )


@transaction.atomic
def exclusion_record(
    *, patient, excluded_by, condition: str, method: str, detail: str
) -> ConditionExclusion:
    """Record that a clinician excluded a suspected condition, how, and on what finding, now."""
    require_clinician(excluded_by)
    detail = (detail or "").strip()
    errors: dict[str, list[str]] = {}
    if condition not in ExcludedCondition.values:
        errors["condition"] = ["Choose the condition that was excluded."]
    if method not in ExclusionMethod.values:
        errors["method"] = ["Choose how it was excluded."]
    if not detail:
        errors["detail"] = ["Say who examined or imaged, and what was found or diagnosed."]
    elif len(detail) > 500:
        errors["detail"] = ["At most 500 characters."]
    if errors:
        raise ValidationError(errors)
    return ConditionExclusion.objects.create(
        patient=patient,
        excluded_by=excluded_by,
        excluded_at=timezone.now(),
        condition=condition,
        method=method,
        detail=detail,
    )
