"""Celery tasks of the patients app: thin, ids only, each calling a service."""

from smtplib import SMTPException

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


@shared_task(bind=True, acks_late=True, max_retries=5)
def send_waitlist_offer(self, offer_id: int) -> str:
    """Email one waitlist offer; an SMTP failure is tried again a little later."""
    from patients.services.offers import waitlist_offer_send

    outcome = waitlist_offer_send(offer_id=offer_id)
    if outcome == "failed":
        raise self.retry(countdown=retry_delay(self.request.retries + 1))
    return outcome


@shared_task
def sweep_waitlist_offers() -> int:
    """Beat, every minute: send offers whose task was lost (Redis away when the slot freed)."""
    from patients.services.offers import waitlist_offers_unsent

    ids = waitlist_offers_unsent()
    for offer_id in ids:
        send_waitlist_offer.delay(offer_id)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=8)
def send_runner_invitation(self, user_id: int) -> str:
    """Email a portal invitation (the login's id only: the worker makes the link); an SMTP
    failure is tried again later, with a growing delay."""
    from patients.services.invitations import runner_invitation_deliver

    try:
        return runner_invitation_deliver(user_id=user_id)
    except (OSError, SMTPException) as exc:
        raise self.retry(countdown=retry_delay(self.request.retries + 1), exc=exc) from exc
