"""Celery tasks of the programs app: thin, each calling a service."""

from celery import shared_task
from django.utils import timezone

from programs.nudges import program_nudges_write


@shared_task
def schedule_program_nudges() -> int:
    """Beat, every five minutes: write today's program nudges that are due."""
    return program_nudges_write(now=timezone.now())
