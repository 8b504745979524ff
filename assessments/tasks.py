"""Celery tasks of the assessments app: thin, each calling a service."""

from celery import shared_task
from django.utils import timezone

from assessments.nudges import questionnaire_nudges_write
from assessments.services.attachments import attachment_process


@shared_task
def schedule_questionnaire_nudges() -> int:
    """Beat, every five minutes: write today's 'questionnaire due' nudges."""
    return questionnaire_nudges_write(now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def process_attachment(attachment_id: int) -> None:
    """Make a video's poster and browser-safe MP4 (the id only: no file name, no patient)."""
    attachment_process(attachment_id=attachment_id)
