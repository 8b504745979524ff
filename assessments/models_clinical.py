"""Clinical records: evaluations (SOAP), addenda, gait analyses, outcome results, schedules.

Signed evaluations and addenda are locked by PostgreSQL triggers (django-pgtrigger), so not even
the ORM or a raw UPDATE can change them; django-pghistory keeps every version of evaluations and
outcome results.
"""

from decimal import Decimal

import pghistory
import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

from dangpt.roles import Role, role_of

__all__ = [
    "ArmSwing",
    "ClinicalCondition",
    "Evaluation",
    "EvaluationAddendum",
    "EvaluationKind",
    "EvaluationStatus",
    "FootStrike",
    "GaitAnalysis",
    "GaitSurface",
    "NOTE_ROLES",
    "OutcomeResult",
    "OutcomeSource",
    "PromSchedule",
    "StepWidth",
    "EvaluationDiagnosis",
]


class ClinicalCondition(models.TextChoices):
    """The six conditions, with the codes used everywhere (DESIGN.md)."""

    PFPS = "pfps", "Patellofemoral pain (runner's knee)"
    MTSS = "mtss", "Medial tibial stress syndrome (shin splints)"
    ACHILLES = "achilles_tendinopathy", "Achilles tendinopathy"
    PLANTAR = "plantar_fasciitis", "Plantar heel pain / plantar fasciitis"
    ITBS = "itbs", "Iliotibial band syndrome"
    BSI = "bone_stress_injury", "Bone stress injury"


class EvaluationDiagnosis(models.TextChoices):
    PFPS = "pfps", "Patellofemoral pain (runner's knee)"
    MTSS = "mtss", "Medial tibial stress syndrome (shin splints)"
    ACHILLES = "achilles_tendinopathy", "Achilles tendinopathy"
    PLANTAR = "plantar_fasciitis", "Plantar heel pain / plantar fasciitis"
    ITBS = "itbs", "Iliotibial band syndrome"
    BSI = "bone_stress_injury", "Bone stress injury"
    OTHER = "other", "Other"


class EvaluationKind(models.TextChoices):
    INITIAL = "initial", "Initial evaluation"
    FOLLOW_UP = "follow_up", "Follow-up"
    DISCHARGE = "discharge", "Discharge"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


ICD10_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"

#: Roles that may read clinical notes; runners and the front desk never do.
NOTE_ROLES = frozenset({Role.THERAPIST, Role.MANAGER})


class ClinicalQuerySet(models.QuerySet):
    """Notes are for clinical staff only; runners and the front desk see none."""

    def visible_to(self, user):
        from patients.models import Patient

        if role_of(user) not in NOTE_ROLES:
            return self.none()
        return self.filter(patient__in=Patient.objects.visible_to(user))


class EvaluationQuerySet(ClinicalQuerySet):
    def with_related(self):
        return self.select_related("patient", "therapist", "signed_by")


@pghistory.track(append_only=True)
class Evaluation(models.Model):
    """A SOAP note: initial, follow-up or discharge. Draft until signed; signed notes are locked."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="evaluations"
    )
    appointment = models.ForeignKey(
        "patients.Appointment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    screening = models.ForeignKey(
        "assessments.Screening",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations_written"
    )
    kind = models.CharField(
        max_length=16, choices=EvaluationKind.choices, default=EvaluationKind.INITIAL
    )
    status = models.CharField(
        max_length=8, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    evaluated_on = models.DateField()
    # Subjective
    history = models.TextField(blank=True)
    running_profile = models.JSONField(
        default=dict, blank=True, help_text="Snapshot of the running profile at this visit."
    )
    # Objective
    exam = models.JSONField(
        default=dict, blank=True, help_text="Structured findings: rom, strength, special_tests."
    )
    objective_notes = models.TextField(blank=True)
    # Assessment
    working_diagnosis = models.CharField(
        max_length=32, choices=EvaluationDiagnosis.choices, blank=True
    )
    icd10 = models.CharField(
        "ICD-10",
        max_length=8,
        blank=True,
        validators=[RegexValidator(ICD10_PATTERN, "Enter an ICD-10 code such as M22.2.")],
    )
    assessment_notes = models.TextField(blank=True)
    # Plan
    goals = models.TextField(blank=True)
    visits_per_week = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    plan_notes = models.TextField(blank=True)
    # Signature
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evaluations_signed",
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        ordering = ["-evaluated_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="evaluation_signature_matches_status",
                condition=(
                    Q(status="draft", signed_by__isnull=True, signed_at__isnull=True)
                    | Q(status="signed", signed_by__isnull=False, signed_at__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="evaluation_icd10_format",
                condition=Q(icd10="") | Q(icd10__regex=ICD10_PATTERN),
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="signed_evaluation_locked",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__status="signed"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.evaluated_on})"

    @property
    def is_signed(self) -> bool:
        return self.status == EvaluationStatus.SIGNED


class EvaluationAddendum(models.Model):
    """A dated addition to a signed note; the original stays as it was."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="addenda")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        triggers = [
            pgtrigger.Protect(
                name="addendum_append_only", operation=pgtrigger.Update | pgtrigger.Delete
            )
        ]

    def __str__(self) -> str:
        return f"Addendum #{self.pk} to evaluation #{self.evaluation_id}"


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


def _angle(verbose: str):
    return models.DecimalField(verbose, max_digits=4, decimal_places=1, null=True, blank=True)


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
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(40)],
    )
    incline_pct = models.DecimalField(
        "incline (%)", max_digits=3, decimal_places=1, null=True, blank=True
    )
    cadence_spm = models.PositiveSmallIntegerField(
        "cadence (steps/min)", validators=[MinValueValidator(100), MaxValueValidator(260)]
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

    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["-recorded_on", "-id"]
        verbose_name_plural = "gait analyses"
        constraints = [
            models.CheckConstraint(
                name="gait_speed_positive", condition=Q(speed_kmh__gt=0, speed_kmh__lte=40)
            ),
            models.CheckConstraint(
                name="gait_cadence_range", condition=Q(cadence_spm__gte=100, cadence_spm__lte=260)
            ),
        ]

    def __str__(self) -> str:
        return f"Gait analysis #{self.pk} ({self.recorded_on})"


class OutcomeSource(models.TextChoices):
    CLINIC = "clinic", "Recorded in clinic"
    PORTAL = "portal", "Filled in by the runner"


class OutcomeResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Clinical staff see all results; a runner sees their own; the front desk sees none."""
        role = role_of(user)
        if role in NOTE_ROLES:
            from patients.models import Patient

            return self.filter(patient__in=Patient.objects.visible_to(user))
        if role == Role.RUNNER:
            return self.filter(patient__user=user)
        return self.none()


@pghistory.track(append_only=True)
class OutcomeResult(models.Model):
    """One administration of a PROM, scored with assessments.proms at the time it was taken."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="outcome_results"
    )
    instrument = models.CharField(max_length=24)
    answers = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField()
    complete = models.BooleanField(default=False)
    taken_at = models.DateTimeField()
    source = models.CharField(max_length=8, choices=OutcomeSource.choices)
    collected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outcomes_collected"
    )
    schedule = models.ForeignKey(
        "PromSchedule",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="results",
    )
    timepoint = models.CharField(max_length=12, blank=True)
    wording_version = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeResultQuerySet.as_manager()

    class Meta:
        ordering = ["taken_at", "id"]
        indexes = [models.Index(fields=["patient", "instrument", "taken_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "timepoint", "instrument"],
                condition=Q(schedule__isnull=False),
                name="outcome_once_per_timepoint",
            ),
            models.CheckConstraint(
                name="outcome_score_in_range",
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=models.F("max_score")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instrument} #{self.pk}"


class PromSchedule(models.Model):
    """When a runner is due to fill which measures for one condition (baseline → discharge)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="prom_schedules"
    )
    condition = models.CharField(max_length=32, choices=ClinicalCondition.choices)
    starts_on = models.DateField()
    discharge_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutcomeResultQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "condition"], name="one_prom_schedule_per_condition"
            ),
            models.CheckConstraint(
                name="prom_discharge_after_start",
                condition=Q(discharge_on__isnull=True) | Q(discharge_on__gte=models.F("starts_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"PROM schedule #{self.pk} ({self.condition})"
