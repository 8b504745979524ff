"""Celery tasks of the patients app: thin, ids only, each calling a service."""

from celery import shared_task

from patients.reminders.services import (
    SendOutcome,
    reminder_claim_due,
    reminder_send,
    reminder_sweep_stale,
    retry_delay,
)
from patients.services.self_booking import booking_holds_expire


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_reminder(self, reminder_id: int) -> str:
    """Send one reminder; retried with a growing delay while the service asks for it."""
    outcome = reminder_send(reminder_id=reminder_id)
    if outcome is SendOutcome.RETRY:
        from patients.reminders.models import Reminder

        attempts = Reminder.objects.values_list("attempts", flat=True).get(pk=reminder_id)
        raise self.retry(countdown=retry_delay(attempts))
    return outcome.value


@shared_task
def dispatch_due_reminders() -> int:
    """Beat, every minute: enqueue a send for each due reminder."""
    return len(reminder_claim_due(enqueue=lambda reminder_id: send_reminder.delay(reminder_id)))


@shared_task
def sweep_stale_reminders() -> int:
    """Beat, every minute: rows left in `sending` by a dead worker go back to `pending`."""
    return reminder_sweep_stale()


@shared_task
def expire_booking_holds() -> int:
    """Beat, every minute: online booking holds past their time give their slots back."""
    return booking_holds_expire()
