"""Measurements marked on gait video: an angle from points on a frame, or cadence from taps."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q

from dangpt.audit.history import track

from .attachments import Attachment
from .evaluations import ChartQuerySet
from .gait import GaitAnalysis


class MeasureKind(models.TextChoices):
    """What was measured (the points and formulas are in assessments.video_measures.KINDS)."""

    KNEE_VALGUS = "knee_valgus", "Knee valgus (frontal-plane knee angle)"
    PELVIC_DROP = "pelvic_drop", "Contralateral pelvic drop"
    SHANK_ANGLE = "shank_angle", "Overstride: shank angle at initial contact"
    TRUNK_LEAN_FORWARD = "trunk_lean_forward", "Trunk lean forward"
    TRUNK_LEAN_LATERAL = "trunk_lean_lateral", "Trunk lean to the side"
    CADENCE = "cadence", "Cadence"


class StanceSide(models.TextChoices):
    LEFT = "left", "Left stance"
    RIGHT = "right", "Right stance"


SIDED_KINDS = (MeasureKind.KNEE_VALGUS, MeasureKind.PELVIC_DROP)


class ClipMeasurementQuerySet(ChartQuerySet):
    def with_related(self):
        return self.select_related("clip", "gait_analysis")


@track()
class ClipMeasurement(models.Model):
    """One measurement on a clip, at a clip time, that filled one field of a gait analysis.

    ``points`` are video pixels ([[x, y], ...], as stored, not as mirrored on screen); ``taps`` are
    foot-contact times in seconds. ``value`` was recomputed by the server from them.
    """

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="clip_measurements"
    )
    # A clip deleted before its note is signed takes its marks along; the values it filled stay
    # in the gait analysis (and its history). Files of signed notes cannot be deleted at all.
    clip = models.ForeignKey(Attachment, on_delete=models.CASCADE, related_name="measurements")
    gait_analysis = models.ForeignKey(
        GaitAnalysis, on_delete=models.PROTECT, related_name="clip_measurements"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clip_measurements"
    )
    kind = models.CharField(max_length=20, choices=MeasureKind.choices)
    side = models.CharField(max_length=5, choices=StanceSide.choices, blank=True)
    time_s = models.DecimalField("clip time (s)", max_digits=9, decimal_places=3)
    points = models.JSONField(default=list, blank=True)
    taps = models.JSONField(default=list, blank=True)
    value = models.DecimalField(max_digits=5, decimal_places=1)
    gait_field = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClipMeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="clip_measure_kind_valid", condition=Q(kind__in=MeasureKind.values)
            ),
            models.CheckConstraint(
                name="clip_measure_side_when_sided",
                condition=Q(kind__in=SIDED_KINDS, side__in=StanceSide.values)
                | (~Q(kind__in=SIDED_KINDS) & Q(side="")),
            ),
            models.CheckConstraint(
                name="clip_measure_time_nonnegative", condition=Q(time_s__gte=0)
            ),
            models.CheckConstraint(
                name="clip_measure_value_range",
                condition=(Q(kind="cadence") & Q(value__gte=100, value__lte=260))
                | (~Q(kind="cadence") & Q(value__gte=0, value__lte=180)),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on clip #{self.clip_id}"

    @property
    def value_display(self) -> str:
        """The value with its unit: "11.4°" or "176 steps/min"."""
        if self.kind == MeasureKind.CADENCE:
            return f"{self.value:.0f} steps/min"
        return f"{self.value}°"

    @property
    def filled_value(self):
        """The value as the gait analysis holds it (cadence in whole steps/min)."""
        if self.kind == MeasureKind.CADENCE:
            return self.value.quantize(Decimal(1))
        return self.value

    @property
    def label(self) -> str:
        """What was measured, with the stance side when it has one."""
        if self.side:
            return f"{self.get_kind_display()}, {self.get_side_display().lower()}"
        return self.get_kind_display()
