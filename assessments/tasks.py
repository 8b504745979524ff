"""Celery tasks of the assessments app: thin, each calling a service."""

from celery import shared_task
from django.utils import timezone

from assessments.nudges import questionnaire_nudges_write


@shared_task
def schedule_questionnaire_nudges() -> int:
    """Beat, every five minutes: write today's 'questionnaire due' nudges."""
    return questionnaire_nudges_write(now=timezone.now())
