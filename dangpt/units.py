"""Distances and paces in a runner's unit: miles or kilometres, with one rule for decimals.

No Django here, so every app (and the rules) can use it and it is easy to test. The database and
the API keep kilometres; only what a person reads or types is in their unit.

Formatting rule: distances always to one decimal ("4.0 mi", "6.5 km"), paces as minutes and
seconds per unit ("9:39 /mi"). Numbers use a decimal point in English and in Spanish alike: the
clinic's Spanish is that of Los Angeles, and Spanish in the US and Mexico writes "6.5", not "6,5"
(a comma there reads as a thousands separator).
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

MILES = "mi"
KILOMETRES = "km"
UNITS = (MILES, KILOMETRES)
# The international mile: exactly 1.609344 km.
KM_PER_MILE = Decimal("1.609344")


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"Unknown distance unit {unit!r}; expected 'mi' or 'km'.")


def _number(value, name: str) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{name} must be a number, not {value!r}.")
    number = Decimal(str(value))
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a finite number of 0 or more, not {value!r}.")
    return number


def km_to_miles(km) -> Decimal:
    """Kilometres as miles (exact division, not rounded)."""
    return _number(km, "km") / KM_PER_MILE


def miles_to_km(miles) -> Decimal:
    """Miles as kilometres (exact)."""
    return _number(miles, "miles") * KM_PER_MILE


def to_km(value, unit: str) -> Decimal:
    """A distance given in ``unit`` as kilometres."""
    _check_unit(unit)
    return miles_to_km(value) if unit == MILES else _number(value, "km")


def from_km(km, unit: str) -> Decimal:
    """A distance in kilometres as ``unit``."""
    _check_unit(unit)
    return km_to_miles(km) if unit == MILES else _number(km, "km")


def one_decimal(value) -> str:
    """A number to one decimal, halves rounded up: 4 → "4.0", 6.45 → "6.5"."""
    return str(_number(value, "value").quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def distance_text(km, unit: str) -> str:
    """A distance stored in kilometres, written in ``unit`` to one decimal: "4.0 mi"."""
    return f"{one_decimal(from_km(km, unit))} {unit}"


def pace_seconds(km, minutes, unit: str) -> int | None:
    """Seconds per mile or kilometre of a run, rounded; None when the distance is 0."""
    distance = from_km(km, unit)
    duration = _number(minutes, "minutes")
    if distance == 0:
        return None
    return int((duration * 60 / distance).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def pace_text(km, minutes, unit: str) -> str:
    """The pace as "9:39 /mi" (minutes:seconds per unit); "–" when it cannot be worked out."""
    seconds = pace_seconds(km, minutes, unit)
    if seconds is None:
        return "–"
    return f"{seconds // 60}:{seconds % 60:02d} /{unit}"


def ratio_text(ratio: float) -> str:
    """A load ratio to one decimal for people: 2.62 → "2.6"."""
    if ratio is None or not math.isfinite(ratio):
        raise ValueError(f"ratio must be a finite number, not {ratio!r}.")
    return one_decimal(ratio)
