"""Safety gate other apps ask before prescribing impact exercises or running plans."""

from django.utils import timezone

from assessments.models import Screening

URGENCY_WORDS = {
    "same_day": "same-day",
    "prompt": "prompt",
    "routine": "routine",
}


def impact_block_reason(*, patient_id: int) -> str | None:
    """Why impact work and running plans are blocked for this patient now, or None if they are not.

    A screening that suggests referral or a bone stress injury blocks them until a therapist has
    acknowledged it. Only unacknowledged screenings can block, whichever is newest, so an older
    red flag is never hidden by a later, calmer screening.
    """
    screening = (
        Screening.objects.filter(patient_id=patient_id)
        .needing_acknowledgement()
        .order_by("-created_at", "-id")
        .only("id", "created_at", "disposition", "urgency", "suspected_bsi")
        .first()
    )
    if screening is None:
        return None
    when = timezone.localdate(screening.created_at).strftime("%-d %b %Y")
    if screening.suspected_bsi:
        finding = "suggests a possible bone stress injury"
    else:
        urgency = URGENCY_WORDS.get(screening.urgency, "")
        finding = f"suggests {urgency} referral" if urgency else "suggests referral"
    return (
        f"Screening #{screening.pk} of {when} {finding}, and no therapist has acknowledged it yet. "
        "Acknowledge it on the screening page before prescribing impact exercises or running."
    )
