"""Outcome measures: scored PROM results and the schedules that say when each is due."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from assessments.proms import INSTRUMENTS
from dangpt.audit.history import track
from dangpt.conditions import Condition
from dangpt.roles import CLINICIAN_ROLES, Role, role_of


class OutcomeSource(models.TextChoices):
    CLINIC = "clinic", "Recorded in clinic"
    PORTAL = "portal", "Filled in by the runner"


class OutcomeResultQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Clinical staff see all results; a runner sees their own; the front desk sees none."""
        role = role_of(user)
        if role in CLINICIAN_ROLES:
            from patients.models import Patient

            return self.filter(patient__in=Patient.objects.visible_to(user))
        if role == Role.RUNNER:
            return self.filter(patient__user=user)
        return self.none()


@track()
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

    @property
    def instrument_name(self) -> str:
        """The measure's name as the therapist reads it (its code for a retired measure)."""
        definition = INSTRUMENTS.get(self.instrument)
        return definition.name if definition else self.instrument


@track()
class PromSchedule(models.Model):
    """When a runner is due to fill which measures for one condition (baseline → discharge)."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="prom_schedules"
    )
    condition = models.CharField(max_length=32, choices=Condition.choices)
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
