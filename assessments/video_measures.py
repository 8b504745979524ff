"""Angles and cadence measured on gait video: plain geometry, no Django (clinical.md §8.2).

Points are video pixels (x to the right, y downwards, as the frame is stored, before any mirroring
on screen); times are seconds of clip time. The player computes the same numbers in the browser
(static/assessments/player.js) to show them at once; the server recomputes them from the points
and never trusts a value sent by the client.

Two-dimensional angles vary 3-8° within a day and 9-14° between days (Damsted 2015), so they are
shown to one decimal and read as decision support.
"""

import math
from dataclasses import dataclass

#: Cadence is stored as steps/min; the gait record accepts 100-260 (its database constraint).
CADENCE_MIN, CADENCE_MAX = 100, 260
#: Foot contacts needed before a cadence is given: three steps at least.
MIN_TAPS = 4


class MeasureError(ValueError):
    """Points or taps that cannot give a measurement; the message is for the therapist."""


@dataclass(frozen=True)
class Kind:
    """What a measurement measures: how many points, what they are, how the number is read."""

    code: str
    label: str
    points: tuple[str, ...]  # what each point marks, in order; empty for cadence
    reference: str  # "three_point", "vertical", "horizontal" or "taps"
    sided: bool  # a left/right measure (per stance side)
    unit: str = "°"


KINDS: dict[str, Kind] = {
    kind.code: kind
    for kind in (
        Kind(
            "knee_valgus",
            "Knee valgus (frontal-plane knee angle)",
            ("Hip (middle of the thigh's top)", "Middle of the knee", "Middle of the ankle"),
            "three_point",
            sided=True,
        ),
        Kind(
            "pelvic_drop",
            "Contralateral pelvic drop",
            ("Hip of the standing leg (dimple or belt line)", "Hip of the swinging leg"),
            "horizontal",
            sided=True,
        ),
        Kind(
            "shank_angle",
            "Overstride: shank angle at initial contact",
            ("Middle of the knee", "Middle of the ankle"),
            "vertical",
            sided=False,
        ),
        Kind(
            "trunk_lean_forward",
            "Trunk lean forward (side view)",
            ("Hip (greater trochanter)", "Shoulder"),
            "vertical",
            sided=False,
        ),
        Kind(
            "trunk_lean_lateral",
            "Trunk lean to the side (back view)",
            ("Middle of the pelvis", "Base of the neck"),
            "vertical",
            sided=False,
        ),
        Kind("cadence", "Cadence from foot contacts", (), "taps", sided=False, unit="steps/min"),
    )
}


def gait_field(kind: str, side: str = "") -> str:
    """The gait analysis field a measurement fills (a sided measure by its stance side)."""
    return {
        "knee_valgus": f"knee_valgus_{side}_deg",
        "pelvic_drop": f"pelvic_drop_{side}_deg",
        "shank_angle": "shank_angle_deg",
        "trunk_lean_forward": "trunk_lean_forward_deg",
        "trunk_lean_lateral": "trunk_lean_lateral_deg",
        "cadence": "cadence_spm",
    }[kind]


def angle_at(a, vertex, c) -> float:
    """The angle a-vertex-c in degrees (0-180)."""
    ax, ay = a[0] - vertex[0], a[1] - vertex[1]
    cx, cy = c[0] - vertex[0], c[1] - vertex[1]
    if (ax == 0 and ay == 0) or (cx == 0 and cy == 0):
        raise MeasureError("Two points are on top of each other; mark them apart.")
    return math.degrees(abs(math.atan2(ax * cy - ay * cx, ax * cx + ay * cy)))


def tilt(p, q, *, reference: str) -> float:
    """The angle (0-90°) between the line p-q and the frame's vertical or horizontal."""
    dx, dy = abs(q[0] - p[0]), abs(q[1] - p[1])
    if dx == 0 and dy == 0:
        raise MeasureError("The two points are on top of each other; mark them apart.")
    along, across = (dy, dx) if reference == "vertical" else (dx, dy)
    return math.degrees(math.atan2(across, along))


def measure_angle(kind: str, points) -> float:
    """The angle of a measurement from its points, one decimal; raises MeasureError."""
    spec = KINDS[kind]
    if spec.reference == "taps":
        raise MeasureError("Cadence is measured from foot contacts, not points.")
    if len(points) != len(spec.points):
        raise MeasureError(f"Mark {len(spec.points)} points: {', '.join(spec.points).lower()}.")
    if spec.reference == "three_point":
        # Frontal-plane projection angle: 0° for a straight hip-knee-ankle line.
        value = 180.0 - angle_at(points[0], points[1], points[2])
    else:
        value = tilt(points[0], points[1], reference=spec.reference)
    return round(value, 1)


def cadence(taps) -> float:
    """Steps per minute from foot-contact times (either foot) in seconds; raises MeasureError."""
    times = sorted(float(t) for t in taps)
    if len(times) < MIN_TAPS:
        raise MeasureError(f"Tap at least {MIN_TAPS} foot contacts (each foot, in a row).")
    if any(b - a <= 0 for a, b in zip(times, times[1:], strict=False)):
        raise MeasureError("Two taps have the same time; tap each foot contact once.")
    steps_per_min = (len(times) - 1) / (times[-1] - times[0]) * 60
    if not CADENCE_MIN <= steps_per_min <= CADENCE_MAX:
        raise MeasureError(
            f"The taps give {steps_per_min:.0f} steps/min, outside {CADENCE_MIN}-{CADENCE_MAX}. "
            "Tap every foot contact, left and right, over a steady stretch."
        )
    return round(steps_per_min, 1)
