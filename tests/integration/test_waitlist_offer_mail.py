"""A freed slot's offer reaches the waiting runner: the cancel commits, a real Celery worker
sends the email over a real SMTP server on loopback, and the email says nothing clinical."""

import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from dangpt.roles import Role
from patients.models import WaitlistOffer
from patients.services import appointment_book, appointment_cancel
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import (
    AppointmentTypeFactory,
    WaitlistEntryFactory,
    WorkingHoursFactory,
)

pytestmark = pytest.mark.integration
LA = ZoneInfo("America/Los_Angeles")
# Words that would tell a reader why the runner is seen; none may be in an offer email.
CLINICAL_WORDS = (
    "diagnos",
    "pain",
    "injur",
    "tendin",
    "fracture",
    "fasciitis",
    "knee",
    "shin",
    "screening",
    "evaluation",
    "note",
    "Knee rehab check",  # the visit type's name is not sent either
)


def test_offer_email_sent_by_the_worker_carries_no_clinical_words(
    make_user, start_worker, smtp_sink
):
    """Cancel a visit: the waiting runner gets one email with time, place, therapist and link."""
    location = LocationFactory(name="Offer Mail Clinic", address="1 Sunset Blvd")
    therapist = make_user(Role.THERAPIST, first_name="Dana", last_name="Nguyen")
    for weekday in range(7):
        WorkingHoursFactory(
            therapist=therapist,
            location=location,
            weekday=weekday,
            start_time=dt.time(7),
            end_time=dt.time(19),
        )
    kind = AppointmentTypeFactory(name="Knee rehab check", duration_minutes=45)
    start = dt.datetime.combine(
        timezone.localdate() + dt.timedelta(days=3), dt.time(15, 30), tzinfo=LA
    )
    visit = appointment_book(
        patient=PatientFactory(preferred_location=location),
        therapist=therapist,
        appointment_type=kind,
        start=start,
        location=location,
    )
    waiting = WaitlistEntryFactory(
        patient=PatientFactory(first_name="Wendy", email="wendy@example.test"),
        appointment_type=kind,
        location=location,
    )
    # The task is queued after commit on the default queue, as in production: a worker of its
    # own consumes that queue, emptied first of what earlier tests left in it.
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
    worker = start_worker(queue, env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp_sink.port}"})

    appointment_cancel(appointment=visit, by=None)  # commits; the task is queued after

    deadline = time.monotonic() + 30
    offer = WaitlistOffer.objects.get(entry=waiting)
    while time.monotonic() < deadline and not WaitlistOffer.objects.get(pk=offer.pk).sent_at:
        time.sleep(0.2)
    offers_mail = [m for m in smtp_sink.messages if m["To"] == "wendy@example.test"]
    assert len(offers_mail) == 1, worker.output()
    message = offers_mail[0]
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert str(message["Subject"]).startswith("A visit time opened up")
    for body in (text, html):
        assert "3:30 PM" in body and "Offer Mail Clinic" in body and "Dana Nguyen" in body
        assert "/offer/" in body
        lowered = body.lower()
        assert not [w for w in CLINICAL_WORDS if w.lower() in lowered], body
