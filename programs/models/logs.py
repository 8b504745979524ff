"""The runner's logs: home exercise sessions (per exercise) and runs."""

from django.db import models
from django.db.models import Q

from programs.models.library import Exercise
from programs.models.prescribing import Program, ProgramItem, ProgramVersion
from programs.rules.progression import Difficulty

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


# The model's choices are built from the pure rules' Difficulty, with the words the runner sees.
DIFFICULTY_LABELS = {Difficulty.EASY: "Easy", Difficulty.OK: "About right", Difficulty.HARD: "Hard"}
DifficultyChoice = models.TextChoices(
    "DifficultyChoice", [(d.name, (d.value, DIFFICULTY_LABELS[d])) for d in Difficulty]
)


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
    difficulty = models.CharField(max_length=10, choices=DifficultyChoice.choices, blank=True)

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
