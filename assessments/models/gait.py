"""Gait analyses: 2D running-gait records (clinical.md §8)."""

from django.conf import settings
from django.db import models

from dangpt.audit.history import track
from dangpt.clinical_ranges import range_checks

from .evaluations import ChartQuerySet, Evaluation


class GaitSurface(models.TextChoices):
    TREADMILL = "treadmill", "Treadmill"
    OVERGROUND = "overground", "Overground"


class FootStrike(models.TextChoices):
    REARFOOT = "rearfoot", "Rearfoot"
    MIDFOOT = "midfoot", "Midfoot"
    FOREFOOT = "forefoot", "Forefoot"


class StepWidth(models.TextChoices):
    NORMAL = "normal", "Normal"
    NARROW = "narrow", "Narrow"
    CROSSOVER = "crossover", "Crossover"


class ArmSwing(models.TextChoices):
    NORMAL = "normal", "Normal"
    CROSSES_MIDLINE = "crosses_midline", "Crosses midline"
    ASYMMETRIC = "asymmetric", "Asymmetric"
    REDUCED = "reduced", "Reduced"


# The record's numbers: each has a range "gait.<name>" in dangpt/clinical_ranges.py.
GAIT_NUMBERS = (
    "speed_kmh",
    "incline_pct",
    "cadence_spm",
    "overstride_cm",
    "shank_angle_deg",
    "pelvic_drop_left_deg",
    "pelvic_drop_right_deg",
    "hip_adduction_left_deg",
    "hip_adduction_right_deg",
    "knee_valgus_left_deg",
    "knee_valgus_right_deg",
    "trunk_lean_forward_deg",
    "trunk_lean_lateral_deg",
    "step_width_cm",
    "vertical_oscillation_cm",
    "contact_time_left_ms",
    "contact_time_right_ms",
    "shoe_km",
    "target_cadence_spm",
)


def _angle(verbose: str):
    return models.DecimalField(verbose, max_digits=4, decimal_places=1, null=True, blank=True)


@track()
class GaitAnalysis(models.Model):
    """A 2D running-gait record (clinical.md §8): capture protocol, findings, cues and targets."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="gait_analyses"
    )
    evaluation = models.ForeignKey(
        Evaluation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="gait_analyses",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gait_analyses"
    )
    recorded_on = models.DateField()
    surface = models.CharField(max_length=12, choices=GaitSurface.choices)
    speed_kmh = models.DecimalField(
        "speed (km/h)",
        max_digits=4,
        decimal_places=1,
    )
    incline_pct = models.DecimalField(
        "incline (%)", max_digits=3, decimal_places=1, null=True, blank=True
    )
    # Optional: the video tool fills it from foot-contact taps (assessments/video_measures.py).
    cadence_spm = models.PositiveSmallIntegerField(
        "cadence (steps/min)",
        null=True,
        blank=True,
    )
    foot_strike_left = models.CharField(max_length=8, choices=FootStrike.choices, blank=True)
    foot_strike_right = models.CharField(max_length=8, choices=FootStrike.choices, blank=True)
    overstride_cm = models.DecimalField(
        "overstride: heel ahead of hip (cm)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    shank_angle_deg = _angle("shank angle at initial contact (°)")
    pelvic_drop_left_deg = _angle("contralateral pelvic drop, left stance (°)")
    pelvic_drop_right_deg = _angle("contralateral pelvic drop, right stance (°)")
    hip_adduction_left_deg = _angle("hip adduction, left (°)")
    hip_adduction_right_deg = _angle("hip adduction, right (°)")
    knee_valgus_left_deg = _angle("knee valgus (FPPA), left (°)")
    knee_valgus_right_deg = _angle("knee valgus (FPPA), right (°)")
    trunk_lean_forward_deg = _angle("trunk lean forward (°)")
    trunk_lean_lateral_deg = _angle("trunk lean lateral (°)")
    step_width = models.CharField(max_length=10, choices=StepWidth.choices, blank=True)
    step_width_cm = models.DecimalField(
        "step width (cm)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    arm_swing = models.CharField(max_length=16, choices=ArmSwing.choices, blank=True)
    vertical_oscillation_cm = models.DecimalField(
        "vertical oscillation (cm)", max_digits=4, decimal_places=1, null=True, blank=True
    )
    contact_time_left_ms = models.PositiveSmallIntegerField(
        "ground contact time, left (ms)", null=True, blank=True
    )
    contact_time_right_ms = models.PositiveSmallIntegerField(
        "ground contact time, right (ms)", null=True, blank=True
    )
    shoes = models.CharField(max_length=120, blank=True, help_text="Make and model.")
    shoe_km = models.PositiveIntegerField("shoe age (km)", null=True, blank=True)
    video_links = models.JSONField(default=list, blank=True)
    cues = models.TextField("cues given", blank=True)
    target_cadence_spm = models.PositiveSmallIntegerField(
        "target cadence (steps/min)", null=True, blank=True
    )
    findings_match_presentation = models.BooleanField(
        "findings consistent with presentation", null=True, blank=True
    )
    summary = models.TextField("clinician summary", blank=True)
    follow_up_on = models.DateField("follow-up recording", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChartQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name_plural = "gait analyses"
        constraints = range_checks(
            "gait", "gait", {name: name != "speed_kmh" for name in GAIT_NUMBERS}
        )

    def __str__(self) -> str:
        return f"Gait analysis #{self.pk} ({self.recorded_on})"


# The recorded measurements of an analysis: what forms, services and comparisons read and write.
GAIT_FIELDS = tuple(
    f.name
    for f in GaitAnalysis._meta.fields
    if f.name not in {"id", "patient", "therapist", "evaluation", "created_at", "updated_at"}
)
