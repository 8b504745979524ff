"""Gait metrics: symmetry index, asymmetry flags, side-by-side comparison."""

from assessments.gait_metrics import asymmetry, compare, symmetry_index


def test_symmetry_index_worked_example():
    """(L - R) / mean x 100: 6° vs 2° is +100%; missing or zero sides give None."""
    assert symmetry_index(6, 2) == 100.0
    assert symmetry_index(2, 6) == -100.0
    assert symmetry_index(5, 5) == 0.0
    assert symmetry_index(None, 5) is None
    assert symmetry_index(0, 0) is None


def test_asymmetry_flags_large_differences_only():
    """Pelvic drop 6/2 is flagged for review; contact time 250/245 is not."""
    rows = asymmetry(
        {
            "pelvic_drop_left_deg": 6,
            "pelvic_drop_right_deg": 2,
            "contact_time_left_ms": 250,
            "contact_time_right_ms": 245,
        }
    )
    by_label = {row["label"]: row for row in rows}
    assert by_label["Pelvic drop (°)"]["flag"] is True
    assert by_label["Contact time (ms)"]["flag"] is False
    assert by_label["Contact time (ms)"]["index"] == 2.0


def test_compare_marks_changes_and_small_angle_noise():
    """Changed rows are marked; a 4° angle change is flagged as possible noise."""
    rows = {
        r["field"]: r
        for r in compare(
            {"cadence_spm": 160, "pelvic_drop_left_deg": 8, "foot_strike_left": "Rearfoot"},
            {"cadence_spm": 172, "pelvic_drop_left_deg": 4, "foot_strike_left": "Midfoot"},
        )
    }
    assert rows["cadence_spm"]["change"] == 12 and rows["cadence_spm"]["changed"]
    assert rows["pelvic_drop_left_deg"]["maybe_noise"] is True
    assert rows["foot_strike_left"]["changed"] is True
