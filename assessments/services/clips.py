"""Measurements marked on gait video: checked against the clip, recomputed, and filled into the
gait analysis they belong to (clinical.md §8.2)."""

import math
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from assessments import video_measures
from assessments.models import Attachment, ClipMeasurement, GaitAnalysis, MeasureKind
from assessments.services.common import require_clinician
from assessments.services.gait import gait_update
from dangpt import clinical_ranges

NOT_READY = "This video is not ready to measure yet; wait until processing has finished."


def _number(value) -> float | None:
    """A finite JSON number (not a boolean), else None."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _check_time(value, *, duration: float, field: str) -> float:
    number = _number(value)
    if number is None or not 0 <= number <= duration:
        raise ValidationError(
            {field: [f"Choose a time within the clip (0 to {duration:.2f} seconds)."]}
        )
    return number


def _check_points(points, *, clip: Attachment) -> list[list[float]]:
    """Points as [[x, y], ...] in video pixels, each inside the frame."""
    checked = []
    for point in points if isinstance(points, list | tuple) else [None]:
        pair = list(point) if isinstance(point, list | tuple) and len(point) == 2 else [None, None]
        x, y = _number(pair[0]), _number(pair[1])
        if x is None or y is None or not (0 <= x <= clip.width and 0 <= y <= clip.height):
            raise ValidationError(
                {"points": [f"Mark every point inside the frame ({clip.width} × {clip.height})."]}
            )
        checked.append([round(x, 1), round(y, 1)])
    return checked


def _measure(*, kind: str, clip: Attachment, points, taps) -> tuple[Decimal, list, list]:
    """The value the server computes from the points or taps, and the checked points and taps."""
    duration = float(clip.duration_s)
    try:
        if kind == MeasureKind.CADENCE:
            if not isinstance(taps, list | tuple) or len(taps) > 500:
                raise ValidationError({"taps": ["Send the foot-contact times as a list."]})
            taps = [_check_time(t, duration=duration, field="taps") for t in taps]
            return Decimal(str(video_measures.cadence(taps))), [], taps
        points = _check_points(points, clip=clip)
        return Decimal(str(video_measures.measure_angle(kind, points))), points, []
    except video_measures.MeasureError as exc:
        field = "taps" if kind == MeasureKind.CADENCE else "points"
        raise ValidationError({field: [str(exc)]}) from exc


def _check_clip(*, clip: Attachment, gait_analysis: GaitAnalysis) -> None:
    if not (clip.is_video and clip.is_ready) or not (clip.duration_s and clip.width):
        raise ValidationError({"clip": [NOT_READY]})
    if gait_analysis.patient_id != clip.patient_id:
        raise ValidationError(
            {"gait_analysis": ["Choose a gait analysis of the patient in the video."]}
        )


@transaction.atomic
def clip_measurement_record(
    *,
    clip: Attachment,
    gait_analysis: GaitAnalysis,
    therapist,
    kind: str,
    time_s,
    side: str = "",
    points=(),
    taps=(),
) -> ClipMeasurement:
    """Save a measurement of a clip and fill its gait analysis field with the recomputed value.

    The value never comes from the client: angles are recomputed from the points, cadence from the
    taps. A gait analysis of a signed note is locked, so nothing is saved for it.
    """
    require_clinician(therapist)
    if kind not in MeasureKind.values:
        raise ValidationError({"kind": ["Choose what the measurement measures."]})
    spec = video_measures.KINDS[kind]
    if spec.sided and side not in ("left", "right"):
        raise ValidationError({"side": ["Choose the standing leg: left or right."]})
    side = side if spec.sided else ""
    _check_clip(clip=clip, gait_analysis=gait_analysis)
    time_s = _check_time(time_s, duration=float(clip.duration_s), field="time")
    value, points, taps = _measure(kind=kind, clip=clip, points=points, taps=taps)
    field = video_measures.gait_field(kind, side)
    filled = int(value.quantize(Decimal(1))) if kind == MeasureKind.CADENCE else value
    problem = clinical_ranges.bound(f"gait.{field}").problem(filled)
    if problem:
        # The record refuses the number: say so where the therapist marked it.
        where = "taps" if kind == MeasureKind.CADENCE else "points"
        raise ValidationError({where: [f"The marks give {filled}: {problem} Mark them again."]})
    gait_update(gait=gait_analysis, user=therapist, fields={field: filled})
    return ClipMeasurement.objects.create(
        patient_id=clip.patient_id,
        clip=clip,
        gait_analysis=gait_analysis,
        therapist=therapist,
        kind=kind,
        side=side,
        time_s=Decimal(str(round(time_s, 3))),
        points=points,
        taps=taps,
        value=value,
        gait_field=field,
    )
