"""A real worker process takes a task from Redis and writes to PostgreSQL."""

import time

import pytest
from django.utils import timezone

from dangpt.models import Heartbeat
from dangpt.tasks import heartbeat

pytestmark = pytest.mark.integration


def test_real_worker_runs_the_heartbeat_task(celery_worker_queue):
    """The task travels through Redis to a separate worker process that records its heartbeat."""
    sent_at = timezone.now()
    heartbeat.apply_async(queue=celery_worker_queue)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        beat = Heartbeat.objects.filter(name="worker", seen_at__gte=sent_at).first()
        if beat:
            break
        time.sleep(0.2)
    assert beat is not None, "the worker did not run the task within 30 s"
