"""The walk-run return-to-run plan (reference/clinical.md §7.5) and when to advance a stage.

One session every other day, on a flat surface, at an easy pace. A stage advances after
``SESSIONS_TO_ADVANCE`` (2) sessions in a row that met the tissue's pain rule during, right after
and the next morning (``progression.check_pain``); stage 7 also needs them to span two weeks.

When the rule is broken (§7.5 failure rule):

- soft tissue, tendon and general: a single minor breach repeats the stage; a major breach (more
  than 2 points over the limit) or a second breach in a row drops back one stage after a rest day,
  and two in a row ask for a therapist review;
- bone: any pain stops the session; 2 rest days, then two stages back (stage 0 means pain-free
  walking again); pain that recurs asks for a therapist or physician review.

Stage 0 is a checklist that a therapist signs off, never advanced from logs.
``StageSuggestion.code`` is one of ``advance``, ``building_streak``, ``not_enough_data``,
``prerequisites``, ``final_stage``, ``single_breach``, ``repeated_breach``, ``major_breach`` or
``bone_pain``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from programs.rules.progression import (
    PainCheck,
    Tissue,
    Verdict,
    check_pain,
    check_scores,
    pain_rule,
)

SESSIONS_TO_ADVANCE = 2
STABLE_DAYS = 14
# Every other day for two weeks, used when sessions carry no dates.
STABLE_SESSIONS_WITHOUT_DATES = 7
BONE_STAGES_BACK = 2
BONE_REST_DAYS = 2
SOFT_REST_DAYS = 1


@dataclass(frozen=True, kw_only=True)
class Stage:
    number: int
    session: str
    advance_when: str
    repeats: int = 0
    run_minutes: int = 0
    walk_minutes: int = 0

    @property
    def total_run_minutes(self) -> int:
        return self.repeats * self.run_minutes


_SAME = "2 sessions in a row within the pain rule during, after and the next morning"

STAGES: tuple[Stage, ...] = (
    Stage(number=0, session="Prerequisites before running", advance_when="All met"),
    Stage(
        number=1,
        session="5 × (1 min run / 1 min walk)",
        advance_when=_SAME,
        repeats=5,
        run_minutes=1,
        walk_minutes=1,
    ),
    Stage(
        number=2,
        session="5 × (2 min run / 1 min walk)",
        advance_when=_SAME,
        repeats=5,
        run_minutes=2,
        walk_minutes=1,
    ),
    Stage(
        number=3,
        session="5 × (3 min run / 1 min walk)",
        advance_when=_SAME,
        repeats=5,
        run_minutes=3,
        walk_minutes=1,
    ),
    Stage(
        number=4,
        session="4 × (5 min run / 1 min walk)",
        advance_when=_SAME,
        repeats=4,
        run_minutes=5,
        walk_minutes=1,
    ),
    Stage(
        number=5,
        session="2 × (10 min run / 1 min walk)",
        advance_when=_SAME,
        repeats=2,
        run_minutes=10,
        walk_minutes=1,
    ),
    Stage(number=6, session="20 min continuous", advance_when=_SAME, repeats=1, run_minutes=20),
    Stage(
        number=7,
        session="30 min continuous",
        advance_when=f"{_SAME}, and 2 weeks stable",
        repeats=1,
        run_minutes=30,
    ),
    Stage(
        number=8,
        session=(
            "Add frequency, then longer runs (each run at most 10% longer than the longest of "
            "the last 30 days), then hills and speed"
        ),
        advance_when="Ongoing monitoring",
    ),
)
FINAL_STAGE = STAGES[-1].number

PREREQUISITES: dict[Tissue, tuple[str, ...]] = {
    # George 2024 (Sports Med): at a suspected high-risk site, imaging or a physician first, and no
    # hop test before it (clinical.md §0.3); then the contributing factors.
    Tissue.BONE: (
        "No tenderness when the injured bone is pressed",
        "Pain-free brisk walking for 30–45 minutes on several days",
        "At a high-risk site: imaging shows healing, or a physician has cleared you, before any "
        "hop test",
        "Pain-free single-leg hops, tested by your therapist (at a high-risk site only after "
        "imaging or a physician's clearance)",
        "What led to the injury is found and addressed (training load, eating enough for your "
        "training)",
    ),
}
_SOFT_PREREQUISITES = (
    "Brisk walking for 30 minutes with pain at most 2/10",
    "10–20 single-leg hops within the pain rule",
)


def prerequisites(*, tissue: str) -> tuple[str, ...]:
    """The stage-0 checklist for a tissue: what must be true before the first run."""
    return PREREQUISITES.get(pain_rule(tissue).tissue, _SOFT_PREREQUISITES)


def get_stage(number: int) -> Stage:
    """The stage with this number; ValueError outside 0–8."""
    if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= FINAL_STAGE:
        raise ValueError(f"stage must be a whole number from 0 to {FINAL_STAGE}, not {number!r}.")
    return STAGES[number]


class StageAction(StrEnum):
    ADVANCE = "advance"
    REPEAT = "repeat"
    BACK = "back"


@dataclass(frozen=True, kw_only=True)
class RunPain:
    """One walk-run session: pain scores 0–10 (None when not recorded), its date, if finished."""

    pain_during: int | None = None
    pain_after: int | None = None
    next_morning_pain: int | None = None
    baseline_pain: int | None = None
    on: date | None = None
    completed: bool = True

    def __post_init__(self) -> None:
        check_scores(self)


@dataclass(frozen=True, kw_only=True)
class StageSuggestion:
    """What to do next: the action, the stage to run next and why, in plain words."""

    action: StageAction
    stage: int
    reason: str
    code: str
    rest_days: int = 0
    therapist_review: bool = False


def suggest_advance(*, stage: int, logs: list[RunPain], tissue: str) -> StageSuggestion:
    """Advance, repeat or step back from ``stage`` given its sessions so far (oldest first)."""
    current = get_stage(stage)
    rule = pain_rule(tissue)
    if current.number == 0:
        checklist = "; ".join(item[0].lower() + item[1:] for item in prerequisites(tissue=tissue))
        return _repeat(
            0, "prerequisites", f"Before the first run, your therapist checks: {checklist}."
        )
    if not logs:
        return _repeat(stage, "not_enough_data", f"No sessions logged yet at stage {stage}.")
    checks = [check_pain(tissue=tissue, log=log) for log in logs]
    rule_text = rule.describe(logs[-1].baseline_pain or 0)
    if checks[-1].breached:
        return _after_breach(rule.tissue, stage, checks, rule_text)
    if checks[-1].verdict is Verdict.INCOMPLETE:
        return _repeat(
            stage,
            "not_enough_data",
            f"{rule_text} Log the pain during the run and the next morning before moving on.",
        )
    return _after_within(stage, logs, checks, rule_text)


def _repeat(number: int, code: str, reason: str, rest_days: int = 0) -> StageSuggestion:
    return StageSuggestion(
        action=StageAction.REPEAT, stage=number, reason=reason, code=code, rest_days=rest_days
    )


def _back(
    number: int, to: int, code: str, reason: str, rest_days: int, review: bool
) -> StageSuggestion:
    action = StageAction.BACK if to < number else StageAction.REPEAT
    where = f"go back to stage {to}" if to < number else f"repeat stage {number}"
    review_text = " See your therapist before the next run." if review else ""
    return StageSuggestion(
        action=action,
        stage=to,
        reason=f"{reason} Rest {rest_days} day{'s' if rest_days > 1 else ''}, then {where}."
        + review_text,
        code=code,
        rest_days=rest_days,
        therapist_review=review,
    )


def _after_breach(
    tissue: Tissue, number: int, checks: list[PainCheck], rule_text: str
) -> StageSuggestion:
    latest = checks[-1]
    broke = f"{rule_text} The last run broke it: {'; '.join(latest.problems)}."
    if tissue is Tissue.BONE:
        recurred = sum(c.breached for c in checks) >= 2
        to = max(0, number - BONE_STAGES_BACK)
        reason = f"{broke} Bone pain means stop running for now."
        return _back(number, to, "bone_pain", reason, BONE_REST_DAYS, recurred)
    twice = len(checks) >= 2 and checks[-2].breached
    if latest.verdict is Verdict.MAJOR or twice:
        code = "major_breach" if latest.verdict is Verdict.MAJOR else "repeated_breach"
        return _back(number, max(1, number - 1), code, broke, SOFT_REST_DAYS, twice)
    return _repeat(
        number,
        "single_breach",
        f"{broke} Repeat this stage; if it happens again, step back one stage.",
    )


def _after_within(
    number: int, logs: list[RunPain], checks: list[PainCheck], rule_text: str
) -> StageSuggestion:
    if number == FINAL_STAGE:
        return _repeat(
            number,
            "final_stage",
            f"{rule_text} The last run met it. Keep building: add a day first, then distance, "
            "with each run at most 10% longer than your longest of the last 30 days.",
        )
    streak = _streak(logs, checks)
    if len(streak) >= SESSIONS_TO_ADVANCE and (number != 7 or _stable(streak)):
        return StageSuggestion(
            action=StageAction.ADVANCE,
            stage=number + 1,
            reason=(
                f"{rule_text} The last {len(streak)} runs met it, so move on to stage "
                f"{number + 1}: {STAGES[number + 1].session}."
            ),
            code="advance",
        )
    need = "two stable weeks" if number == 7 else f"{SESSIONS_TO_ADVANCE} runs in a row"
    return _repeat(
        number,
        "building_streak",
        f"{rule_text} The last run met it; stage {number} needs {need} before moving on.",
    )


def _streak(logs: list[RunPain], checks: list[PainCheck]) -> list[RunPain]:
    """The finished sessions at the end of the log that all met the rule."""
    streak: list[RunPain] = []
    for log, check in zip(reversed(logs), reversed(checks), strict=True):
        if check.verdict is not Verdict.WITHIN or not log.completed:
            break
        streak.append(log)
    streak.reverse()
    return streak


def _stable(streak: list[RunPain]) -> bool:
    dates = [log.on for log in streak]
    if all(d is not None for d in dates):
        return (max(dates) - min(dates)).days >= STABLE_DAYS
    return len(streak) >= STABLE_SESSIONS_WITHOUT_DATES
