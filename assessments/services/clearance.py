"""Writes of return-to-run clearances after a bone stress injury: recorded once, never changed."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from assessments.models import HIGH_RISK_SITES, BoneStressSite, ReturnToRunClearance
from assessments.services.common import require_clinician

CRITERIA_MESSAGES = {
    "pain_free_walking": "Clearance needs pain-free brisk walking for 30–45 minutes.",
    "no_focal_tenderness": "Clearance needs no tenderness when the injured bone is pressed.",
    "pain_free_hops": "Clearance needs pain-free single-leg hops on the injured side.",
}
IMAGING_MESSAGE = (
    "At a high-risk site (or one not yet known), clearance needs imaging that shows healing "
    "or a physician's clearance."
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
    }
    for field, value in met.items():
        if value is not True:
            errors[field] = [CRITERIA_MESSAGES[field]]
    if site in HIGH_RISK_SITES and imaging_or_physician_clearance is not True:
        errors["imaging_or_physician_clearance"] = [IMAGING_MESSAGE]
    if errors:
        raise ValidationError(errors)
    return ReturnToRunClearance.objects.create(
        patient=patient,
        cleared_by=cleared_by,
        cleared_at=timezone.now(),
        site=site,
        imaging_or_physician_clearance=bool(imaging_or_physician_clearance),
        note=note.strip()[:500],
        **met,
    )
