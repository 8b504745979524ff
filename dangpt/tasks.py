"""Cross-cutting background tasks."""

from celery import shared_task

from dangpt.services import heartbeat_record


@shared_task
def heartbeat() -> None:
    """Beat schedules this every minute; the health page shows when a worker last ran it."""
    heartbeat_record(name="worker")
