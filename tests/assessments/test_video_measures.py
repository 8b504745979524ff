"""Angle and cadence math of video measurements (the server's own recomputation)."""

import pytest

from assessments.video_measures import (
    KINDS,
    MeasureError,
    angle_at,
    cadence,
    gait_field,
    measure_angle,
    tilt,
)


def test_angle_at_right_angle_and_straight_line():
    """A square corner is 90°, a straight line 180°, whichever way round."""
    assert angle_at((0, 0), (10, 0), (10, 10)) == pytest.approx(90)
    assert angle_at((10, 10), (10, 0), (0, 0)) == pytest.approx(90)
    assert angle_at((0, 0), (0, 10), (0, 20)) == pytest.approx(180)


def test_knee_valgus_is_deviation_from_a_straight_leg():
    """Hip above knee above ankle reads 0°; a knee 10 px inward over 100 px reads about 11.4°."""
    assert measure_angle("knee_valgus", [(100, 0), (100, 100), (100, 200)]) == 0.0
    # hip (100,0), knee (110,100), ankle (100,200): each segment 5.71° off, 11.4° in all.
    assert measure_angle("knee_valgus", [(100, 0), (110, 100), (100, 200)]) == 11.4


def test_tilts_against_the_frame():
    """A 30° line reads 30° from the horizontal and 60° from the vertical; direction is ignored."""
    p, q = (0, 0), (173.205, 100)
    assert tilt(p, q, reference="horizontal") == pytest.approx(30, abs=0.01)
    assert tilt(q, p, reference="vertical") == pytest.approx(60, abs=0.01)
    assert measure_angle("pelvic_drop", [(200, 300), (300, 307)]) == 4.0
    assert measure_angle("trunk_lean_forward", [(100, 400), (120, 200)]) == 5.7
    assert measure_angle("shank_angle", [(100, 100), (100, 200)]) == 0.0


def test_wrong_number_of_points_or_same_point_is_refused():
    """Each kind needs its own count of distinct points; the message says which."""
    with pytest.raises(MeasureError, match="Mark 3 points"):
        measure_angle("knee_valgus", [(0, 0), (1, 1)])
    with pytest.raises(MeasureError, match="on top of each other"):
        measure_angle("knee_valgus", [(5, 5), (5, 5), (9, 9)])
    with pytest.raises(MeasureError, match="on top of each other"):
        measure_angle("trunk_lean_lateral", [(5, 5), (5, 5)])
    with pytest.raises(MeasureError):
        measure_angle("cadence", [])


def test_cadence_from_taps():
    """Five contacts 1/3 s apart: four steps in 4/3 s = 180 steps/min, in any tap order."""
    assert cadence([0.0, 1 / 3, 2 / 3, 1.0, 4 / 3]) == 180.0
    assert cadence([1.0, 0.0, 4 / 3, 1 / 3, 2 / 3]) == 180.0


def test_cadence_needs_four_distinct_plausible_taps():
    """Fewer than four taps, a doubled tap, or one foot only (half cadence) is refused."""
    with pytest.raises(MeasureError, match="at least 4"):
        cadence([0, 0.3, 0.6])
    with pytest.raises(MeasureError, match="same time"):
        cadence([0, 0.3, 0.3, 0.6])
    with pytest.raises(MeasureError, match="90 steps/min"):
        cadence([0, 2 / 3, 4 / 3, 2.0])


def test_every_kind_maps_to_a_gait_field():
    """Sided kinds fill the field of their stance side; the rest one field each."""
    assert gait_field("knee_valgus", "left") == "knee_valgus_left_deg"
    assert gait_field("pelvic_drop", "right") == "pelvic_drop_right_deg"
    assert gait_field("cadence") == "cadence_spm"
    from assessments.models import GAIT_FIELDS

    for code, kind in KINDS.items():
        for side in ("left", "right") if kind.sided else ("",):
            assert gait_field(code, side) in GAIT_FIELDS
