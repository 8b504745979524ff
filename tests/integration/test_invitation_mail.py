"""A real worker emails the portal invitation: through an SMTP outage it tries again and the
runner gets the link once the server is back; the desk's page never waited for it."""

import re
import time

import pytest
import redis
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_invitation_queued_during_an_outage_arrives_when_smtp_is_back(
    client_for, front_desk, start_worker, smtp_sink
):
    """The desk invites while SMTP is down: the page answers at once; the worker's tries are
    refused, and after the server comes back the runner has exactly one email with a working
    link."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
    smtp_sink.stop()
    worker = start_worker(
        queue,
        env={
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}",
            "REMINDER_RETRY_BASE_SECONDS": "1",
        },
    )
    patient = PatientFactory(email="ana@example.test")
    response = client_for(front_desk).post(reverse("patients:invite", args=[patient.pk]))
    assert response.status_code == 302
    _wait_for_log(worker, "Retry in")
    smtp_sink.start()
    message = smtp_sink.wait_for(1, timeout=30)
    assert message["To"] == "ana@example.test"
    body = message.get_body(("plain",)).get_content()
    link = re.search(r"https?://[^/\s]+(/invite/\S+/)", body).group(1)
    assert Client().get(link).status_code == 200
    assert len(smtp_sink.messages) == 1, worker.output()


def _wait_for_log(worker, text: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while text not in worker.output() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert text in worker.output(), worker.output()
