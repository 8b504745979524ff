"""The exercise library and the program templates prescribed from it."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language

from dangpt.conditions import Condition
from programs.rules.progression import Tissue


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


class TissueChoice(models.TextChoices):
    TENDON = Tissue.TENDON.value, "Tendon (up to 5/10, settled by next morning)"
    SOFT_TISSUE = Tissue.SOFT_TISSUE.value, "Soft tissue (up to 3/10, back to baseline in 24 h)"
    BONE = Tissue.BONE.value, "Bone (no pain)"
    GENERAL = Tissue.GENERAL.value, "General (as soft tissue)"


# What a runner reads of an exercise, with a Spanish column each (``<field>_es``).
LOCALIZED_FIELDS = ("name", "instructions", "cues")

# Tags that the screening safety gate blocks until a therapist acknowledges the screening.
IMPACT_TAGS = ("impact", "running")
# Every kind of loading the safety gate can block (assessments.safety.LoadingKind's values).
LOADING_TAGS = ("impact", "running", "tendon_load", "hip_load")
# How a page names each tag (the library may hold others: those read as words).
TAG_LABELS = {
    "impact": "Impact",
    "running": "Running",
    "tendon_load": "Tendon loading",
    "hip_load": "Hip and pelvis loading",
}


def _labels(codes, labels: dict) -> list[str]:
    """Each code's label, in order; a code without one as words ("hip_load" → "Hip load")."""
    return [labels.get(code) or code.replace("_", " ").capitalize() for code in codes]


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
    # Spanish of what the runner reads (programs/library/exercises_es.json); blank: English shown.
    name_es = models.CharField("name (Spanish)", max_length=120, blank=True)
    instructions_es = models.TextField("instructions (Spanish)", blank=True)
    cues_es = ArrayField(
        models.CharField(max_length=200), default=list, blank=True, verbose_name="cues (Spanish)"
    )
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

    def localized(self, field: str, language: str | None = None):
        """``name``, ``instructions`` or ``cues`` in the runner's language, else in English."""
        if field not in LOCALIZED_FIELDS:
            raise ValueError(f"{field!r} has no translation")
        code = (language or get_language() or "en").split("-")[0].lower()
        if code == "es":
            return getattr(self, f"{field}_es") or getattr(self, field)
        return getattr(self, field)

    def region_labels(self) -> list[str]:
        return _labels(self.regions, dict(Region.choices))

    def condition_labels(self) -> list[str]:
        return _labels(self.conditions, dict(Condition.choices))

    def caution_labels(self) -> list[str]:
        return _labels(self.contraindication_tags, TAG_LABELS)

    @property
    def is_impact(self) -> bool:
        return any(tag in IMPACT_TAGS for tag in self.contraindication_tags)

    @property
    def loading_kinds(self) -> set[str]:
        """The kinds of loading of this exercise that a red flag can block."""
        return set(LOADING_TAGS) & set(self.contraindication_tags)


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
    # Walk-run: the pain rule by the runner's condition, e.g. {"bone_stress_injury": "bone"}.
    tissue_by_condition = models.JSONField(default=dict, blank=True)

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
