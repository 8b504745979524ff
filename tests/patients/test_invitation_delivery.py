"""The portal invitation is emailed by a worker: an SMTP outage never breaks the desk's page,
the task carries the login's id only, and the desk is told what really happens."""

import base64
import json

import pytest
import redis
from django.conf import settings as django_settings
from django.urls import reverse

from dangpt.celery import app
from patients.services.invitations import runner_invitation_deliver
from patients.tasks import send_runner_invitation
from tests.factories import PatientFactory
from tests.smtp import plain_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def smtp_down(smtp):
    """Django's SMTP backend pointed at a loopback port where nothing listens now (refused)."""
    smtp.stop()
    return smtp


@pytest.mark.usefixtures("celery_eager")
def test_the_desk_page_stands_when_smtp_refuses(
    smtp_down, client_for, front_desk, django_capture_on_commit_callbacks
):
    """SMTP refuses the connection: the desk still lands on the patient's page, the login is
    made, and the message says the email is on its way (not that it was sent)."""
    patient = PatientFactory(email="ana@example.test")
    client = client_for(front_desk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("patients:invite", args=[patient.pk]))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "will be emailed to ana@example.test within a few minutes" in page
    assert "Invitation sent" not in page
    patient.refresh_from_db()
    assert patient.user is not None and not patient.user.has_usable_password()


def test_the_worker_raises_on_a_refused_socket_and_sends_once_smtp_is_back(smtp_down):
    """The worker's delivery lets the refused connection out (the task retries it); with the
    server back it sends a fresh link; once the runner has a password there is nothing to send."""
    patient = PatientFactory(email="ana@example.test")
    from patients.services import runner_invitation_send

    runner_invitation_send(patient=patient)
    patient.refresh_from_db()
    with pytest.raises(OSError):
        runner_invitation_deliver(user_id=patient.user_id)
    smtp_down.start()  # the server is back on its port
    assert runner_invitation_deliver(user_id=patient.user_id) == "sent"
    assert "/invite/" in plain_text(smtp_down.wait_for(1))
    patient.user.set_password("a-long-and-new-password-2026")
    patient.user.save()
    assert runner_invitation_deliver(user_id=patient.user_id) == "skipped"


def test_the_queued_task_carries_the_login_id_only(
    client_for, front_desk, django_capture_on_commit_callbacks
):
    """What sits in Redis for the worker: the task's name and the login's id, no token, link,
    address or name."""
    queue = app.conf.task_default_queue
    broker = redis.Redis.from_url(django_settings.CELERY_BROKER_URL)
    broker.delete(queue)
    patient = PatientFactory(email="ana@example.test", first_name="Ana")
    with django_capture_on_commit_callbacks(execute=True):
        client_for(front_desk).post(reverse("patients:invite", args=[patient.pk]))
    patient.refresh_from_db()
    raw = [json.loads(m) for m in broker.lrange(queue, 0, -1)]
    broker.delete(queue)
    mine = [m for m in raw if m["headers"]["task"] == send_runner_invitation.name]
    assert len(mine) == 1
    args, kwargs, _ = json.loads(base64.b64decode(mine[0]["body"]))
    assert (args, kwargs) == ([patient.user_id], {})
    text = json.dumps(mine[0]["headers"]) + base64.b64decode(mine[0]["body"]).decode()
    assert not any(w in text for w in ("invite", "ana@example.test", "Ana"))
