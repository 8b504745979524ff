"""Staff pages in US units: distances kept in kilometres are shown and typed in miles, speeds
kept in km/h in mph.

Storage, the API, FHIR, CSV and the JSON record keep kilometres (DESIGN's kilometre contract);
only what staff read and type changes. The conversions are dangpt.units'; the ranges are
dangpt.clinical_ranges', checked on the kilometres that will be stored, with the limits written
in miles. Precision follows the stored column: one decimal (a tenth of a mile, a tenth of a km)
or whole numbers (shoe mileage), and a value that is saved and opened again shows the same.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError

from dangpt import units
from dangpt.clinical_ranges import RANGES, Bound

TENTH, WHOLE = Decimal("0.1"), Decimal(1)
MILES_WORD, MPH = " miles", " mph"


def _step(whole: bool) -> Decimal:
    return WHOLE if whole else TENTH


def miles(km, *, whole: bool = False) -> Decimal | None:
    """Kilometres (or km/h) as miles (or mph), to a tenth or a whole; None stays None."""
    if km is None or km == "":
        return None
    return units.km_to_miles(km).quantize(_step(whole), rounding=ROUND_HALF_UP)


def km(miles_value, *, whole: bool = False) -> Decimal | None:
    """Miles (or mph) as kilometres (or km/h) to the stored precision; None stays None."""
    if miles_value is None or miles_value == "":
        return None
    return units.miles_to_km(miles_value).quantize(_step(whole), rounding=ROUND_HALF_UP)


def miles_text(km_value, *, whole: bool = False) -> str:
    """A stored distance as staff read it: "26.1 mi" ("311 mi" when whole); "—" when empty."""
    if km_value is None or km_value == "":
        return "—"
    if whole:
        return f"{int(miles(km_value, whole=True)):,} mi"
    return units.distance_text(km_value, units.MILES)


def speed_text(kmh) -> str:
    """A stored speed, mph first: "6.2 mph (10.0 km/h)"; "—" when empty."""
    if kmh is None or kmh == "":
        return "—"
    return f"{units.one_decimal(units.km_to_miles(kmh))} mph ({units.one_decimal(kmh)} km/h)"


def miles_bound(key: str, *, per_hour: bool = False) -> Bound:
    """The range of a kilometre number written in miles (or mph), for messages and inputs.

    The limits are the widest miles, at the stored precision, whose stored kilometres still fit
    the kilometre range: 500 km a week is "310.7 miles" (310.7 mi is stored as 500.0 km), 40 km/h
    is "24.8 mph" (24.9 mph would be stored as 40.1 km/h)."""
    spec = RANGES[key]
    step = _step(spec.whole)

    def fits(value: Decimal) -> bool:
        return spec.problem(km(value, whole=spec.whole)) is None

    low = miles(spec.low, whole=spec.whole)
    while not fits(low):
        low += step
    high = None
    if spec.high is not None:
        high = miles(spec.high, whole=spec.whole)
        while not fits(high):
            high -= step
    unit = MPH if per_hour else MILES_WORD

    def plain(value: Decimal | None):  # the table's own kinds of number
        if value is None:
            return None
        return int(value) if spec.whole else float(value)

    return Bound(spec.label, plain(low), plain(high), unit, spec.whole)


class MilesField(forms.DecimalField):
    """A form field that takes miles (or mph) and cleans to the kilometres (or km/h) to store.

    ``key`` names the kilometre range in dangpt.clinical_ranges. ``initial_km`` is the stored
    value: it is shown in miles, and when the miles come back unchanged the stored kilometres
    are kept as they were (no drift from converting twice, and a value the API stored at the
    very top of the range can still be saved)."""

    def __init__(self, key: str, *, per_hour: bool = False, initial_km=None, **options):
        spec = RANGES[key]
        self.key, self.whole, self.initial_km = key, spec.whole, initial_km
        self.bound = miles_bound(key, per_hour=per_hour)
        options["initial"] = miles(initial_km, whole=self.whole)
        options.setdefault("decimal_places", 0 if self.whole else 1)
        super().__init__(**options)
        self.widget.attrs.update({"min": self.bound.low, "step": 1 if self.whole else "any"})
        if self.bound.high is not None:
            self.widget.attrs["max"] = self.bound.high
        if self.whole:
            not_a_number = too_precise = self.bound.whole_message
        else:
            not_a_number = f"{spec.label} must be a number."
            too_precise = f"{spec.label} takes one decimal place at most."
        self.error_messages.update(
            {
                "invalid": not_a_number,
                "max_decimal_places": too_precise,
                "max_digits": self.bound.range_message,
                "max_whole_digits": self.bound.range_message,
            }
        )

    def clean(self, value):
        given = super().clean(value)
        if given is None:
            return None
        if self.initial_km is not None and given == miles(self.initial_km, whole=self.whole):
            return self.initial_km
        if self.bound.problem(given):
            raise ValidationError(self.bound.range_message, code="out_of_range")
        stored = km(given, whole=self.whole)
        # The kilometre range is the rule; the miles limits are worked out to keep to it.
        problem = RANGES[self.key].problem(stored)
        if problem:
            raise ValidationError(self.bound.range_message, code="out_of_range")
        return int(stored) if self.whole else stored
