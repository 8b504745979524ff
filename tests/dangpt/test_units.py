"""Miles and kilometres, paces and the one decimal rule (dangpt.units)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from dangpt import units


def test_one_mile_is_exactly_1_609344_km():
    """The international mile."""
    assert units.miles_to_km(1) == Decimal("1.609344")


@pytest.mark.parametrize("miles", ["0", "0.1", "3.1", "13.1", "26.2", "100"])
def test_round_trip_miles_km_miles(miles):
    """Miles to kilometres and back gives the same miles to the stored precision."""
    km = units.to_km(miles, "mi")
    assert units.from_km(km, "mi").quantize(Decimal("0.000001")) == Decimal(miles)


def test_round_trip_through_stored_two_decimal_km():
    """A distance typed in miles, stored as km to 2 decimals, reads back as the same mile figure."""
    stored = units.to_km("4", "mi").quantize(Decimal("0.01"))
    assert stored == Decimal("6.44")
    assert units.distance_text(stored, "mi") == "4.0 mi"


def test_kilometres_stay_kilometres():
    """In km nothing is converted."""
    assert units.to_km("6.5", "km") == Decimal("6.5")
    assert units.from_km("6.5", "km") == Decimal("6.5")


@pytest.mark.parametrize(
    ("km", "unit", "text"),
    [
        (7, "km", "7.0 km"),
        ("6.50", "km", "6.5 km"),
        ("6.45", "km", "6.5 km"),
        (0, "mi", "0.0 mi"),
        ("10", "mi", "6.2 mi"),
        ("42.195", "mi", "26.2 mi"),
    ],
)
def test_distances_always_have_one_decimal(km, unit, text):
    """One rule: "7.0 km" beside "6.5 km", never "7 km" beside "6.50 km"."""
    assert units.distance_text(km, unit) == text


@pytest.mark.parametrize(
    ("km", "minutes", "unit", "text"),
    [
        (10, 50, "km", "5:00 /km"),
        (10, 50, "mi", "8:03 /mi"),
        ("1.609344", 8, "mi", "8:00 /mi"),
        (5, "27.5", "km", "5:30 /km"),
        ("0.4", 2, "km", "5:00 /km"),
        (1, "0.1", "km", "0:06 /km"),
    ],
)
def test_pace_is_minutes_and_seconds_per_unit(km, minutes, unit, text):
    """Pace is duration over distance in the runner's unit, seconds always two digits."""
    assert units.pace_text(km, minutes, unit) == text


def test_pace_of_zero_distance_is_a_dash():
    """No distance, no pace (and no division by zero)."""
    assert units.pace_seconds(0, 30, "mi") is None
    assert units.pace_text(0, 30, "mi") == "–"


@pytest.mark.parametrize("bad", [-1, "nan", "inf", True, "abc"])
def test_bad_numbers_are_refused(bad):
    """Negative, non-finite, boolean or non-numeric distances raise ValueError (or decimal's)."""
    with pytest.raises((ValueError, ArithmeticError)):
        units.to_km(bad, "km")


def test_unknown_unit_is_refused():
    """Only 'mi' and 'km'."""
    with pytest.raises(ValueError, match="unit"):
        units.from_km(5, "yd")


def test_ratio_to_one_decimal():
    """2.62 reads as 2.6."""
    assert units.ratio_text(2.62) == "2.6"
    assert units.ratio_text(1.15) == "1.2"


def test_template_filters_use_the_given_unit():
    """The filters write distance and pace in the runner's unit."""

    class Run:
        distance_km = Decimal("16.09")
        duration_min = Decimal("80.0")

    html = Template("{% load units %}{{ km|distance:unit }} {{ run|pace:unit }}").render(
        Context({"km": Decimal("16.09"), "run": Run(), "unit": "mi"})
    )
    assert html == "10.0 mi 8:00 /mi"
