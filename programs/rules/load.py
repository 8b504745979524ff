"""Training-load checks on logged runs (reference/clinical.md §7.1, Frandsen 2025).

The single-run spike check compares a run with the longest run of the previous 30 days. In 5,205
runners, runs more than 10% longer than that went with more injuries: >10–30% "small", >30–100%
"moderate", >100% "large". The weekly "10% rule" and the acute:chronic ratio are not used as risk
scores; ``weekly_volume`` gives the raw weekly distance for a chart instead.

Two gaps of a log-only check are closed (clinical.md §7.1, app rule 1):

- A run with no run in the previous 30 days has no reference: in Frandsen's terms every distance is
  a spike from nothing. It gets a "first run back" warning that points to a graded walk-run return
  (§7.5) instead of silence.
- The longest run the runner reported at intake (the running profile's "longest run in the last
  30 days") is the pre-injury long run of a runner who may have stopped weeks before registering,
  so it never stands in for runs actually logged: Frandsen's reference is runs logged in the
  previous 30 days. A run with no logged run in its window is always a first run back (the intake
  figure may be named as context); once runs are logged in the window, the intake figure, dated on
  the intake day [D: the latest day it can describe], is a spike reference only for runs up to 30
  days after the intake, and only when it is longer than the logged ones.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW_DAYS = 30
SPIKE_RATIO = 1.10
FIRST_RUN_BACK = "first_run_back"
# Upper edges of the bands, inclusive: a run exactly 30% longer is "small", exactly 100% "moderate".
BANDS: tuple[tuple[str, float], ...] = (("small", 1.30), ("moderate", 2.00), ("large", math.inf))
# Division of decimal distances can land a hair above an edge (e.g. 1.1000000000000001).
_EDGE_PRECISION = 9


def _check_distance(name: str, km: float) -> None:
    if isinstance(km, bool) or not isinstance(km, int | float) or not math.isfinite(km) or km < 0:
        raise ValueError(f"{name} must be a finite distance of 0 km or more, not {km!r}.")


def longest_recent_run(*, previous_runs: Iterable[tuple[date, float]], run_date: date) -> float:
    """The longest distance run in the 30 days before ``run_date`` (0.0 when there is none).

    The window is ``run_date - 30 days`` to ``run_date - 1 day``, both inclusive: 30 whole days.
    Runs on ``run_date`` itself are left out (so a run never compares with itself or with a
    second run that day, whose order the dates cannot tell), and so are runs after it.
    """
    start = run_date - timedelta(days=WINDOW_DAYS)
    longest = 0.0
    for day, km in previous_runs:
        _check_distance("A previous run's distance", km)
        if start <= day < run_date:
            longest = max(longest, float(km))
    return longest


@dataclass(frozen=True, kw_only=True)
class IntakeLongestRun:
    """The longest run of the 30 days before the intake, as the runner reported it."""

    reported_on: date
    km: float


def _intake_reference(intake: IntakeLongestRun | None, run_date: date) -> float:
    """The intake's longest run when it falls in the run's window (0.0 otherwise)."""
    if intake is None:
        return 0.0
    _check_distance("The intake's longest run", intake.km)
    in_window = run_date - timedelta(days=WINDOW_DAYS) <= intake.reported_on <= run_date
    return float(intake.km) if in_window else 0.0


def spike_warning(
    *,
    run_km: float,
    previous_runs: list[tuple[date, float]],
    run_date: date,
    intake: IntakeLongestRun | None = None,
) -> dict | None:
    """A warning when the run is more than 10% longer than the longest of the previous 30 days.

    The reference is the longest logged run of the window (see ``longest_recent_run``), or the
    intake's longest run when that is longer and still in the window; the intake figure is never
    a reference when no run is logged in the window (see the module docstring).
    Returns None when the run is at most 10% longer (exactly 10% is not a warning). Otherwise
    ``{"level": "small" | "moderate" | "large", "ratio": 1.42, "message": "…"}`` with the ratio
    rounded to 2 decimals; with no logged run in the previous 30 days (whatever the intake figure)
    ``{"level": "first_run_back", "ratio": None, "message": "…"}``.
    ValueError for a negative or non-finite distance.
    """
    _check_distance("run_km", run_km)
    logged = longest_recent_run(previous_runs=previous_runs, run_date=run_date)
    reported = _intake_reference(intake, run_date)
    if logged <= 0:
        message = _first_run_back_message(reported)
        return {"level": FIRST_RUN_BACK, "ratio": None, "message": message}
    longest = max(logged, reported)
    ratio = round(run_km / longest, _EDGE_PRECISION)
    if ratio <= SPIKE_RATIO:
        return None
    level = next(name for name, upper in BANDS if ratio <= upper)
    return {
        "level": level,
        "ratio": round(ratio, 2),
        "message": _message(
            level=level, run_km=run_km, longest=longest, ratio=ratio, from_intake=reported > logged
        ),
    }


def _first_run_back_message(intake_km: float = 0.0) -> str:
    context = (
        f" The longest run you reported when you registered ({_km(intake_km)}) describes your "
        "running before the break, not what your legs are ready for now."
        if intake_km > 0
        else ""
    )
    return (
        "No run is logged in the 30 days before this one, so it counts as a first run back after "
        "a break, when the legs have lost some of their tolerance for running."
        f"{context} Build up "
        "gradually: a walk-run plan (short runs with walking breaks, every other day) is the "
        "usual way back, rather than going straight back to your old distance. If your "
        "therapist gave you a walk-run "
        "plan, keep to it, and tell your therapist if anything hurts the next morning."
    )


def _km(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") + " km"


def _percent(ratio: float) -> str:
    percent = (ratio - 1) * 100
    # One decimal near the threshold so that "10% longer" never appears on a warning.
    return f"{percent:.1f}%" if percent < 11 else f"{percent:.0f}%"


# One piece of advice for both bands under double: the study found more injuries past 10%, not
# a safe zone within 10–30% (Frandsen 2025).
_WITHIN_10 = "Keep your next runs within about 10% of your longest run of the last 30 days."
_ADVICE = {
    "small": _WITHIN_10,
    "moderate": _WITHIN_10,
    "large": "It is more than double: go back to your usual distance for the next runs, build up "
    "in small steps, and tell your therapist if anything hurts the next morning.",
}


# How the stored message names the intake figure when it is the reference (``from_intake``).
INTAKE_REFERENCE = "the longest run you reported when you registered with the clinic"


def from_intake(warning: dict) -> bool:
    """Whether a stored spike warning compared the run with the intake's longest run."""
    return INTAKE_REFERENCE in (warning.get("message") or "")


def _message(*, level: str, run_km: float, longest: float, ratio: float, from_intake: bool) -> str:
    reference = INTAKE_REFERENCE if from_intake else "your longest run of the previous 30 days"
    comparison = (
        f"This run ({_km(run_km)}) is {_percent(ratio)} longer than {reference} ({_km(longest)})."
    )
    evidence = (
        "In a large study of runners, single runs more than 10% longer than the recent longest "
        "went with more injuries."
    )
    target = f"Runs up to about {_km(longest * SPIKE_RATIO)} stay within that 10%."
    return f"{comparison} {evidence} {_ADVICE[level]} {target}"


@dataclass(frozen=True, kw_only=True)
class WeekVolume:
    """Distance run in one week (Monday to Sunday), for a chart."""

    week_start: date
    distance_km: float
    runs: int


def weekly_volume(
    runs: Iterable[tuple[date, float]], *, weeks: int = 8, today: date
) -> list[WeekVolume]:
    """Total distance and number of runs per week for the last ``weeks`` weeks, oldest first.

    Weeks run Monday to Sunday; the last one is the week containing ``today`` (runs after
    ``today`` are left out). Weeks without runs are present with 0 km.
    """
    if weeks < 1:
        raise ValueError("weeks must be at least 1.")
    this_monday = today - timedelta(days=today.weekday())
    first_monday = this_monday - timedelta(weeks=weeks - 1)
    totals = [0.0] * weeks
    counts = [0] * weeks
    for day, km in runs:
        _check_distance("A run's distance", km)
        if first_monday <= day <= today:
            index = (day - first_monday).days // 7
            totals[index] += km
            counts[index] += 1
    return [
        WeekVolume(
            week_start=first_monday + timedelta(weeks=i),
            distance_km=round(totals[i], 2),
            runs=counts[i],
        )
        for i in range(weeks)
    ]
