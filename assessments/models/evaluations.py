"""Evaluations: SOAP notes and their addenda.

Signed evaluations and addenda are locked by PostgreSQL triggers (django-pgtrigger), so not even
the ORM or a raw UPDATE can change them; django-pghistory keeps every version of evaluations.
"""

import pgtrigger
from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from dangpt.audit.history import track
from dangpt.clinical_ranges import range_checks
from dangpt.conditions import Diagnosis
from dangpt.roles import CLINICIAN_ROLES, role_of


class EvaluationKind(models.TextChoices):
    INITIAL = "initial", "Initial evaluation"
    FOLLOW_UP = "follow_up", "Follow-up"
    DISCHARGE = "discharge", "Discharge"


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


ICD10_PATTERN = r"^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$"


class ChartQuerySet(models.QuerySet):
    """Chart records (notes, gait) are for clinicians only; runners and the front desk see none."""

    def visible_to(self, user):
        """Records of the patients this clinician may see; none for anyone else."""
        from patients.models import Patient

        if role_of(user) not in CLINICIAN_ROLES:
            return self.none()
        return self.filter(patient__in=Patient.objects.visible_to(user))


class EvaluationQuerySet(ChartQuerySet):
    def with_related(self):
        """Join the patient, the therapist and the signer shown with every note."""
        return self.select_related("patient", "therapist", "signed_by")


@track()
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
    working_diagnosis = models.CharField(max_length=32, choices=Diagnosis.choices, blank=True)
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
                violation_error_message="A signed note records who signed it and when.",
                condition=(
                    Q(status="draft", signed_by__isnull=True, signed_at__isnull=True)
                    | Q(status="signed", signed_by__isnull=False, signed_at__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="evaluation_icd10_format",
                violation_error_message="Enter an ICD-10 code such as M22.2.",
                condition=Q(icd10="") | Q(icd10__regex=ICD10_PATTERN),
            ),
            *range_checks(
                "evaluation", "evaluation", {"visits_per_week": True, "plan_weeks": True}
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
        """A signed note is locked: later changes go in addenda."""
        return self.status == EvaluationStatus.SIGNED


@track()
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


# What a note's writer sets: the services take these, the form shows all but the two JSON ones.
EVALUATION_FIELDS = (
    "kind",
    "evaluated_on",
    "appointment",
    "screening",
    "history",
    "running_profile",
    "exam",
    "objective_notes",
    "working_diagnosis",
    "icd10",
    "assessment_notes",
    "goals",
    "visits_per_week",
    "plan_weeks",
    "plan_notes",
)
