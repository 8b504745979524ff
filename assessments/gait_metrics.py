"""Side-by-side comparison of two gait analyses, and left/right asymmetry (clinical.md §8.2)."""

from decimal import Decimal

#: Measured fields compared between sessions: (field, label, noise threshold or None).
#: 2D angles vary 9-14° between days (Damsted 2015), so changes under 10° may be noise.
NUMERIC = (
    # Staff read speeds in mph (kept in km/h; gait_values adds the mph).
    ("speed_mph", "Speed (mph)", None),
    ("cadence_spm", "Cadence (steps/min)", None),
    ("overstride_cm", "Overstride (cm)", None),
    ("shank_angle_deg", "Shank angle at contact (°)", 10),
    ("pelvic_drop_left_deg", "Pelvic drop, left stance (°)", 10),
    ("pelvic_drop_right_deg", "Pelvic drop, right stance (°)", 10),
    ("hip_adduction_left_deg", "Hip adduction, left (°)", 10),
    ("hip_adduction_right_deg", "Hip adduction, right (°)", 10),
    ("knee_valgus_left_deg", "Knee valgus, left (°)", 10),
    ("knee_valgus_right_deg", "Knee valgus, right (°)", 10),
    ("trunk_lean_forward_deg", "Trunk lean forward (°)", 10),
    ("trunk_lean_lateral_deg", "Trunk lean lateral (°)", 10),
    ("step_width_cm", "Step width (cm)", None),
    ("vertical_oscillation_cm", "Vertical oscillation (cm)", None),
    ("contact_time_left_ms", "Contact time, left (ms)", None),
    ("contact_time_right_ms", "Contact time, right (ms)", None),
)

CATEGORICAL = (
    ("surface", "Surface"),
    ("foot_strike_left", "Foot strike, left"),
    ("foot_strike_right", "Foot strike, right"),
    ("step_width", "Step width"),
    ("arm_swing", "Arm swing"),
    ("shoes", "Shoes"),
)

#: Paired left/right fields: (label, left field, right field).
PAIRS = (
    ("Pelvic drop (°)", "pelvic_drop_left_deg", "pelvic_drop_right_deg"),
    ("Hip adduction (°)", "hip_adduction_left_deg", "hip_adduction_right_deg"),
    ("Knee valgus (°)", "knee_valgus_left_deg", "knee_valgus_right_deg"),
    ("Contact time (ms)", "contact_time_left_ms", "contact_time_right_ms"),
)

#: No validated threshold exists (clinical.md §8.2); a large index is flagged for review.
ASYMMETRY_FLAG_PCT = 15


def symmetry_index(left, right) -> float | None:
    """(L - R) / ((L + R) / 2) x 100, one decimal; None when a side is missing or both are 0."""
    if left is None or right is None:
        return None
    left, right = Decimal(left), Decimal(right)
    mean = (left + right) / 2
    if mean == 0:
        return None
    return round(float((left - right) / mean * 100), 1)


def asymmetry(values: dict) -> list[dict]:
    """Left/right values of each paired field with the symmetry index and a review flag."""
    rows = []
    for label, left_field, right_field in PAIRS:
        left, right = values.get(left_field), values.get(right_field)
        index = symmetry_index(left, right)
        if left is None and right is None:
            continue
        rows.append(
            {
                "label": label,
                "left": left,
                "right": right,
                "index": index,
                "flag": index is not None and abs(index) >= ASYMMETRY_FLAG_PCT,
            }
        )
    return rows


def compare(before: dict, after: dict) -> list[dict]:
    """Rows of both sessions' values with the change; changed rows are marked for highlighting."""
    rows = []
    for field, label, noise in NUMERIC:
        a, b = before.get(field), after.get(field)
        if a is None and b is None:
            continue
        change = None if a is None or b is None else Decimal(b) - Decimal(a)
        rows.append(
            {
                "field": field,
                "label": label,
                "before": a,
                "after": b,
                "change": change,
                "changed": a != b,
                "maybe_noise": noise is not None and change is not None and abs(change) < noise,
            }
        )
    for field, label in CATEGORICAL:
        a, b = before.get(field) or "", after.get(field) or ""
        if a or b:
            rows.append(
                {
                    "field": field,
                    "label": label,
                    "before": a or None,
                    "after": b or None,
                    "change": None,
                    "changed": a != b,
                    "maybe_noise": False,
                }
            )
    return rows
