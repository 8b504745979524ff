"""Staff units: km kept, miles and mph shown and typed, the km ranges kept after rounding."""

from decimal import Decimal

import pytest

from dangpt import clinical_ranges
from dangpt.staff_units import MilesField, km, miles, miles_bound, miles_text, speed_text

KEYS = [
    ("running_profile.weekly_km", False),
    ("running_profile.longest_run_km_30d", False),
    ("running_profile.shoes_km", False),
    ("gait.speed_kmh", True),
    ("gait.shoe_km", False),
]


def test_texts_show_miles_first():
    assert miles_text(Decimal("42.0")) == "26.1 mi"
    assert miles_text(500, whole=True) == "311 mi"
    assert miles_text(None) == "—"
    assert speed_text(Decimal("10.0")) == "6.2 mph (10.0 km/h)"


@pytest.mark.parametrize(
    ("key", "per_hour", "message"),
    [
        ("running_profile.weekly_km", False, "Weekly distance must be between 0 miles and 310.7 miles."),  # noqa: E501
        ("running_profile.shoes_km", False, "Distance on current shoes must be between 0 miles and 3,107 miles."),  # noqa: E501
        ("gait.speed_kmh", True, "Speed must be between 0.1 mph and 24.8 mph."),
    ],
)  # fmt: skip
def test_range_messages_are_in_miles(key, per_hour, message):
    assert miles_bound(key, per_hour=per_hour).range_message == message


@pytest.mark.parametrize(("key", "per_hour"), KEYS)
def test_the_miles_limits_store_inside_the_km_range_and_one_step_more_does_not(key, per_hour):
    """The limits in the message are the widest the km range allows, after rounding."""
    spec = clinical_ranges.bound(key)
    limits = miles_bound(key, per_hour=per_hour)
    step = Decimal(1) if spec.whole else Decimal("0.1")
    low, high = Decimal(str(limits.low)), Decimal(str(limits.high))
    assert spec.problem(km(low, whole=spec.whole)) is None
    assert spec.problem(km(high, whole=spec.whole)) is None
    assert spec.problem(km(high + step, whole=spec.whole)) is not None
    field = MilesField(key, per_hour=per_hour, required=False)
    with pytest.raises(Exception, match="must be between"):
        field.clean(str(high + step))
    with pytest.raises(Exception, match="must be between"):
        field.clean("-1")


@pytest.mark.parametrize(("key", "per_hour"), KEYS)
def test_every_value_typed_round_trips(key, per_hour):
    """Miles typed → km stored → the same miles shown, over the whole range."""
    spec = clinical_ranges.bound(key)
    limits = miles_bound(key, per_hour=per_hour)
    step = Decimal(1) if spec.whole else Decimal("0.1")
    value, high = Decimal(str(limits.low)), Decimal(str(limits.high))
    while value <= high:
        stored = MilesField(key, per_hour=per_hour).clean(str(value))
        assert spec.problem(stored) is None
        assert miles(stored, whole=spec.whole) == value
        # Opened again and saved unchanged: the stored value is kept as it was.
        assert MilesField(key, per_hour=per_hour, initial_km=stored).clean(str(value)) == stored
        value += step * (37 if spec.whole else 7)


def test_a_stored_value_at_the_top_of_the_km_range_can_be_saved_unchanged():
    """40 km/h (from the API) reads 24.9 mph; saved as it is, it stays 40 km/h."""
    field = MilesField("gait.speed_kmh", per_hour=True, initial_km=Decimal("40.0"))
    assert field.initial == Decimal("24.9")
    assert field.clean("24.9") == Decimal("40.0")


def test_bad_input_has_plain_messages():
    weekly = MilesField("running_profile.weekly_km", required=False)
    with pytest.raises(Exception, match="Weekly distance must be a number"):
        weekly.clean("2.5x")
    with pytest.raises(Exception, match="one decimal place"):
        weekly.clean("2.55")
    shoes = MilesField("running_profile.shoes_km", required=False)
    with pytest.raises(Exception, match="must be a whole number"):
        shoes.clean("300.5")
    assert shoes.clean("300") == 483
