"""Online booking against the real database from many connections at once, and real mail."""

import datetime as dt
import re
import threading
import time

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import Client

from patients import slots
from patients.models import Appointment, BookingHold, HoldStatus, Patient, VisitKind
from patients.services import self_booking
from patients.tasks import expire_booking_holds
from tests.patients.conftest import at, build_clinic

pytestmark = pytest.mark.django_db(transaction=True)

CLINICAL_WORDS = ("evaluation", "injury", "pain", "diagnos", "treatment", "knee", "tendin")


@pytest.fixture
def online(make_user):
    """A clinic whose evaluation runners can book online."""
    clinic = build_clinic(make_user)
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    return clinic


def _body(clinic, start, n: int) -> dict:
    return {
        "first_name": f"Runner{n}",
        "last_name": "Race",
        "email": f"runner{n}@example.com",
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
        "appointment_type": clinic.evaluation.pk,
        "start": start.isoformat(),
    }


def test_twenty_simultaneous_holds_of_one_slot_give_at_most_one(online, smtp):
    """20 connections post the same slot: one 202, the rest 409 or 429, no 5xx, one email."""
    start = at(online.monday, 10)
    barrier = threading.Barrier(20)
    codes: list[int] = []

    def book(n: int) -> None:
        try:
            client = Client()
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/public/bookings", _body(online, start, n), content_type="application/json"
            )
            codes.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(codes) == 20
    assert codes.count(202) == 1, codes
    assert all(code in (202, 409, 429) for code in codes), codes
    assert BookingHold.objects.filter(status=HoldStatus.HELD).count() == 1
    public = self_booking.public_free_slots(
        location=online.location, appointment_type=online.evaluation, day=online.monday
    )
    staff = slots.free_slots(appointment_type=online.evaluation, day=online.monday)
    assert start not in [s["start"] for s in public] + [s["start"] for s in staff]
    assert len(smtp.messages) == 1


def test_confirm_email_and_invitation_arrive_by_smtp_without_clinical_words(
    online, smtp, start_worker
):
    """The confirm email and, after confirming, the portal invitation (a worker's) reach the
    SMTP server."""
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    redis.Redis.from_url(settings.CELERY_BROKER_URL).delete(queue)
    worker = start_worker(queue, env={"EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}"})
    client = Client()
    response = client.post(
        "/api/v1/public/bookings",
        _body(online, at(online.monday, 10), 1),
        content_type="application/json",
    )
    assert response.status_code == 202
    (message,) = smtp.messages
    text = message.get_content()
    assert not any(w in (text + str(message["subject"])).lower() for w in CLINICAL_WORDS)
    assert "Dana Nguyen" in text and "10:00 AM" in text
    link = re.search(r"https?://[^/\s]+(/book/confirm/\S+/)", text).group(1)
    assert client.post(link).status_code == 200
    assert Appointment.objects.get().patient == Patient.objects.get(email="runner1@example.com")
    invitation = smtp.wait_for(2, timeout=30)
    assert len(smtp.messages) == 2, worker.output()
    assert "runner portal" in str(invitation["subject"])
    assert not any(w in invitation.get_content().lower() for w in CLINICAL_WORDS)


def test_a_hold_and_a_desk_booking_racing_for_one_slot_never_both_win(online):
    """Hold creation and appointment_book from two connections: exactly one takes the time."""
    from patients.services import SlotTaken, appointment_book
    from tests.factories import PatientFactory

    patient = PatientFactory()
    start = at(online.monday, 10)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def desk() -> None:
        try:
            barrier.wait(timeout=30)
            appointment_book(
                patient=patient,
                therapist=online.therapist,
                appointment_type=online.evaluation,
                start=start + dt.timedelta(minutes=30),
            )
            outcomes.append("booked")
        except SlotTaken:
            outcomes.append("taken")
        finally:
            connection.close()

    def web() -> None:
        try:
            barrier.wait(timeout=30)
            response = Client().post(
                "/api/v1/public/bookings", _body(online, start, 2), content_type="application/json"
            )
            outcomes.append("held" if response.status_code == 202 else str(response.status_code))
        finally:
            connection.close()

    threads = [threading.Thread(target=desk), threading.Thread(target=web)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) in (["409", "booked"], ["held", "taken"]), outcomes
    live = BookingHold.objects.filter(status=HoldStatus.HELD).count()
    assert live + Appointment.objects.count() == 1


def test_a_real_worker_expires_holds_past_their_time(online, celery_worker_queue):
    """The beat task, run by a worker process over Redis, gives an expired hold's slot back."""
    details = self_booking.clean_details(
        first_name="Ana",
        last_name="Runner",
        email="ana@example.com",
        phone="(213) 555-0100",
        date_of_birth=dt.date(1990, 5, 1),
    )
    hold = self_booking.booking_hold_create(
        location=online.location,
        appointment_type=online.evaluation,
        start=at(online.monday, 10),
        therapist=online.therapist,
        details=details,
    )
    BookingHold.objects.filter(pk=hold.pk).update(expires_at=hold.created_at)
    expire_booking_holds.apply_async(queue=celery_worker_queue)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        hold.refresh_from_db()
        if hold.status == HoldStatus.EXPIRED:
            break
        time.sleep(0.2)
    assert hold.status == HoldStatus.EXPIRED
