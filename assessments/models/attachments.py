"""Attachments: gait videos, photos and documents (referrals, imaging reports) on a chart.

The file itself lives in the `attachments` storage (never a public URL) under a random name; the
row keeps what was uploaded (name, size, SHA-256, the type read from the content) and what the
worker made of a video (poster, browser-safe MP4, duration, frame rate). A file that became part
of a signed note is `locked`: PostgreSQL refuses to delete it or change what identifies it.
"""

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from dangpt.audit.history import track

from .evaluations import ChartQuerySet, Evaluation
from .gait import GaitAnalysis


class AttachmentKind(models.TextChoices):
    VIDEO = "video", "Video"
    IMAGE = "image", "Image"
    PDF = "pdf", "PDF document"


class ProcessingStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be processed"
    PROCESSING = "processing", "Processing"
    READY = "ready", "Ready"
    FAILED = "failed", "Processing failed"


# What identifies the uploaded file: none of it changes once the file is part of a signed note.
IDENTITY_FIELDS = (
    "patient",
    "evaluation",
    "gait_analysis",
    "kind",
    "original_name",
    "storage_name",
    "size_bytes",
    "sha256",
    "content_type",
    "uploaded_by",
    "uploaded_at",
)


class AttachmentQuerySet(ChartQuerySet):
    def with_related(self):
        """Join what every attachment page shows: the patient, the uploader, the note."""
        return self.select_related("patient", "uploaded_by", "evaluation", "gait_analysis")

    def shared_with(self, user):
        """Ready clips shared with this runner (their own chart only); none for anyone else."""
        return self.filter(
            patient__user=user,
            patient__user__isnull=False,
            shared_with_runner=True,
            kind=AttachmentKind.VIDEO,
            status=ProcessingStatus.READY,
        )


# Words of assessments.media's messages when the worker, not the file, was the problem.
RETRYABLE_FAILURES = (
    "took longer than",
    "could not start",
    "could not be read from storage",
)


@track()
class Attachment(models.Model):
    """A file on a patient's chart, optionally part of an evaluation or a gait analysis."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.PROTECT, related_name="attachments"
    )
    evaluation = models.ForeignKey(
        Evaluation, null=True, blank=True, on_delete=models.PROTECT, related_name="attachments"
    )
    gait_analysis = models.ForeignKey(
        GaitAnalysis,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    kind = models.CharField(max_length=8, choices=AttachmentKind.choices)
    label = models.CharField(
        max_length=120, blank=True, help_text="For example “Treadmill, left side, 10 km/h”."
    )
    original_name = models.CharField("file name", max_length=255)
    storage_name = models.CharField(max_length=255, unique=True)
    size_bytes = models.BigIntegerField("size (bytes)")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attachments_uploaded"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # Processing (videos; images and PDFs are ready at once)
    status = models.CharField(
        max_length=12, choices=ProcessingStatus.choices, default=ProcessingStatus.PENDING
    )
    error_message = models.TextField(blank=True)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processing_attempts = models.PositiveSmallIntegerField(default=0)
    poster_name = models.CharField(max_length=255, blank=True)
    playable_name = models.CharField(max_length=255, blank=True)
    duration_s = models.DecimalField(
        "duration (s)", max_digits=9, decimal_places=3, null=True, blank=True
    )
    frame_rate = models.DecimalField(
        "frame rate (fps)", max_digits=7, decimal_places=3, null=True, blank=True
    )
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    # Sharing with the runner's portal
    shared_with_runner = models.BooleanField(default=False)
    runner_cues = models.TextField("cues for the runner", blank=True)
    shared_at = models.DateTimeField(null=True, blank=True)
    # Part of a signed note: the hash is kept, the file cannot be replaced or deleted.
    locked = models.BooleanField(default=False)
    locked_at = models.DateTimeField(null=True, blank=True)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [
            models.Index(fields=["patient", "-uploaded_at"], name="attachment_patient_recent")
        ]
        constraints = [
            models.CheckConstraint(name="attachment_size_positive", condition=Q(size_bytes__gt=0)),
            models.CheckConstraint(
                name="attachment_sha256_hex", condition=Q(sha256__regex=r"^[0-9a-f]{64}$")
            ),
            models.CheckConstraint(
                name="attachment_kind_valid", condition=Q(kind__in=AttachmentKind.values)
            ),
            models.CheckConstraint(
                name="attachment_status_valid", condition=Q(status__in=ProcessingStatus.values)
            ),
            models.CheckConstraint(
                name="attachment_failed_has_message",
                condition=~Q(status="failed") | ~Q(error_message=""),
            ),
            models.CheckConstraint(
                name="attachment_ready_video_playable",
                condition=~Q(kind="video", status="ready") | ~Q(playable_name=""),
            ),
            models.CheckConstraint(
                name="attachment_shared_ready_video",
                condition=Q(shared_with_runner=False, shared_at__isnull=True)
                | Q(
                    shared_with_runner=True,
                    shared_at__isnull=False,
                    kind="video",
                    status="ready",
                ),
            ),
            models.CheckConstraint(
                name="attachment_locked_stamped",
                condition=Q(locked=False, locked_at__isnull=True)
                | Q(locked=True, locked_at__isnull=False),
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="locked_attachment_not_deleted",
                operation=pgtrigger.Delete,
                condition=pgtrigger.Q(old__locked=True),
            ),
            # Processing and sharing may go on after signing; the file's identity may not change.
            pgtrigger.Protect(
                name="locked_attachment_identity",
                operation=pgtrigger.Update,
                condition=pgtrigger.Q(old__locked=True)
                & (
                    pgtrigger.Q(new__locked=False)
                    | pgtrigger.Q(new__patient_id__df=pgtrigger.F("old__patient_id"))
                    | pgtrigger.Q(new__evaluation_id__df=pgtrigger.F("old__evaluation_id"))
                    | pgtrigger.Q(new__gait_analysis_id__df=pgtrigger.F("old__gait_analysis_id"))
                    | pgtrigger.Q(new__kind__df=pgtrigger.F("old__kind"))
                    | pgtrigger.Q(new__original_name__df=pgtrigger.F("old__original_name"))
                    | pgtrigger.Q(new__storage_name__df=pgtrigger.F("old__storage_name"))
                    | pgtrigger.Q(new__size_bytes__df=pgtrigger.F("old__size_bytes"))
                    | pgtrigger.Q(new__sha256__df=pgtrigger.F("old__sha256"))
                    | pgtrigger.Q(new__content_type__df=pgtrigger.F("old__content_type"))
                    | pgtrigger.Q(new__uploaded_at__df=pgtrigger.F("old__uploaded_at"))
                    | pgtrigger.Q(new__locked_at__df=pgtrigger.F("old__locked_at"))
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_video(self) -> bool:
        return self.kind == AttachmentKind.VIDEO

    @property
    def is_ready(self) -> bool:
        return self.status == ProcessingStatus.READY

    @property
    def failure_retryable(self) -> bool:
        """A failure of the worker (stopped, timed out, tools or storage missing) is worth
        another try; any other failure means ffmpeg could not read the file itself."""
        return any(sign in self.error_message for sign in RETRYABLE_FAILURES)

    @property
    def display_name(self) -> str:
        """What pages call the file: its label, else the name it was uploaded with."""
        return self.label or self.original_name
