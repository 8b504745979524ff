"""Home exercise programs: the exercise library, templates, versioned programs and the logs."""

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q

from dangpt.roles import Role, role_of
from programs.rules.progression import Tissue

PAIN_HELP = "0 = no pain, 10 = the worst pain imaginable."


def _pain_checks(prefix: str, fields: tuple[str, ...]) -> list[models.CheckConstraint]:
    """One check per pain field: empty, or a whole number from 0 to 10."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0, f"{name}__lte": 10}),
            name=f"{prefix}_{name}_0_10",
        )
        for name in fields
    ]


class Category(models.TextChoices):
    STRENGTH = "strength", "Strength"
    MOBILITY = "mobility", "Mobility"
    CORE = "core", "Core"
    PLYOMETRIC = "plyometric", "Plyometric"
    ISOMETRIC = "isometric", "Isometric"
    RUNNING = "running", "Running"
    BALANCE = "balance", "Balance"


class Region(models.TextChoices):
    HIP = "hip", "Hip"
    KNEE = "knee", "Knee"
    SHIN = "shin", "Shin"
    ANKLE = "ankle", "Ankle"
    FOOT = "foot", "Foot"
    CORE = "core", "Core"


class Condition(models.TextChoices):
    PFPS = "pfps", "Patellofemoral pain (runner's knee)"
    MTSS = "mtss", "Medial tibial stress syndrome (shin splints)"
    ACHILLES = "achilles_tendinopathy", "Achilles tendinopathy"
    PLANTAR = "plantar_fasciitis", "Plantar heel pain"
    ITBS = "itbs", "Iliotibial band syndrome"
    BSI = "bone_stress_injury", "Bone stress injury"


class TissueChoice(models.TextChoices):
    TENDON = Tissue.TENDON.value, "Tendon (up to 5/10, settled by next morning)"
    SOFT_TISSUE = Tissue.SOFT_TISSUE.value, "Soft tissue (up to 3/10, back to baseline in 24 h)"
    BONE = Tissue.BONE.value, "Bone (no pain)"
    GENERAL = Tissue.GENERAL.value, "General (as soft tissue)"


class Side(models.TextChoices):
    BOTH = "both", "Both legs together"
    EACH = "each", "Each side"
    AFFECTED = "affected", "Painful side only"
    LEFT = "left", "Left"
    RIGHT = "right", "Right"


class Difficulty(models.TextChoices):
    EASY = "easy", "Easy"
    OK = "ok", "About right"
    HARD = "hard", "Hard"


# Tags that the screening safety gate blocks until a therapist acknowledges the screening.
IMPACT_TAGS = ("impact", "running")


class ExerciseQuerySet(models.QuerySet):
    def search(self, *, q: str = "", region: str = "", condition: str = "", category: str = ""):
        """Filter the library by words in the name or target, region, condition and category."""
        qs = self
        if q:
            qs = qs.filter(Q(name__icontains=q) | Q(target__icontains=q) | Q(slug__icontains=q))
        if region:
            qs = qs.filter(regions__contains=[region])
        if condition:
            qs = qs.filter(conditions__contains=[condition])
        if category:
            qs = qs.filter(category=category)
        return qs


class Exercise(models.Model):
    """One exercise of the clinic's library; managers edit it."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    regions = ArrayField(models.CharField(max_length=20, choices=Region.choices), default=list)
    conditions = ArrayField(
        models.CharField(max_length=40, choices=Condition.choices), default=list, blank=True
    )
    tissue = models.CharField(
        max_length=20, choices=TissueChoice.choices, default=TissueChoice.GENERAL
    )
    instructions = models.TextField()
    cues = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    target = models.CharField(max_length=200, blank=True)
    default_dosage = models.JSONField(default=dict, blank=True)
    progression = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="regressed_from"
    )
    regression = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="progressed_from"
    )
    contraindication_tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    illustration = models.CharField(
        max_length=200, blank=True, help_text="Path under static/, e.g. programs/exercises/x.svg"
    )
    video_url = models.URLField(blank=True)
    reference = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    objects = ExerciseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_impact(self) -> bool:
        return any(tag in IMPACT_TAGS for tag in self.contraindication_tags)


class TemplateKind(models.TextChoices):
    PROGRAM = "program", "Exercise program"
    WALK_RUN = "walk_run", "Walk-run return to running"


class ProgramTemplate(models.Model):
    """A phased program per condition (or the walk-run plan) to prescribe from."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=160)
    kind = models.CharField(max_length=20, choices=TemplateKind.choices)
    condition = models.CharField(max_length=40, choices=Condition.choices, blank=True)
    tissue = models.CharField(max_length=20, choices=TissueChoice.choices, blank=True)
    summary = models.TextField(blank=True)
    reference = models.CharField(max_length=200, blank=True)
    duration_weeks = models.PositiveSmallIntegerField(null=True, blank=True)
    education = ArrayField(models.TextField(), default=list, blank=True)
    # Phase names, weeks, criteria and notes (or walk-run stages) as in templates.json.
    phases = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TemplateItem(models.Model):
    template = models.ForeignKey(ProgramTemplate, on_delete=models.CASCADE, related_name="items")
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    phase = models.PositiveSmallIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)
    dosage = models.JSONField(default=dict, blank=True)
    notes = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["phase", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "phase", "order"], name="template_item_unique_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.template}"


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
        """Therapists: programs they prescribed or of patients at their locations; runners: own."""
        role = role_of(user)
        qs = self.select_related("patient", "therapist", "current_version", "evaluation")
        if role == Role.MANAGER:
            return qs
        if role == Role.THERAPIST:
            return qs.filter(
                Q(therapist=user) | Q(patient__preferred_location__staff__user=user)
            ).distinct()
        if role == Role.RUNNER:
            return qs.filter(patient__user=user).exclude(status=ProgramStatus.DRAFT)
        return qs.none()


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    append_only=True,
)
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
            models.CheckConstraint(
                condition=Q(baseline_pain__lte=10), name="program_baseline_pain_0_10"
            ),
            models.CheckConstraint(
                condition=Q(walk_run_stage__isnull=True) | Q(walk_run_stage__lte=8),
                name="program_walk_run_stage_0_8",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(current_version__isnull=False),
                name="program_published_has_version",
            ),
        ]

    def __str__(self) -> str:
        return self.title


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    append_only=True,
)
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
            models.CheckConstraint(condition=Q(sets__gte=1), name="item_sets_positive"),
            models.CheckConstraint(
                condition=Q(reps__isnull=False) | Q(hold_seconds__isnull=False),
                name="item_reps_or_hold",
            ),
            models.CheckConstraint(
                condition=Q(reps__isnull=True) | Q(reps__gte=1), name="item_reps_positive"
            ),
            models.CheckConstraint(
                condition=Q(hold_seconds__isnull=True) | Q(hold_seconds__gte=1),
                name="item_hold_positive",
            ),
            models.CheckConstraint(
                condition=Q(times_per_week__gte=1) & Q(times_per_week__lte=21),
                name="item_times_per_week_1_21",
            ),
            models.CheckConstraint(
                condition=Q(load_kg__isnull=True) | Q(load_kg__gte=0), name="item_load_kg_positive"
            ),
            models.CheckConstraint(condition=Q(phase__gte=1), name="item_phase_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} in {self.program}"


# Versions are immutable (a trigger refuses UPDATE): creating and deleting are the events.
@pghistory.track(pghistory.InsertEvent(), pghistory.DeleteEvent(), append_only=True)
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


class SessionLog(models.Model):
    """One day's home exercise session of a runner, logged against a program version."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="sessions")
    version = models.ForeignKey(ProgramVersion, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    completed = models.BooleanField(default=False, help_text="Every exercise of the day done.")
    notes = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(fields=["program", "date"], name="session_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"Session {self.date}"


class SessionEntry(models.Model):
    """How one exercise of a session went."""

    session = models.ForeignKey(SessionLog, on_delete=models.CASCADE, related_name="entries")
    item = models.ForeignKey(
        ProgramItem, null=True, on_delete=models.SET_NULL, related_name="entries"
    )
    exercise = models.ForeignKey(Exercise, on_delete=models.PROTECT, related_name="+")
    done = models.BooleanField(default=False)
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PAIN_HELP)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PAIN_HELP)
    next_morning_pain = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PAIN_HELP)
    difficulty = models.CharField(max_length=10, choices=Difficulty.choices, blank=True)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "item"], name="entry_one_per_item"),
            *_pain_checks("entry", ("pain_during", "pain_after", "next_morning_pain")),
        ]

    def __str__(self) -> str:
        return f"{self.exercise} on {self.session.date}"


class RunLog(models.Model):
    """One run the runner logged, with the load warning it got when stored."""

    patient = models.ForeignKey("patients.Patient", on_delete=models.CASCADE, related_name="+")
    date = models.DateField()
    distance_km = models.DecimalField(max_digits=5, decimal_places=2)
    duration_min = models.DecimalField(max_digits=5, decimal_places=1)
    rpe = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Effort, 1 (very easy) to 10 (maximal)."
    )
    pain_during = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PAIN_HELP)
    pain_after = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PAIN_HELP)
    next_morning_pain = models.PositiveSmallIntegerField(null=True, blank=True, help_text=PAIN_HELP)
    load_warning = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(distance_km__gt=0), name="run_distance_positive"),
            models.CheckConstraint(condition=Q(duration_min__gt=0), name="run_duration_positive"),
            models.CheckConstraint(
                condition=Q(rpe__isnull=True) | Q(rpe__gte=1, rpe__lte=10), name="run_rpe_1_10"
            ),
            *_pain_checks("run", ("pain_during", "pain_after", "next_morning_pain")),
        ]

    def __str__(self) -> str:
        return f"Run {self.date} {self.distance_km} km"


class SuggestionStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    APPROVED = "approved", "Approved"
    DISMISSED = "dismissed", "Dismissed"


class SuggestionAction(models.TextChoices):
    PROGRESS = "progress", "Progress"
    HOLD = "hold", "Hold"
    REGRESS = "regress", "Regress"


class ProgressionSuggestion(models.Model):
    """A proposed dosage change of one item, from the logs and its tissue's pain rule."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="suggestions")
    item = models.ForeignKey(ProgramItem, on_delete=models.CASCADE, related_name="suggestions")
    action = models.CharField(max_length=10, choices=SuggestionAction.choices)
    code = models.CharField(max_length=40)
    reason = models.TextField()
    current_dosage = models.JSONField(default=dict)
    proposed_dosage = models.JSONField(default=dict)
    therapist_review = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.ForeignKey(
        ProgramVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                condition=Q(status="pending"),
                name="suggestion_one_pending_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.item.exercise}"
