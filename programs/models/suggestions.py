"""Progression suggestions: a proposed dosage change of one item, for the therapist to decide."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from programs.models.prescribing import Program, ProgramItem, ProgramVersion


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
