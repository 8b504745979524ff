"""Writes of the reminder outbox: rows follow the appointment, the dispatcher claims due rows,
the send task claims one row at a time with a conditional update."""

import datetime as dt
import logging
from collections.abc import Callable
from enum import Enum
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from patients.models import Appointment, Patient
from patients.reminders.channels import ChannelUnavailable, send_email, sms_backend
from patients.reminders.messages import build_message
from patients.reminders.models import (
    Channel,
    Reminder,
    ReminderAttempt,
    ReminderKind,
    ReminderPreference,
    ReminderStatus,
)

logger = logging.getLogger(__name__)

DAY_BEFORE = dt.timedelta(hours=24)
OPEN = (ReminderStatus.PENDING, ReminderStatus.FAILED)


class SendOutcome(Enum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    FAILED = "failed"
    NOT_CLAIMED = "not_claimed"


def _preference(patient: Patient) -> ReminderPreference:
    try:
        return patient.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(patient=patient)


def _channels(patient: Patient) -> list[str]:
    channels = [Channel.EMAIL]
    if patient.sms_opt_in and patient.phone:
        channels.append(Channel.SMS)
    return channels


def _upsert(*, appointment: Appointment, kind: str, due_at: dt.datetime) -> None:
    for channel in _channels(appointment.patient):
        reminder, created = Reminder.objects.get_or_create(
            appointment=appointment,
            kind=kind,
            channel=channel,
            defaults={"patient": appointment.patient, "due_at": due_at},
        )
        if not created:
            # A moved appointment re-arms its messages with the new time.
            Reminder.objects.filter(pk=reminder.pk).update(
                due_at=due_at,
                status=ReminderStatus.PENDING,
                attempts=0,
                last_error="",
                enqueued_at=None,
                claimed_at=None,
                sent_at=None,
            )


def reminders_for_appointment(*, appointment: Appointment, change: str, now=None) -> None:
    """Write the outbox rows of a booking, move or cancellation in the caller's transaction."""
    now = now or timezone.now()
    if change == "booked":
        _upsert(appointment=appointment, kind=ReminderKind.CONFIRMATION, due_at=now)
    if change == "rescheduled":
        # The runner hears "your visit moved" (new time, place, therapist), not a second
        # "booked"; a confirmation still waiting to go out is moot and is skipped.
        appointment.reminders.filter(kind=ReminderKind.CONFIRMATION, status__in=OPEN).update(
            status=ReminderStatus.SKIPPED, last_error="Appointment moved before it was sent."
        )
        _upsert(appointment=appointment, kind=ReminderKind.MOVED, due_at=now)
    if change in ("booked", "rescheduled"):
        _upsert(
            appointment=appointment,
            kind=ReminderKind.REMINDER_24H,
            due_at=max(appointment.start - DAY_BEFORE, now),
        )
    elif change == "cancelled":
        appointment.reminders.filter(status__in=OPEN).exclude(
            kind=ReminderKind.CANCELLATION
        ).update(status=ReminderStatus.SKIPPED, last_error="Appointment cancelled.")
        if appointment.start > now:
            _upsert(appointment=appointment, kind=ReminderKind.CANCELLATION, due_at=now)


def reminder_claim_due(
    *, now=None, limit: int | None = None, enqueue: Callable[[int], None]
) -> list[int]:
    """Claim due rows (FOR UPDATE SKIP LOCKED) and enqueue a send for each, by id only.

    Enqueueing happens inside the transaction: if Redis is down the claim rolls back and the
    next run tries again. A row already enqueued is enqueued again only after a while, in case
    its message was lost with a Redis restart; the send task's own claim stops duplicates.
    """
    now = now or timezone.now()
    limit = limit or settings.REMINDER_DISPATCH_BATCH
    requeue_before = now - dt.timedelta(seconds=settings.REMINDER_REENQUEUE_SECONDS)
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(status=ReminderStatus.PENDING, due_at__lte=now)
            .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=requeue_before))
            .order_by("due_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            Reminder.objects.filter(pk__in=ids).update(enqueued_at=now)
            for reminder_id in ids:
                enqueue(reminder_id)
    return ids


def reminder_sweep_stale(*, now=None) -> int:
    """Return rows stuck in `sending` (their worker died) to `pending`; returns how many."""
    now = now or timezone.now()
    stale_before = now - dt.timedelta(seconds=settings.REMINDER_STALE_SECONDS)
    return Reminder.objects.filter(
        status=ReminderStatus.SENDING, claimed_at__lt=stale_before
    ).update(status=ReminderStatus.PENDING, enqueued_at=None, last_error="Worker stopped mid-send.")


def _claim(reminder_id: int, now: dt.datetime) -> bool:
    claimed = Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.PENDING).update(
        status=ReminderStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def _finish(reminder: Reminder, status: str, started: dt.datetime, error: str = "") -> None:
    fields = {"status": status, "last_error": error[:300]}
    if status == ReminderStatus.SENT:
        fields["sent_at"] = timezone.now()
    if status == ReminderStatus.PENDING:
        fields["enqueued_at"] = timezone.now()
    Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.SENDING).update(**fields)
    ReminderAttempt.objects.create(
        reminder=reminder,
        started_at=started,
        outcome=ReminderStatus.FAILED if status == ReminderStatus.PENDING else status,
        error=error[:300],
    )


def _skip_reason(reminder: Reminder, now: dt.datetime) -> str:
    patient = reminder.patient
    if not _preference(patient).wants(reminder.kind):
        return "The runner turned these messages off."
    if reminder.channel == Channel.EMAIL and not patient.email:
        return "No email address on file."
    appointment = reminder.appointment
    if appointment is None:
        return ""
    if reminder.kind != ReminderKind.CANCELLATION and not appointment.is_active:
        return "Appointment cancelled."
    if reminder.kind == ReminderKind.REMINDER_24H and appointment.start <= now:
        return "The appointment has already started."
    return ""


def reminder_send(*, reminder_id: int) -> SendOutcome:
    """Claim one pending row, re-check it, deliver it and record the outcome."""
    started = timezone.now()
    if not _claim(reminder_id, started):
        return SendOutcome.NOT_CLAIMED
    reminder = Reminder.objects.select_related(
        "patient",
        "appointment__location",
        "appointment__therapist",
        "appointment__appointment_type",
    ).get(pk=reminder_id)
    reason = _skip_reason(reminder, started)
    if reason:
        _finish(reminder, ReminderStatus.SKIPPED, started, reason)
        return SendOutcome.SKIPPED
    try:
        message = build_message(reminder)
        if reminder.channel == Channel.SMS:
            sms_backend.send(reminder_id=reminder.pk, to=reminder.patient.phone, text=message.text)
        else:
            send_email(message)
    except ChannelUnavailable as exc:
        _finish(reminder, ReminderStatus.SKIPPED, started, str(exc))
        return SendOutcome.SKIPPED
    except Exception as exc:  # noqa: BLE001 - any delivery error is retried, then reported
        error = f"{exc.__class__.__name__}: {exc}"
        if reminder.attempts >= settings.REMINDER_MAX_ATTEMPTS:
            _finish(reminder, ReminderStatus.FAILED, started, error)
            logger.warning("Reminder %s failed after %s attempts", reminder.pk, reminder.attempts)
            return SendOutcome.FAILED
        _finish(reminder, ReminderStatus.PENDING, started, error)
        return SendOutcome.RETRY
    _finish(reminder, ReminderStatus.SENT, started)
    return SendOutcome.SENT


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: doubling from the base, capped at an hour."""
    return min(settings.REMINDER_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), 3600)


@transaction.atomic
def reminder_retry(*, reminder: Reminder) -> Reminder:
    """Front desk: send a failed reminder again from scratch."""
    updated = Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.FAILED).update(
        status=ReminderStatus.PENDING,
        attempts=0,
        enqueued_at=None,
        due_at=timezone.now(),
        last_error="",
    )
    if not updated:
        from django.core.exceptions import ValidationError

        raise ValidationError("Only failed reminders can be retried.")
    reminder.refresh_from_db()
    return reminder


@transaction.atomic
def reminder_preference_save(*, patient: Patient, values: dict) -> ReminderPreference:
    """Save a runner's choices of messages."""
    preference, _ = ReminderPreference.objects.get_or_create(patient=patient)
    for field, value in values.items():
        setattr(preference, field, value)
    preference.save()
    return preference


@transaction.atomic
def reminder_unsubscribe(*, patient: Patient, kind: str) -> ReminderPreference:
    """Turn one kind of message off (the signed link in every email)."""
    if kind not in ReminderKind.values:
        kind = ReminderKind.REMINDER_24H
    return reminder_preference_save(patient=patient, values={kind: False})


# --- Nudges: the apps that own them (programs, assessments) decide who is due; rows land here ---
def patient_local_now(patient: Patient, now: dt.datetime) -> dt.datetime:
    """`now` in the time zone of the patient's preferred location, else the clinic's."""
    location = patient.preferred_location
    zone = location.time_zone if location else settings.TIME_ZONE
    return now.astimezone(ZoneInfo(zone))


def reminder_nudge_write(*, patient: Patient, kind: str, day: dt.date, now: dt.datetime) -> bool:
    """Write one nudge row (outbox, sent by the dispatcher) for the patient, kind and local day;
    False when that day's row already exists."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                patient=patient, kind=kind, channel=Channel.EMAIL, for_date=day, due_at=now
            )
    except IntegrityError:
        return False
    return True
