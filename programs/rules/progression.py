"""Progress, hold or regress a home exercise by the pain rule of the tissue it loads.

The pain rules are those of reference/clinical.md §6.2 and §7.3:

- tendon (Silbernagel 2007): pain up to 5/10 during and right after, and back to the runner's usual
  level (baseline) by the next morning;
- soft tissue (PFP, ITBS, plantar fascia, MTSS; a clinic default): up to 3/10, back to baseline
  within 24 h;
- bone (BSI, or MTSS with focal tenderness): no pain at all, during, after or the next morning;
- general (prevention work with no injured tissue): the soft-tissue rule, the conservative default.

Decisions (§6.1, the clinic's default HEP rules):

- progress when the last ``SESSIONS_TO_PROGRESS`` (2) sessions each met the rule, with the
  next-morning pain recorded, all sets done, and neither rated hard;
- hold while a streak is still building, or when there is not enough data to judge;
- regress on any breach: a minor one (pain at most ``MAJOR_MARGIN`` points over the limit) by
  about 25%, a major one (more than ``MAJOR_MARGIN`` over) by about 50%, a second breach in a row
  by about 25% with a therapist review, and for bone any pain at all (50%, 2 rest days). In
  Silbernagel's pain-monitoring model a breach of the pain rule means the activity is reduced,
  not kept (Silbernagel 2007, Am J Sports Med; Silbernagel & Crossley 2015, J Orthop Sports Phys
  Ther); §6.1 of the reference gives the 25–50% cut;
- regress by about 25% when next-morning pain rises week to week (``morning_trend``), even while
  every single morning stays at or under the baseline: the model's third rule, "morning pain and
  stiffness must not increase from week to week" (Silbernagel 2007);
- ask for a therapist review when the rule is broken twice in a row.

``Suggestion.code`` says which branch decided: ``progress``, ``building_streak``, ``too_hard``,
``not_enough_data``, ``single_breach``, ``repeated_breach``, ``major_breach``, ``bone_pain``,
``morning_pain_rising``, ``protocol_pain_expected`` or ``protocol_schedule`` (a trial's next
step is not due yet by its calendar).

A session without next-morning pain cannot show that pain settled, so it never counts towards
progress; a value that is recorded and over the limit is a breach all the same. A missing baseline
is read as 0, the conservative reading: callers should pass the runner's usual pain level.

Dosage progresses one step at a time in the order of the reference: reps (or hold time), then sets,
then load (Ratamess 2009: about 5–10%); for bone, frequency first, then duration, then intensity
(Warden 2021). An exercise prescribed by a trial's protocol (Alfredson, heavy slow resistance,
Rathleff) progresses by that protocol instead: ``programs.rules.protocols`` passes it in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Protocol

SESSIONS_TO_PROGRESS = 2
MAJOR_MARGIN = 2
REP_STEP = 2
HOLD_STEP_SECONDS = 5
LOAD_STEP = 0.10
FIRST_LOAD_KG = 2.0
REGRESS_SMALL = 0.25
REGRESS_LARGE = 0.50
BONE_REST_DAYS = 2
# Morning trend [D]: weekly means of next-morning pain, over the weeks ending at the latest score.
TREND_WEEKS = 3
TREND_JUMP = 1.0  # one NRS point, the smallest change that counts (Salaffi 2004)


class Tissue(StrEnum):
    TENDON = "tendon"
    SOFT_TISSUE = "soft_tissue"
    BONE = "bone"
    GENERAL = "general"


class Action(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    REGRESS = "regress"


class Difficulty(StrEnum):
    EASY = "easy"
    OK = "ok"
    HARD = "hard"


class Verdict(StrEnum):
    WITHIN = "within"
    BREACH = "breach"
    MAJOR = "major"
    INCOMPLETE = "incomplete"


class PainLog(Protocol):
    """What a pain check reads from a log: an exercise session or a run."""

    pain_during: int | None
    pain_after: int | None
    next_morning_pain: int | None
    baseline_pain: int | None


def _check_score(name: str, value: int | None) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        raise ValueError(f"{name} must be a whole number from 0 to 10, not {value!r}.")


def check_scores(log: PainLog) -> None:
    """Raise ValueError unless every pain score of the log is None or a whole number 0–10."""
    for name in ("pain_during", "pain_after", "next_morning_pain", "baseline_pain"):
        _check_score(name, getattr(log, name))


@dataclass(frozen=True, kw_only=True)
class SessionPain:
    """One logged exercise session: pain scores 0–10 (None when not recorded) and effort."""

    pain_during: int | None = None
    pain_after: int | None = None
    next_morning_pain: int | None = None
    baseline_pain: int | None = None
    difficulty: Difficulty | None = None
    completed: bool = True

    def __post_init__(self) -> None:
        check_scores(self)
        if self.difficulty is not None:
            object.__setattr__(self, "difficulty", Difficulty(self.difficulty))


@dataclass(frozen=True, kw_only=True)
class Dosage:
    """What to do per session; the ``max_*`` fields cap the automatic steps."""

    sets: int
    reps: int | None = None
    hold_seconds: int | None = None
    load_kg: float = 0.0
    times_per_week: int = 3
    max_reps: int = 15
    max_sets: int = 4
    max_hold_seconds: int = 60
    max_times_per_week: int = 7

    def __post_init__(self) -> None:
        if self.sets < 1 or self.times_per_week < 1:
            raise ValueError("sets and times_per_week must be at least 1.")
        if self.reps is None and self.hold_seconds is None:
            raise ValueError("A dosage needs reps, hold_seconds or both.")
        if (self.reps is not None and self.reps < 1) or (
            self.hold_seconds is not None and self.hold_seconds < 1
        ):
            raise ValueError("reps and hold_seconds must be at least 1 when given.")
        if self.load_kg < 0:
            raise ValueError("load_kg cannot be negative.")


@dataclass(frozen=True, kw_only=True)
class Suggestion:
    """The proposed next step, why (in plain words), and the dosage to use next."""

    action: Action
    reason: str
    dosage: Dosage
    code: str
    therapist_review: bool = False
    rest_days: int = 0


class ProtocolSteps(Protocol):
    """How a trial's protocol steps its dosage up and down (see ``programs.rules.protocols``)."""

    name: str
    load_when_pain_free: bool

    def progress(self, dosage: Dosage, *, week: int | None = None) -> tuple[Dosage, str]: ...

    def reduce(self, dosage: Dosage, fraction: float) -> tuple[Dosage, str]: ...


@dataclass(frozen=True, kw_only=True)
class MorningTrend:
    """Weekly means of next-morning pain, oldest first, and whether they rise week to week."""

    weekly: tuple[float, ...] = ()
    rising: bool = False

    def describe(self) -> str:
        means = " → ".join(f"{m:.1f}/10" for m in self.weekly)
        return f"Next-morning pain has risen week to week (weekly average {means})"


def morning_trend(scores: Sequence[tuple[dt.date, int]]) -> MorningTrend:
    """Whether next-morning pain rises week to week (Silbernagel 2007's third rule).

    ``scores`` are (day, next-morning pain) pairs. Weeks are the 7-day blocks ending on the latest
    day scored, up to ``TREND_WEEKS``, stopping at the first week without a score. Rising means
    the latest week's mean is at least ``TREND_JUMP`` above the week before, or that the mean went
    up in each of the last two steps (a slow creep). A trend compares the runner with their own
    recent weeks, so it catches a rise that never passes the fixed baseline.
    """
    for _, value in scores:
        _check_score("next_morning_pain", value)
    if not scores:
        return MorningTrend()
    latest = max(day for day, _ in scores)
    weeks: list[list[int]] = [[] for _ in range(TREND_WEEKS)]
    for day, value in scores:
        index = (latest - day).days // 7
        if 0 <= index < TREND_WEEKS:
            weeks[index].append(value)
    means: list[float] = []
    for week in weeks:
        if not week:
            break
        means.append(sum(week) / len(week))
    weekly = tuple(reversed(means))
    steps = [b - a for a, b in zip(weekly, weekly[1:], strict=False)]
    rising = bool(steps) and (
        steps[-1] >= TREND_JUMP - 1e-9 or (len(steps) >= 2 and steps[-1] > 0 and steps[-2] > 0)
    )
    return MorningTrend(weekly=weekly, rising=rising)


@dataclass(frozen=True, kw_only=True)
class PainRule:
    tissue: Tissue
    title: str
    limit: int

    def describe(self, baseline: int) -> str:
        """The rule in one plain sentence, with the numbers that apply to this runner."""
        if self.tissue is Tissue.BONE:
            return f"{self.title}: no pain at all during, after or the next morning."
        return (
            f"{self.title}: pain up to {self.limit}/10 during and after, and back to your usual "
            f"level ({baseline}/10) by the next morning."
        )


PAIN_RULES: dict[Tissue, PainRule] = {
    Tissue.TENDON: PainRule(tissue=Tissue.TENDON, title="Tendon rule (Silbernagel 2007)", limit=5),
    Tissue.SOFT_TISSUE: PainRule(
        tissue=Tissue.SOFT_TISSUE, title="Soft-tissue rule (clinic default)", limit=3
    ),
    Tissue.BONE: PainRule(tissue=Tissue.BONE, title="Bone rule", limit=0),
    Tissue.GENERAL: PainRule(
        tissue=Tissue.GENERAL, title="General rule (clinic default, as soft tissue)", limit=3
    ),
}


def pain_rule(tissue: str) -> PainRule:
    """The pain rule of a tissue code; ValueError for an unknown code."""
    try:
        return PAIN_RULES[Tissue(tissue)]
    except ValueError:
        codes = ", ".join(t.value for t in Tissue)
        raise ValueError(f"Unknown tissue {tissue!r}; expected one of {codes}.") from None


def item_rule(*, tissue: str, impact: bool, bone_stress: bool) -> str:
    """The pain rule of one exercise: bone for impact or running work after a bone stress injury.

    A program's rule (tendon, soft tissue) suits its strength work, but hops, jumps and runs load
    the injured bone: §6.2's bone rule (no focal bony pain; any stops the session) applies to them
    whatever the program's rule, so pain at 1–3/10 is not read as "within the limit".
    """
    if impact and bone_stress:
        return Tissue.BONE.value
    return tissue


@dataclass(frozen=True, kw_only=True)
class PainCheck:
    verdict: Verdict
    problems: tuple[str, ...] = ()

    @property
    def breached(self) -> bool:
        return self.verdict in (Verdict.BREACH, Verdict.MAJOR)


def check_pain(*, tissue: str, log: PainLog) -> PainCheck:
    """Judge one session or run against the tissue's pain rule."""
    rule = pain_rule(tissue)
    baseline = log.baseline_pain or 0
    morning_limit = 0 if rule.tissue is Tissue.BONE else baseline
    morning_label = "limit" if rule.tissue is Tissue.BONE else "usual level"
    limits = (
        ("during", log.pain_during, rule.limit, "limit"),
        ("right after", log.pain_after, rule.limit, "limit"),
        ("the next morning", log.next_morning_pain, morning_limit, morning_label),
    )
    problems, major = [], False
    for when, value, limit, label in limits:
        if value is not None and value > limit:
            problems.append(f"pain {value}/10 {when} ({label} {limit}/10)")
            major = major or value > limit + MAJOR_MARGIN
    if problems:
        verdict = Verdict.MAJOR if major else Verdict.BREACH
        return PainCheck(verdict=verdict, problems=tuple(problems))
    if log.pain_during is None or log.next_morning_pain is None:
        return PainCheck(verdict=Verdict.INCOMPLETE)
    return PainCheck(verdict=Verdict.WITHIN)


def _scores(logs: Sequence[PainLog]) -> str:
    during = " and ".join(f"{log.pain_during}/10" for log in logs)
    morning = " and ".join(f"{log.next_morning_pain}/10" for log in logs)
    return f"pain during {during}, next morning {morning}"


def suggest(
    *,
    tissue: str,
    logs: list[SessionPain],
    current: Dosage,
    mornings: Sequence[tuple[dt.date, int]] = (),
    protocol: ProtocolSteps | None = None,
    protocol_week: int | None = None,
) -> Suggestion:
    """Suggest progress, hold or regress from the logged sessions (oldest first).

    ``mornings`` are the runner's next-morning pain scores by day (all exercise and running of the
    last ``TREND_WEEKS`` weeks, whatever dose changes fell in them), read for their week-to-week
    trend. ``protocol`` steps the dosage of an exercise prescribed by a trial's protocol;
    ``protocol_week`` is the week of that protocol the runner is in (1 = the first), which gates
    its calendar (``programs.rules.protocols``).
    """
    rule = pain_rule(tissue)
    baseline = (logs[-1].baseline_pain or 0) if logs else 0
    rule_text = rule.describe(baseline)
    if not logs:
        return _hold(current, "not_enough_data", f"{rule_text} No sessions logged yet.")
    checks = [check_pain(tissue=tissue, log=log) for log in logs]
    if checks[-1].breached:
        return _after_breach(rule, checks, current, rule_text, protocol)
    trend = morning_trend(mornings)
    if trend.rising:
        dosage, change = _reduce(current, REGRESS_SMALL, protocol)
        reason = (
            f"{rule_text} {trend.describe()}, though the last session met the rule. "
            f"Morning pain should not increase from week to week (Silbernagel 2007), so "
            f"{change}."
        )
        return _regress(dosage, "morning_pain_rising", reason, False)
    if checks[-1].verdict is Verdict.INCOMPLETE:
        return _hold(
            current,
            "not_enough_data",
            f"{rule_text} The last session has no pain during or next-morning score yet, so "
            "it cannot count; keep the same dose.",
        )
    return _after_within(rule, logs, checks, current, rule_text, protocol, protocol_week)


def _hold(current: Dosage, code: str, reason: str) -> Suggestion:
    return Suggestion(action=Action.HOLD, reason=reason, dosage=current, code=code)


def _after_breach(
    rule: PainRule,
    checks: list[PainCheck],
    current: Dosage,
    rule_text: str,
    protocol: ProtocolSteps | None = None,
) -> Suggestion:
    latest = checks[-1]
    twice = len(checks) >= 2 and checks[-2].breached
    broke = f"{rule_text} The last session broke it: {'; '.join(latest.problems)}."
    review = " Broken twice in a row: ask your therapist to review." if twice else ""
    if rule.tissue is Tissue.BONE:
        dosage, change = _reduce(current, REGRESS_LARGE, protocol)
        reason = f"{broke} Stop this exercise, take 1–2 days off, then {change}.{review}"
        return _regress(dosage, "bone_pain", reason, twice, rest_days=BONE_REST_DAYS)
    if latest.verdict is Verdict.MAJOR:
        dosage, change = _reduce(current, REGRESS_LARGE, protocol)
        reason = f"{broke} That is well over the limit, so {change}.{review}"
        return _regress(dosage, "major_breach", reason, twice)
    dosage, change = _reduce(current, REGRESS_SMALL, protocol)
    if twice:
        return _regress(dosage, "repeated_breach", f"{broke} {change.capitalize()}.{review}", True)
    return _regress(
        dosage,
        "single_breach",
        f"{broke} A breach of the pain rule means the load comes down a little, not that it "
        f"stays (Silbernagel 2007): {change}.",
        False,
    )


def _regress(
    dosage: Dosage, code: str, reason: str, review: bool, rest_days: int = 0
) -> Suggestion:
    return Suggestion(
        action=Action.REGRESS,
        reason=f"{reason} Going back to the easier variant of the exercise is an alternative.",
        dosage=dosage,
        code=code,
        therapist_review=review,
        rest_days=rest_days,
    )


def _after_within(
    rule: PainRule,
    logs: list[SessionPain],
    checks: list[PainCheck],
    current: Dosage,
    rule_text: str,
    protocol: ProtocolSteps | None = None,
    protocol_week: int | None = None,
) -> Suggestion:
    recent, recent_checks = logs[-SESSIONS_TO_PROGRESS:], checks[-SESSIONS_TO_PROGRESS:]
    streak = len(recent_checks) == SESSIONS_TO_PROGRESS and all(
        c.verdict is Verdict.WITHIN for c in recent_checks
    )
    if not streak:
        code = "not_enough_data" if len(logs) < SESSIONS_TO_PROGRESS else "building_streak"
        return _hold(
            current,
            code,
            f"{rule_text} The last session met it; {SESSIONS_TO_PROGRESS} sessions in a row "
            "are needed before adding more.",
        )
    if any(log.difficulty is Difficulty.HARD or not log.completed for log in recent):
        return _hold(
            current,
            "too_hard",
            f"{rule_text} The last {SESSIONS_TO_PROGRESS} sessions met it ({_scores(recent)}), "
            "but one felt hard or was not finished: keep the same dose until it feels "
            "manageable.",
        )
    if (
        protocol is not None
        and protocol.load_when_pain_free
        and any(log.pain_during for log in recent)
    ):
        return _hold(
            current,
            "protocol_pain_expected",
            f"{rule_text} The last {SESSIONS_TO_PROGRESS} sessions met it ({_scores(recent)}). "
            f"In {protocol.name} some pain during the exercise is expected; the load goes up "
            "once the exercise no longer hurts, so keep the same dose.",
        )
    if protocol is not None:
        dosage, change = protocol.progress(current, week=protocol_week)
        if dosage == current:
            return _hold(
                current,
                "protocol_schedule",
                f"{rule_text} The last {SESSIONS_TO_PROGRESS} sessions met it "
                f"({_scores(recent)}), but {change}.",
            )
    else:
        dosage, change = _progress(rule.tissue, current)
    return Suggestion(
        action=Action.PROGRESS,
        reason=(
            f"{rule_text} The last {SESSIONS_TO_PROGRESS} sessions met it ({_scores(recent)}) "
            f"and did not feel hard, so {change}."
        ),
        dosage=dosage,
        code="progress",
    )


Step = Callable[[Dosage], tuple[Dosage, str] | None]


def _more_often(d: Dosage) -> tuple[Dosage, str] | None:
    if d.times_per_week >= d.max_times_per_week:
        return None
    new = d.times_per_week + 1
    return replace(d, times_per_week=new), f"do it one more day a week ({d.times_per_week} → {new})"


def _more_reps(d: Dosage) -> tuple[Dosage, str] | None:
    if d.reps is None or d.reps >= d.max_reps:
        return None
    new = min(d.reps + REP_STEP, d.max_reps)
    return replace(d, reps=new), f"add {new - d.reps} reps per set ({d.reps} → {new})"


def _longer_holds(d: Dosage) -> tuple[Dosage, str] | None:
    if d.hold_seconds is None or d.hold_seconds >= d.max_hold_seconds:
        return None
    new = min(d.hold_seconds + HOLD_STEP_SECONDS, d.max_hold_seconds)
    return replace(d, hold_seconds=new), f"hold each rep longer ({d.hold_seconds} s → {new} s)"


def _more_sets(d: Dosage) -> tuple[Dosage, str] | None:
    if d.sets >= d.max_sets:
        return None
    return replace(d, sets=d.sets + 1), f"add a set ({d.sets} → {d.sets + 1})"


def more_load(d: Dosage) -> tuple[Dosage, str]:
    """About 10% more load (a first light weight when there is none), with the words for it."""
    if d.load_kg == 0:
        new = FIRST_LOAD_KG
        text = f"add a light weight of about {new:g} kg (a dumbbell or a backpack with books)"
    else:
        # About 10%, in half-kilo steps, and never less than half a kilo.
        new = max(d.load_kg + 0.5, round(d.load_kg * (1 + LOAD_STEP) * 2) / 2)
        text = f"add about 10% load ({d.load_kg:g} kg → {new:g} kg)"
    return replace(d, load_kg=new), f"{text}, or move to the harder variant"


def _progress(tissue: Tissue, d: Dosage) -> tuple[Dosage, str]:
    """One step up: volume, then sets, then load; for bone, frequency comes first."""
    steps: tuple[Step, ...] = (_more_reps, _longer_holds, _more_sets)
    if tissue is Tissue.BONE:
        steps = (_more_often, *steps)
    for step in steps:
        result = step(d)
        if result is not None:
            return result
    return more_load(d)


def _reduce(
    d: Dosage, fraction: float, protocol: ProtocolSteps | None = None
) -> tuple[Dosage, str]:
    """Cut the dose by ``fraction``: the protocol's way, else the volume of each set."""
    if protocol is not None:
        return protocol.reduce(d, fraction)
    return reduce_volume(d, fraction)


def reduce_volume(d: Dosage, fraction: float) -> tuple[Dosage, str]:
    """Cut the volume of each set by ``fraction`` (reps and hold time), keeping load and sets."""
    percent = round(fraction * 100)
    if d.reps is not None and d.reps > 1:
        new = max(1, int(d.reps * (1 - fraction) + 0.5))
        return replace(d, reps=new), f"cut reps by about {percent}% ({d.reps} → {new})"
    if d.hold_seconds is not None and d.hold_seconds > 1:
        new = max(1, int(d.hold_seconds * (1 - fraction) + 0.5))
        text = f"cut hold time by about {percent}% ({d.hold_seconds} s → {new} s)"
        return replace(d, hold_seconds=new), text
    if d.sets > 1:
        new = max(1, int(d.sets * (1 - fraction) + 0.5))
        return replace(d, sets=new), f"cut the sets by about {percent}% ({d.sets} → {new})"
    return d, "keep the smallest dose"
