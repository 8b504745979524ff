"""Scoring of PROM answers and classification of change against the MDC and the MCID.

Answers are ``{"item_id": value}`` where ``value`` is one of the item's option values, with the
same JSON type (``4``, not ``"4"`` or ``4.0``; ``true``/``false`` are never values). ``None``
(JSON ``null``) means the item was left blank, the same as leaving the key out.

How partially answered forms behave:

- ``sum`` instruments (NPRS, LEFS, AKPS, VISA-A) need every item. LEFS has no published rule for
  prorating missing items (clinical.md §5.2), so any gap gives ``score: null``. VISA-A needs
  Q1-Q7 and exactly one of Q8A/Q8B/Q8C; answering two branches is an error, none is a gap.
- ``percent_of_answered`` instruments (FAAM ADL, FAAM Sports) score
  ``points / (scored items x 4) x 100``, rounded half up to 0.1. "N/A" answers and blank items
  are left out of both numerator and denominator. A score needs at least ``min_scored`` scored
  items (19 of 21 ADL, 7 of 8 Sports); below that, ``score: null``.
- ``complete`` is true only when every item has an answer (N/A counts as an answer) and a score
  was computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from .errors import InvalidAnswers
from .registry import Instrument, Item, Option, get_instrument

_TYPE_NAMES = {int: "an integer", str: "a string"}


def score(code: str, answers: dict[str, Any]) -> dict[str, Any]:
    """Score one administration: ``{"instrument", "score", "max", "subscales", "complete"}``."""
    instrument = get_instrument(code)
    chosen = validate_answers(instrument, answers)
    missing = _missing_items(instrument, chosen)
    if instrument.scoring.method == "sum":
        value = None if missing else sum(option.points or 0 for option in chosen.values())
    else:
        value = _percent_of_answered(instrument, chosen)
    return {
        "instrument": instrument.code,
        "score": value,
        "max": instrument.max,
        "subscales": {},
        "complete": not missing and value is not None,
    }


def validate_answers(instrument: Instrument, answers: Any) -> dict[str, Option]:
    """Map each answered item id to its chosen option; InvalidAnswers lists every bad item."""
    if not isinstance(answers, dict):
        raise InvalidAnswers({"answers": ["must be an object mapping item ids to answers"]})
    errors: dict[str, list[str]] = {}
    chosen: dict[str, Option] = {}
    for key, value in answers.items():
        item = instrument.item(key) if isinstance(key, str) else None
        if item is None:
            errors[str(key)] = [f"unknown item for {instrument.code}"]
        elif value is not None:
            option, message = _match_option(item, value)
            if option is None:
                errors[key] = [message]
            else:
                chosen[key] = option
    for group in instrument.branches().values():
        answered = [item.id for item in group if item.id in chosen]
        if len(answered) > 1:
            names = ", ".join(item.id for item in group)
            for item_id in answered:
                errors.setdefault(item_id, []).append(f"answer only one of {names}")
    if errors:
        raise InvalidAnswers(errors)
    return chosen


def _match_option(item: Item, value: Any) -> tuple[Option | None, str]:
    allowed_types = sorted({type(o.value) for o in item.options}, key=lambda t: t.__name__)
    if isinstance(value, bool) or type(value) not in allowed_types:
        expected = " or ".join(_TYPE_NAMES[t] for t in allowed_types)
        return None, f"wrong type: expected {expected}, got {type(value).__name__}"
    for option in item.options:
        if option.value == value:
            return option, ""
    choices = ", ".join(repr(o.value) for o in item.options)
    return None, f"{value!r} is not an allowed answer; choose one of {choices}"


def _missing_items(instrument: Instrument, chosen: dict[str, Option]) -> list[str]:
    """Items (or branch groups) without an answer."""
    missing = [item.id for item in instrument.items if not item.branch and item.id not in chosen]
    for name, group in instrument.branches().items():
        if not any(item.id in chosen for item in group):
            missing.append(name)
    return missing


def _percent_of_answered(instrument: Instrument, chosen: dict[str, Option]) -> float | None:
    scored = [(item_id, o.points) for item_id, o in chosen.items() if o.points is not None]
    if not scored or len(scored) < (instrument.scoring.min_scored or 1):
        return None
    possible = sum(instrument.item(item_id).max_points for item_id, _ in scored)
    earned = sum(points for _, points in scored)
    return _round_half_up(Fraction(100 * earned, possible), instrument.scoring.decimals)


def _round_half_up(value: Fraction, decimals: int) -> float:
    """Round exactly, halves up (6.25 -> 6.3), unlike round() on a binary float."""
    scale = 10**decimals
    return math.floor(value * scale + Fraction(1, 2)) / scale


# Floating-point scores (FAAM percentages): 90.5 - 82.5 must count as 8.0.
_TOLERANCE = 1e-9


@dataclass(frozen=True)
class ChangeClass:
    """How a change compares with the measure's error (MDC) and importance (MCID) thresholds."""

    code: str
    text: str
    mdc: float | None
    mcid: float | None


def mcid_at(instrument: Instrument, weeks: float | None) -> float | None:
    """The MCID that applies to a change over ``weeks``; None when none was validated for it.

    An MCID with ``intervals`` (VISA-A: 14 points at 12 and at 24 weeks, Lagas 2021) applies
    only within ``interval_tolerance_weeks`` of an interval its source validated.
    """
    intervals = instrument.mcid.get("intervals")
    if not intervals:
        return instrument.mcid["value"]
    if weeks is None:
        return None
    tolerance = instrument.mcid.get("interval_tolerance_weeks", 0)
    for interval in intervals:
        if abs(weeks - interval["weeks"]) <= tolerance + _TOLERANCE:
            return interval["value"]
    return None


def describe_change(
    code: str, baseline: float, latest: float, *, weeks: float | None = None
) -> ChangeClass:
    """Classify a change from baseline against the MDC and the MCID, in the therapist's words.

    - smaller than the MDC: within measurement error;
    - at least the MDC, smaller than the MCID: better (or worse) beyond measurement error, below
      the clinically important threshold;
    - at least both (so when the MCID is below the MDC, only past the MDC): improved (or worse).

    A change exactly at a threshold reaches it. When the MDC is not known only the MCID is
    applied, and the words say so; when no MCID applies at this interval (``mcid_at``), only the
    MDC is. ``weeks`` is the time between the two scores.
    """
    instrument = get_instrument(code)
    errors = {}
    for name, value in (("baseline", baseline), ("latest", latest)):
        problem = _score_problem(instrument, value)
        if problem:
            errors[name] = [problem]
    if errors:
        raise InvalidAnswers(errors)
    change = latest - baseline
    if instrument.direction == "lower_better":
        change = -change
    mdc = instrument.mdc["value"] if instrument.mdc else None
    mcid = mcid_at(instrument, weeks)
    side = "better" if change > 0 else "worse"
    size = abs(change) + _TOLERANCE
    if mdc is not None and size < mdc:
        return ChangeClass("within_error", "Within measurement error", mdc, mcid)
    if mcid is None:
        if mdc is None:
            return ChangeClass("no_threshold", _NO_THRESHOLD, mdc, mcid)
        text = f"{side.capitalize()} beyond measurement error; {_NO_MCID_HERE}"
        return ChangeClass(f"{side}_no_mcid", text, mdc, mcid)
    if size < mcid:
        if mdc is None:
            return ChangeClass("below_mcid", _BELOW_MCID_NO_MDC, mdc, mcid)
        text = f"{side.capitalize()} beyond measurement error, {_BELOW_MCID}"
        return ChangeClass(f"{side}_below_mcid", text, mdc, mcid)
    label = "improved" if side == "better" else "worse"
    word = "Improved" if side == "better" else "Worse"
    if mdc is None:
        text = (
            f"{word} beyond the clinically important threshold; measurement error not established"
        )
    else:
        text = f"{word} beyond measurement error and the clinically important threshold"
    return ChangeClass(label, text, mdc, mcid)


_BELOW_MCID = "below the clinically important threshold"
_NO_THRESHOLD = (
    "No validated threshold for a change over this interval; measurement error not established"
)
_NO_MCID_HERE = "no clinically important threshold validated over this interval"
_BELOW_MCID_NO_MDC = "Below the clinically important threshold; measurement error not established"


def classify_change(
    code: str, baseline: float, latest: float, *, weeks: float | None = None
) -> str:
    """The code of ``describe_change``: ``improved``, ``worse``, ``within_error``,
    ``better_below_mcid``, ``worse_below_mcid``, ``below_mcid``, ``better_no_mcid``,
    ``worse_no_mcid`` or ``no_threshold``."""
    return describe_change(code, baseline, latest, weeks=weeks).code


def _score_problem(instrument: Instrument, value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "must be a number"
    if not math.isfinite(value) or not 0 <= value <= instrument.max:
        return f"must be between 0 and {instrument.max}"
    return None
