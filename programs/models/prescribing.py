"""Prescribed programs: the working copy of items and its published, immutable versions."""

import pghistory
import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from dangpt.audit.history import track
from dangpt.clinical_ranges import range_checks
from dangpt.roles import Role, role_of
from patients.models import Patient
from programs.models.library import Exercise, ProgramTemplate, TissueChoice

# Fields of an item that a version keeps and a therapist edits, in the order a diff names them.
DOSE_FIELDS = (
    "sets",
    "reps",
    "hold_seconds",
    "load",
    "load_kg",
    "tempo",
    "times_per_week",
    "side",
    "notes",
    "phase",
)


# The item's numbers and whether each may be empty: each has a range in dangpt/clinical_ranges.py.
ITEM_RANGES = {
    "sets": False,
    "reps": True,
    "hold_seconds": True,
    "load_kg": True,
    "times_per_week": False,
    "phase": False,
}
REPS_OR_HOLD_MESSAGE = "Give reps, a hold time, or both."


class Side(models.TextChoices):
    BOTH = "both", "Both legs together"
    EACH = "each", "Each side"
    AFFECTED = "affected", "Painful side only"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


def therapist_patients(user):
    """The patients a therapist treats: those whose clinic is one of the therapist's locations."""
    from patients.models import Patient

    return Patient.objects.filter(preferred_location__staff__user=user).distinct()


class ProgramStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ENDED = "ended", "Ended"


class ProgramQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Therapists: programs they prescribed or of patients at their locations; runners: own.

        The therapist's patient check is an EXISTS probed per program, not ``patient IN
        (visible patients)``: PostgreSQL would hash every visible patient (a full scan) before
        the first row, for one program as for a list in patient-name order.
        """
        role = role_of(user)
        qs = self.select_related("patient", "therapist", "current_version", "evaluation")
        if role == Role.MANAGER:
            return qs
        if role == Role.THERAPIST:
            seen = Patient.objects.visible_to(user).filter(pk=OuterRef("patient_id"))
            return qs.filter(Q(therapist=user) | Exists(seen))
        if role == Role.RUNNER:
            return qs.filter(patient__user=user).exclude(status=ProgramStatus.DRAFT)
        return qs.none()


@track()
class Program(models.Model):
    """A runner's home exercise program; the runner always sees its current published version."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.PROTECT, related_name="+")
    evaluation = models.ForeignKey(
        "assessments.Evaluation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programs",
        help_text="The evaluation whose plan this program carries out.",
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=160)
    template = models.ForeignKey(
        ProgramTemplate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tissue = models.CharField(
        max_length=20,
        choices=TissueChoice.choices,
        default=TissueChoice.SOFT_TISSUE,
        help_text="The pain rule used for the progression suggestions.",
    )
    baseline_pain = models.PositiveSmallIntegerField(
        default=0, help_text="The runner's usual pain level, 0–10: the next-morning yardstick."
    )
    current_phase = models.PositiveSmallIntegerField(default=1)
    walk_run_stage = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Walk-run stage (0–8) when the runner follows the plan."
    )
    walk_run_stage_since = models.DateField(
        null=True,
        blank=True,
        help_text="First day of the current walk-run stage: earlier runs do not count toward it.",
    )
    walk_run_review = models.CharField(
        max_length=600,
        blank=True,
        help_text="Why the plan stepped back on its own (e.g. bone pain), until the therapist "
        "next saves the program's settings.",
    )
    status = models.CharField(
        max_length=10, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    current_version = models.ForeignKey(
        "ProgramVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(status="active"),
                name="program_one_active_per_patient",
            ),
            *range_checks(
                "program",
                "program",
                {"baseline_pain": False, "current_phase": False, "walk_run_stage": True},
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(current_version__isnull=False),
                name="program_published_has_version",
                violation_error_message="Publish the program before it can be active.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@track()
class ProgramItem(models.Model):
    """One exercise of the program's working copy; publishing snapshots the items."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    sets = models.PositiveSmallIntegerField(default=3)
    reps = models.PositiveSmallIntegerField(null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(null=True, blank=True)
    load = models.CharField(max_length=80, blank=True, help_text="Plain words, e.g. body weight.")
    load_kg = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    tempo = models.CharField(max_length=80, blank=True)
    times_per_week = models.PositiveSmallIntegerField(default=3)
    side = models.CharField(max_length=10, choices=Side.choices, default=Side.BOTH)
    notes = models.CharField(max_length=300, blank=True)
    phase = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["phase", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(hold_seconds__isnull=False),
                name="item_reps_or_hold",
                violation_error_message=REPS_OR_HOLD_MESSAGE,
            ),
            *range_checks("program_item", "item", ITEM_RANGES),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.program}"


# Versions are immutable (a trigger refuses UPDATE): creating and deleting are the events.
@track(pghistory.InsertEvent(), pghistory.DeleteEvent())
class ProgramVersion(models.Model):
    """A published, immutable snapshot of the program's items (a database trigger refuses edits)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()
    phase = models.PositiveSmallIntegerField(default=1)
    note = models.CharField(max_length=300, blank=True)
    # [{"item_id", "exercise_id", "exercise_slug", "exercise_name", "sets", "reps", ...}, ...]
    items = models.JSONField(default=list)
    changes = models.JSONField(default=list, help_text="What changed since the previous version.")

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="version_unique_number"),
            models.CheckConstraint(condition=Q(number__gte=1), name="version_number_positive"),
        ]
        triggers = [pgtrigger.Protect(name="program_version_immutable", operation=pgtrigger.Update)]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"
