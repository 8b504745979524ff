"""Safety gate other apps ask before changing what a runner is told to do.

Three things block loading:

- a screening that suggests referral or a bone stress injury (BSI), until a therapist has
  acknowledged it: it blocks impact and running, and every other kind of loading its red flags name
  (``FLAG_LOADING``);
- a possible Achilles rupture or deep vein thrombosis: tendon and calf loading stays blocked after
  the acknowledgement, until a clinician records that the condition was excluded (examination,
  imaging or another diagnosis: ``ConditionExclusion``);
- a suspected or diagnosed BSI (a screening's flag or final diagnosis, or an evaluation's working
  diagnosis) with no return-to-run clearance recorded after it: it blocks impact and running
  until a clinician records the clearance with each criterion met (George 2024, Sports Med), and
  hip and pelvis loading too when the evidence points at the femoral neck, pelvis or sacrum. A
  recorded exclusion of BSI ends the evidence before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.db.models import Max, Q
from django.db.models.fields.json import KeyTransform
from django.utils import timezone, translation

from assessments.models import (
    ConditionExclusion,
    Evaluation,
    ExcludedCondition,
    ReturnToRunClearance,
    Screening,
)
from dangpt.conditions import Condition
from dangpt.dates import shown

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
    HIP = "hip_load"


LOADING_WORDS = {
    LoadingKind.IMPACT: "impact exercises (hops, skipping, bounding)",
    LoadingKind.RUNNING: "running and walk-run stages",
    LoadingKind.TENDON: (
        "Achilles and calf tendon loading or calf stretching (heel drops, calf raises, "
        "calf stretches)"
    ),
    LoadingKind.HIP: (
        "hip and pelvis loading (bridges, hip thrusts, hip abduction, single-leg squats, lunges)"
    ),
}

# Every referral blocks impact and running (DESIGN: red flags block impact work and running plans).
REFERRAL_BLOCKS = frozenset({LoadingKind.IMPACT, LoadingKind.RUNNING})

# What each red flag names beyond impact and running, with the source of the advice.
FLAG_LOADING: dict[str, frozenset[LoadingKind]] = {
    # A possible rupture is not loaded until excluded: Martin 2018, J Orthop Sports Phys Ther
    # (midportion Achilles tendinopathy CPG, rupture as the differential to rule out first).
    "suspected_achilles_rupture": frozenset({LoadingKind.TENDON}),
    "achilles_pop_at_onset": frozenset({LoadingKind.TENDON}),
    # Weak push-off without a pop: a Thompson test at the visit comes before calf loading.
    "achilles_weak_push_off": frozenset({LoadingKind.TENDON}),
    # Fluoroquinolones raise the risk of tendon rupture: van der Linden 2003, Arch Intern Med;
    # FDA drug safety communication 2016.
    "fluoroquinolone_tendon_pain": frozenset({LoadingKind.TENDON}),
    # A possible deep vein thrombosis is assessed the same day before the calf is worked: the
    # screening rule's same-day referral (NICE NG158 2020, venous thromboembolic diseases).
    "suspected_dvt": frozenset({LoadingKind.TENDON}),
}

# Flags whose tendon and calf block an acknowledgement does not lift: only a recorded exclusion
# does (a note saying "sent to the ER" is not a negative Thompson test, ultrasound or duplex scan).
EXCLUSION_FLAGS: dict[str, str] = {
    "suspected_achilles_rupture": ExcludedCondition.ACHILLES_RUPTURE,
    "achilles_pop_at_onset": ExcludedCondition.ACHILLES_RUPTURE,
    "achilles_weak_push_off": ExcludedCondition.ACHILLES_RUPTURE,
    "suspected_dvt": ExcludedCondition.DVT,
}

# Red flags that amount to a suspected BSI even when the screening's own BSI score does not. Each
# names a high-risk site, where clearance needs radiological healing or a physician's clearance
# whatever site the form is given (George 2024, Sports Med; Kaeding 2005, Clin J Sport Med).
BSI_FLAG_CODES = frozenset(
    {"suspected_femoral_neck_bsi", "possible_femoral_neck_bsi", "high_risk_site_bsi"}
)
# Evidence at the femoral neck, pelvis or sacrum: hip-centred loading loads the injured bone until
# it is cleared (Robertson & Wood 2017, Sports Med Int Open; clinical.md §2.6).
HIP_FLAG_CODES = frozenset({"suspected_femoral_neck_bsi", "possible_femoral_neck_bsi"})
HIP_REGIONS = frozenset({"groin_hip", "buttock_sacrum", "pubic_bone"})


def _when(moment: datetime) -> str:
    with translation.override("en"):  # staff text, in English
        return shown(timezone.localdate(moment))


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


# --- Evidence and exclusions -------------------------------------------------------------------


def _exclusions(patient_id: int) -> dict[str, datetime]:
    """When each condition was last recorded as excluded for this patient."""
    rows = (
        ConditionExclusion.objects.filter(patient_id=patient_id)
        .values("condition")
        .annotate(last=Max("excluded_at"))
        .order_by()
    )
    return {row["condition"]: row["last"] for row in rows}


def _evidence_screenings(patient_id: int) -> list[Screening]:
    """The patient's screenings that suggest a BSI, a rupture or a DVT, in one query."""
    flagged = Q(suspected_bsi=True) | Q(final_diagnosis=Condition.BSI)
    for code in sorted(BSI_FLAG_CODES | EXCLUSION_FLAGS.keys()):
        flagged |= Q(result__red_flags__contains=[{"code": code}])
    return list(
        Screening.objects.filter(patient_id=patient_id)
        .filter(flagged)
        .order_by("-created_at", "-id")
        .only("id", "created_at", "diagnosed_at", "suspected_bsi", "final_diagnosis", "result")
        .annotate(regions=KeyTransform("regions", "answers"))
    )


def _unexcluded_tendon_flags(
    screenings: list[Screening], exclusions: dict[str, datetime]
) -> list[tuple[Screening, str]]:
    """Screenings with a rupture or DVT flag that no later exclusion covers, newest first."""
    found = []
    for screening in screenings:
        for code in sorted(_flag_codes(screening) & EXCLUSION_FLAGS.keys()):
            excluded = exclusions.get(EXCLUSION_FLAGS[code])
            if excluded is None or excluded < screening.created_at:
                found.append((screening, EXCLUSION_FLAGS[code]))
    return found


def _exclusion_reason(screening: Screening, condition: str) -> str:
    what = ExcludedCondition(condition).label.lower()
    return (
        f"Screening #{screening.pk} of {_when(screening.created_at)} suggests a possible {what}, "
        "and no clinician has recorded that it was excluded. Record how it was excluded "
        "(examination, imaging or another diagnosis) on the runner's return-to-run page before "
        "prescribing this."
    )


# --- Bone stress injury: evidence and clearance ------------------------------------------------


@dataclass(frozen=True)
class BoneStress:
    """A patient's latest evidence of a BSI and whether a clearance was recorded after it."""

    evidence: str
    since: datetime
    clearance: ReturnToRunClearance | None
    # The open evidence came from a high-risk site flag: imaging or a physician clears it.
    high_risk: bool = False
    # The open evidence points at the femoral neck, pelvis or sacrum.
    hip_or_pelvis: bool = False

    @property
    def needs_clearance(self) -> bool:
        return self.clearance is None


@dataclass(frozen=True)
class _Evidence:
    moment: datetime
    text: str
    high_risk: bool = False
    hip_or_pelvis: bool = False


def _is_bsi_screening(screening: Screening) -> bool:
    return bool(
        screening.suspected_bsi
        or screening.final_diagnosis == Condition.BSI
        or _flag_codes(screening) & BSI_FLAG_CODES
    )


def _screening_evidence(screening: Screening) -> _Evidence:
    codes = _flag_codes(screening)
    regions = screening.regions if isinstance(screening.regions, list) else []
    return _Evidence(
        moment=max(filter(None, (screening.created_at, screening.diagnosed_at))),
        text=f"screening #{screening.pk} of {_when(screening.created_at)}",
        high_risk=bool(codes & BSI_FLAG_CODES),
        hip_or_pelvis=bool(codes & HIP_FLAG_CODES or HIP_REGIONS.intersection(regions)),
    )


def _bsi_evidence(patient_id: int, screenings: list[Screening]) -> list[_Evidence]:
    found = [_screening_evidence(s) for s in screenings if _is_bsi_screening(s)]
    # A draft note can gain the diagnosis later: its last change is when the evidence appeared.
    evaluations = Evaluation.objects.filter(
        patient_id=patient_id, working_diagnosis=Condition.BSI
    ).only("id", "evaluated_on", "updated_at")
    for evaluation in evaluations:
        with translation.override("en"):
            text = f"the evaluation of {shown(evaluation.evaluated_on)}"
        found.append(_Evidence(evaluation.updated_at, text))
    return found


def bone_stress_status(
    *,
    patient_id: int,
    screenings: list[Screening] | None = None,
    exclusions: dict[str, datetime] | None = None,
) -> BoneStress | None:
    """The patient's latest BSI evidence and the clearance recorded after it, or None if none.

    Evidence from before a clinician recorded that a BSI was excluded no longer counts.
    """
    if screenings is None:
        screenings = _evidence_screenings(patient_id)
    if exclusions is None:
        exclusions = _exclusions(patient_id)
    excluded = exclusions.get(ExcludedCondition.BSI)
    found = [
        e for e in _bsi_evidence(patient_id, screenings) if excluded is None or e.moment > excluded
    ]
    if not found:
        return None
    latest = max(found, key=lambda e: e.moment)
    last = ReturnToRunClearance.objects.for_patient(patient_id).first()
    clearance = last if last is not None and last.cleared_at >= latest.moment else None
    # What a new clearance must answer: the evidence since the last clearance.
    open_ = [e for e in found if last is None or e.moment > last.cleared_at] or [latest]
    return BoneStress(
        evidence=latest.text,
        since=latest.moment,
        clearance=clearance,
        high_risk=any(e.high_risk for e in open_),
        hip_or_pelvis=any(e.hip_or_pelvis for e in open_),
    )


def return_to_run_clearance(*, patient_id: int) -> ReturnToRunClearance | None:
    """The clearance that lets this patient run now: the latest, if after all BSI evidence."""
    status = bone_stress_status(patient_id=patient_id)
    if status is not None:
        return status.clearance
    return ReturnToRunClearance.objects.for_patient(patient_id).first()


def _bsi_reason(status: BoneStress) -> str:
    site = (
        " It points at the femoral neck, pelvis or sacrum, so hip-centred loading waits too."
        if status.hip_or_pelvis
        else ""
    )
    return (
        f"A possible or diagnosed bone stress injury ({status.evidence}) has no return-to-run "
        f"clearance recorded after it.{site} Record the clearance, with each criterion met, or "
        "that a bone stress injury was excluded, on the runner's chart before prescribing this."
    )


# --- The gate ----------------------------------------------------------------------------------


def loading_blocks(
    *, patient_id: int, unacknowledged: list[Screening] | None = None
) -> dict[str, str]:
    """The kinds of loading blocked for this patient now, each with the reason, oldest first.

    ``unacknowledged``: the patient's screenings needing acknowledgement, newest first, when the
    caller has loaded them already (all of them, not a page)."""
    blocks: dict[str, str] = {}
    screenings = unacknowledged
    if screenings is None:
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
    exclusions = _exclusions(patient_id)
    evidence = _evidence_screenings(patient_id)
    for screening, condition in _unexcluded_tendon_flags(evidence, exclusions):
        blocks.setdefault(LoadingKind.TENDON, _exclusion_reason(screening, condition))
    status = bone_stress_status(patient_id=patient_id, screenings=evidence, exclusions=exclusions)
    if status is not None and status.needs_clearance:
        kinds = set(REFERRAL_BLOCKS) | ({LoadingKind.HIP} if status.hip_or_pelvis else set())
        for kind in sorted(kinds):
            blocks.setdefault(kind, _bsi_reason(status))
    return blocks


class RunningHold(StrEnum):
    """Why the runner has no running plan now, in the runner's terms."""

    # A possible or diagnosed BSI not yet cleared: no running until a clinician clears it.
    NOT_CLEARED = "not_cleared"
    # A same-day or prompt concern not yet acknowledged: no running until seen (as the
    # questionnaire's page told them).
    SEE_CLINICIAN = "see_clinician"
    # Only a routine referral not yet acknowledged: avoid running if it hurts, until reviewed.
    ROUTINE = "routine"


def running_hold(*, patient_id: int) -> RunningHold | None:
    """Why running is blocked for this patient now, or None when it is not (as loading_blocks)."""
    unacknowledged = list(
        Screening.objects.filter(patient_id=patient_id)
        .needing_acknowledgement()
        .only("id", "urgency", "suspected_bsi")
    )
    status = bone_stress_status(patient_id=patient_id)
    if any(s.suspected_bsi for s in unacknowledged) or (status and status.needs_clearance):
        return RunningHold.NOT_CLEARED
    if any(s.urgency in ("same_day", "prompt") for s in unacknowledged):
        return RunningHold.SEE_CLINICIAN
    return RunningHold.ROUTINE if unacknowledged else None


def loading_block_reason(*, patient_id: int, kinds) -> str | None:
    """Why these kinds of loading cannot be prescribed now (one sentence per cause), or None."""
    blocks = loading_blocks(patient_id=patient_id)
    reasons = list(dict.fromkeys(blocks[k] for k in sorted(kinds) if k in blocks))
    return " ".join(reasons) or None
