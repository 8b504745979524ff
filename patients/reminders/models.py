"""The reminder outbox: rows written with the booking, sent by Celery, each exactly once."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Channel",
    "Reminder",
    "ReminderAttempt",
    "ReminderKind",
    "ReminderPreference",
    "ReminderStatus",
]

APPOINTMENT_KINDS = ("confirmation", "reminder_24h", "cancellation", "moved")


class ReminderKind(models.TextChoices):
    CONFIRMATION = "confirmation", _("Booking confirmation")
    REMINDER_24H = "reminder_24h", _("Reminder the day before")
    CANCELLATION = "cancellation", _("Cancellation notice")
    MOVED = "moved", _("Change of time notice")
    PROGRAM_NUDGE = "program_nudge", _("Daily program nudge")
    QUESTIONNAIRE_DUE = "questionnaire_due", _("Questionnaire due")


PREFERENCE_OF = {ReminderKind.MOVED: "confirmation"}


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Upcoming"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    SKIPPED = "skipped", "Skipped"
    FAILED = "failed", "Failed"


class Reminder(models.Model):
    """One message to send; the dispatcher claims due rows, the send task claims one row."""

    patient = models.ForeignKey(
        "patients.Patient", on_delete=models.CASCADE, related_name="reminders"
    )
    appointment = models.ForeignKey(
        "patients.Appointment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    for_date = models.DateField(
        null=True, blank=True, help_text="The local day a nudge is about (nudges only)."
    )
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=8, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(
                fields=["due_at"],
                condition=Q(status="pending"),
                name="reminder_pending_due",
            ),
            models.Index(
                fields=["claimed_at"], condition=Q(status="sending"), name="reminder_sending"
            ),
            models.Index(fields=["status", "due_at"], name="reminder_status_due"),
            # The outbox page: every reminder, newest due first, a page at a time.
            models.Index(fields=["due_at", "id"], name="reminder_due_id"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment", "kind", "channel"],
                condition=Q(appointment__isnull=False),
                name="reminder_once_per_appointment_kind_channel",
            ),
            models.UniqueConstraint(
                fields=["patient", "kind", "channel", "for_date"],
                condition=Q(appointment__isnull=True),
                name="reminder_nudge_once_per_day",
            ),
            models.CheckConstraint(
                condition=Q(appointment__isnull=False, kind__in=APPOINTMENT_KINDS)
                | Q(appointment__isnull=True, for_date__isnull=False)
                & ~Q(kind__in=APPOINTMENT_KINDS),
                name="reminder_kind_matches_subject",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="reminder_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Reminder {self.pk} ({self.kind}, {self.status})"


class ReminderAttempt(models.Model):
    """Each try at sending, kept so the front desk can see what went wrong and when."""

    reminder = models.ForeignKey(Reminder, on_delete=models.CASCADE, related_name="attempt_log")
    started_at = models.DateTimeField()
    outcome = models.CharField(max_length=8, choices=ReminderStatus.choices)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["started_at", "id"]

    def __str__(self) -> str:
        return f"Attempt on reminder {self.reminder_id}: {self.outcome}"


class ReminderPreference(models.Model):
    """What a runner wants to receive; appointment messages are on unless turned off."""

    patient = models.OneToOneField(
        "patients.Patient", on_delete=models.CASCADE, related_name="reminder_preference"
    )
    confirmation = models.BooleanField("Booking confirmations", default=True)
    reminder_24h = models.BooleanField("Reminder the day before", default=True)
    cancellation = models.BooleanField("Cancellation notices", default=True)
    program_nudge = models.BooleanField(
        "Daily nudge when I have not logged my exercises", default=False
    )
    nudge_time = models.TimeField("Nudge time (clinic time zone)", default="18:00")
    questionnaire_due = models.BooleanField("Questionnaire due", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Reminder preferences of patient {self.patient_id}"

    def wants(self, kind: str) -> bool:
        # A change-of-time notice follows the booking-confirmation choice: both say when to come.
        return bool(getattr(self, PREFERENCE_OF.get(kind, kind), False))
