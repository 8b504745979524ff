"""Safety gate other apps ask before changing what a runner is told to do.

Two things block loading:

- a screening that suggests referral or a bone stress injury (BSI), until a therapist has
  acknowledged it: it blocks impact and running, and every other kind of loading its red flags name
  (``FLAG_LOADING``);
- a suspected or diagnosed BSI (a screening's flag or final diagnosis, or an evaluation's working
  diagnosis) with no return-to-run clearance recorded after it: it blocks impact and running
  until a clinician records the clearance with each criterion met (George 2024, Sports Med).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Q
from django.utils import timezone

from assessments.models import Evaluation, ReturnToRunClearance, Screening
from dangpt.conditions import Condition

URGENCY_WORDS = {
    "same_day": "same-day",
    "prompt": "prompt",
    "routine": "routine",
}


class LoadingKind(StrEnum):
    """Kinds of loading an exercise can carry (the library's tags) and a red flag can block."""

    IMPACT = "impact"
    RUNNING = "running"
    TENDON = "tendon_load"


LOADING_WORDS = {
    LoadingKind.IMPACT: "impact exercises (hops, skipping, bounding)",
    LoadingKind.RUNNING: "running and walk-run stages",
    LoadingKind.TENDON: "heavy or eccentric tendon loading (heel drops, heavy calf raises)",
}

# Every referral blocks impact and running (DESIGN: red flags block impact work and running plans).
REFERRAL_BLOCKS = frozenset({LoadingKind.IMPACT, LoadingKind.RUNNING})

# What each red flag names beyond impact and running, with the source of the advice.
FLAG_LOADING: dict[str, frozenset[LoadingKind]] = {
    # A possible rupture is not loaded until excluded: Martin 2018, J Orthop Sports Phys Ther
    # (Achilles tendinitis CPG, rupture as the differential to rule out first).
    "suspected_achilles_rupture": frozenset({LoadingKind.TENDON}),
    "achilles_pop_at_onset": frozenset({LoadingKind.TENDON}),
    # Fluoroquinolones raise the risk of tendon rupture: van der Vlist 2019, Br J Sports Med
    # (clinical risk factors for Achilles tendinopathy); FDA drug safety communication 2016.
    "fluoroquinolone_tendon_pain": frozenset({LoadingKind.TENDON}),
    # A possible deep vein thrombosis is assessed the same day before the calf is worked: the
    # screening rule's same-day referral (Wells 2003, N Engl J Med, for the assessment itself).
    "suspected_dvt": frozenset({LoadingKind.TENDON}),
}

# Red flags that amount to a suspected BSI even when the screening's own BSI score does not.
BSI_FLAG_CODES = frozenset(
    {"suspected_femoral_neck_bsi", "possible_femoral_neck_bsi", "high_risk_site_bsi"}
)


def _when(moment: datetime) -> str:
    return timezone.localdate(moment).strftime("%-d %b %Y")


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
    return _screening_reason(screening) if screening is not None else None


def _screening_reason(screening: Screening) -> str:
    if screening.suspected_bsi:
        finding = "suggests a possible bone stress injury"
    else:
        urgency = URGENCY_WORDS.get(screening.urgency, "")
        finding = f"suggests {urgency} referral" if urgency else "suggests referral"
    return (
        f"Screening #{screening.pk} of {_when(screening.created_at)} {finding}, and no therapist "
        "has acknowledged it yet. Acknowledge it on the screening page before prescribing this."
    )


def _flag_codes(screening: Screening) -> set[str]:
    return {flag.get("code") for flag in (screening.result or {}).get("red_flags") or []}


# --- Bone stress injury: evidence and clearance ------------------------------------------------


@dataclass(frozen=True)
class BoneStress:
    """A patient's latest evidence of a BSI and whether a clearance was recorded after it."""

    evidence: str
    since: datetime
    clearance: ReturnToRunClearance | None

    @property
    def needs_clearance(self) -> bool:
        return self.clearance is None


def _bsi_screenings(patient_id: int):
    flagged = Q()
    for code in sorted(BSI_FLAG_CODES):
        flagged |= Q(result__red_flags__contains=[{"code": code}])
    return Screening.objects.filter(patient_id=patient_id).filter(
        Q(suspected_bsi=True) | Q(final_diagnosis=Condition.BSI) | flagged
    )


def _latest_bsi_evidence(patient_id: int) -> tuple[datetime, str] | None:
    found: list[tuple[datetime, str]] = []
    for screening in _bsi_screenings(patient_id).only("id", "created_at", "diagnosed_at"):
        moment = max(filter(None, (screening.created_at, screening.diagnosed_at)))
        found.append((moment, f"screening #{screening.pk} of {_when(screening.created_at)}"))
    # A draft note can gain the diagnosis later: its last change is when the evidence appeared.
    evaluations = Evaluation.objects.filter(
        patient_id=patient_id, working_diagnosis=Condition.BSI
    ).only("id", "evaluated_on", "updated_at")
    for evaluation in evaluations:
        found.append(
            (evaluation.updated_at, f"the evaluation of {evaluation.evaluated_on:%-d %b %Y}")
        )
    return max(found, key=lambda pair: pair[0]) if found else None


def bone_stress_status(*, patient_id: int) -> BoneStress | None:
    """The patient's latest BSI evidence and the clearance recorded after it, or None if none."""
    latest = _latest_bsi_evidence(patient_id)
    if latest is None:
        return None
    since, evidence = latest
    clearance = (
        ReturnToRunClearance.objects.for_patient(patient_id).filter(cleared_at__gte=since).first()
    )
    return BoneStress(evidence=evidence, since=since, clearance=clearance)


def return_to_run_clearance(*, patient_id: int) -> ReturnToRunClearance | None:
    """The clearance that lets this patient run now: the latest, if after all BSI evidence."""
    status = bone_stress_status(patient_id=patient_id)
    if status is not None:
        return status.clearance
    return ReturnToRunClearance.objects.for_patient(patient_id).first()


def _bsi_reason(status: BoneStress) -> str:
    return (
        f"A possible or diagnosed bone stress injury ({status.evidence}) has no return-to-run "
        "clearance recorded after it. Record the clearance, with each criterion met, on the "
        "runner's chart before prescribing this."
    )


# --- The gate ----------------------------------------------------------------------------------


def loading_blocks(*, patient_id: int) -> dict[str, str]:
    """The kinds of loading blocked for this patient now, each with the reason, oldest first."""
    blocks: dict[str, str] = {}
    screenings = (
        Screening.objects.filter(patient_id=patient_id)
        .needing_acknowledgement()
        .order_by("-created_at", "-id")
        .only("id", "created_at", "disposition", "urgency", "suspected_bsi", "result")
    )
    for screening in screenings:
        kinds = set(REFERRAL_BLOCKS)
        for code in _flag_codes(screening):
            kinds |= FLAG_LOADING.get(code, frozenset())
        for kind in sorted(kinds):
            blocks.setdefault(kind, _screening_reason(screening))
    status = bone_stress_status(patient_id=patient_id)
    if status is not None and status.needs_clearance:
        for kind in sorted(REFERRAL_BLOCKS):
            blocks.setdefault(kind, _bsi_reason(status))
    return blocks


def loading_block_reason(*, patient_id: int, kinds) -> str | None:
    """Why these kinds of loading cannot be prescribed now (one sentence per cause), or None."""
    blocks = loading_blocks(patient_id=patient_id)
    reasons = list(dict.fromkeys(blocks[k] for k in sorted(kinds) if k in blocks))
    return " ".join(reasons) or None
