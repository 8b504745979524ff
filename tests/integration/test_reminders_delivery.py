"""Reminders arrive once: a real Celery worker, real Redis and a real SMTP server on loopback."""

import base64
import datetime as dt
import json
import threading
import time
from zoneinfo import ZoneInfo

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone
from kombu import Connection

from dangpt.roles import Role
from patients.reminders.models import Reminder, ReminderAttempt, ReminderKind, ReminderStatus
from patients.reminders.services import reminder_claim_due, reminder_sweep_stale
from patients.services import appointment_book, appointment_cancel
from patients.tasks import send_reminder
from tests.factories import LocationFactory, PatientFactory
from tests.patients.factories import AppointmentTypeFactory, WorkingHoursFactory

pytestmark = pytest.mark.integration
LA = ZoneInfo("America/Los_Angeles")


@pytest.fixture
def clinic(make_user):
    """A therapist who works every day 7:00-19:00 in Los Angeles."""
    location = LocationFactory(name="Reminder Test Clinic", address="1 Sunset Blvd")
    therapist = make_user(Role.THERAPIST, first_name="Dana", last_name="Nguyen")
    for weekday in range(7):
        WorkingHoursFactory(
            therapist=therapist,
            location=location,
            weekday=weekday,
            start_time=dt.time(7),
            end_time=dt.time(19),
        )
    visit = AppointmentTypeFactory(name="Follow-up", duration_minutes=45)
    return location, therapist, visit


def book(clinic, *, days: int = 1, hour: int = 10, patient=None):
    location, therapist, visit = clinic
    day = timezone.localdate() + dt.timedelta(days=days)
    start = dt.datetime.combine(day, dt.time(hour), tzinfo=LA)
    return appointment_book(
        patient=patient or PatientFactory(preferred_location=location),
        therapist=therapist,
        appointment_type=visit,
        start=start,
    )


def enqueue_to(queue: str):
    return lambda reminder_id: send_reminder.apply_async(args=[reminder_id], queue=queue)


def wait_until(predicate, timeout: float = 30, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {message}")


def settled(*reminders) -> bool:
    ids = [r.pk for r in reminders]
    return not Reminder.objects.filter(
        pk__in=ids, status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING]
    ).exists()


def smtp_env(sink, **extra) -> dict:
    return {"EMAIL_URL": f"smtp://127.0.0.1:{sink.port}", **extra}


def test_booking_tomorrow_delivers_one_confirmation_and_one_reminder(
    clinic, start_worker, smtp_sink
):
    """The confirmation now and the day-before reminder when due: two emails, one of each."""
    worker = start_worker(env=smtp_env(smtp_sink))
    appointment = book(clinic, days=1, hour=18)
    reminders = list(appointment.reminders.order_by("kind"))
    assert [r.kind for r in reminders] == [ReminderKind.CONFIRMATION, ReminderKind.REMINDER_24H]
    reminder_claim_due(enqueue=enqueue_to(worker.queue))
    reminder_claim_due(
        now=appointment.start - dt.timedelta(hours=23), enqueue=enqueue_to(worker.queue)
    )
    wait_until(lambda: settled(*reminders), message="both reminders sent")
    assert set(appointment.reminders.values_list("status", flat=True)) == {ReminderStatus.SENT}
    time.sleep(1)  # nothing more trickles in
    subjects = sorted(str(m["subject"]).strip() for m in smtp_sink.messages)
    assert len(subjects) == 2
    assert subjects[0].startswith("Reminder: your appointment")
    assert subjects[1].startswith("Your appointment is booked")
    calendar = list(smtp_sink.messages[0].iter_attachments())
    assert calendar[0].get_content_type() == "text/calendar"


def test_ten_concurrent_enqueues_send_one_message(clinic, start_worker, smtp_sink):
    """Ten tasks for one reminder on two processes: the conditional claim lets one send."""
    worker = start_worker(env=smtp_env(smtp_sink), pool="prefork", concurrency=2)
    appointment = book(clinic)
    reminder = appointment.reminders.get(kind=ReminderKind.CONFIRMATION)
    appointment.reminders.exclude(pk=reminder.pk).update(status=ReminderStatus.SKIPPED)
    for _ in range(10):
        send_reminder.apply_async(args=[reminder.pk], queue=worker.queue)
    wait_until(lambda: settled(reminder), message="the reminder sent")
    time.sleep(2)
    assert len(smtp_sink.messages) == 1
    assert ReminderAttempt.objects.filter(reminder=reminder).count() == 1


def test_booking_succeeds_with_redis_down_and_reminder_arrives_later(
    clinic, start_worker, smtp_sink
):
    """Booking never talks to Redis; a dispatch while Redis is down rolls back and retries later."""
    unreachable = Connection("redis://127.0.0.1:1/0", connect_timeout=1)
    appointment = book(clinic, days=5)
    confirmation = appointment.reminders.get(kind=ReminderKind.CONFIRMATION)
    assert confirmation.status == ReminderStatus.PENDING

    def enqueue_while_down(reminder_id):
        send_reminder.apply_async(
            args=[reminder_id], queue="nowhere", connection=unreachable, retry=False
        )

    with pytest.raises(Exception):  # noqa: B017 - kombu raises its OperationalError subclass
        reminder_claim_due(enqueue=enqueue_while_down)
    confirmation.refresh_from_db()
    assert confirmation.enqueued_at is None, "the failed dispatch must not mark the row queued"

    worker = start_worker(env=smtp_env(smtp_sink))
    reminder_claim_due(enqueue=enqueue_to(worker.queue))
    wait_until(lambda: settled(confirmation), message="the confirmation sent")
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.SENT
    assert len(smtp_sink.messages) == 1


def test_worker_killed_before_smtp_send_loses_nothing_and_sends_once(
    clinic, start_worker, smtp_sink
):
    """SIGKILL while the worker talks to SMTP (before the message): the sweeper frees the row and
    a restarted worker sends it exactly once."""
    smtp_sink.rcpt_delay = 30
    first = start_worker(env=smtp_env(smtp_sink))
    appointment = book(clinic)
    appointment.reminders.exclude(kind=ReminderKind.CONFIRMATION).update(
        status=ReminderStatus.SKIPPED
    )
    confirmation = appointment.reminders.get(kind=ReminderKind.CONFIRMATION)
    reminder_claim_due(enqueue=enqueue_to(first.queue))
    wait_until(
        lambda: Reminder.objects.filter(pk=confirmation.pk, status=ReminderStatus.SENDING).exists(),
        message="the worker to claim the row",
    )
    time.sleep(1)  # the worker is now waiting on the SMTP server
    first.stop(kill=True)
    assert smtp_sink.messages == []
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.SENDING

    smtp_sink.rcpt_delay = 0
    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_STALE_SECONDS + 1)
    assert reminder_sweep_stale(now=later) == 1
    second = start_worker(first.queue, env=smtp_env(smtp_sink))
    reminder_claim_due(enqueue=enqueue_to(second.queue))
    wait_until(lambda: settled(confirmation), message="the confirmation sent after restart")
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.SENT
    time.sleep(1)
    assert len(smtp_sink.messages) == 1


def test_smtp_down_retries_with_growing_delays_then_fails_and_retry_sends_once(
    clinic, start_worker, smtp_sink, client, make_user
):
    """Three tries with a doubling delay, then `failed` on the page; after Retry it sends once."""
    smtp_sink.stop()
    worker = start_worker(
        env=smtp_env(smtp_sink, REMINDER_MAX_ATTEMPTS="3", REMINDER_RETRY_BASE_SECONDS="1")
    )
    appointment = book(clinic)
    appointment.reminders.exclude(kind=ReminderKind.CONFIRMATION).update(
        status=ReminderStatus.SKIPPED
    )
    confirmation = appointment.reminders.get(kind=ReminderKind.CONFIRMATION)
    reminder_claim_due(enqueue=enqueue_to(worker.queue))
    wait_until(lambda: settled(confirmation), timeout=40, message="the reminder to fail")
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.FAILED
    assert confirmation.attempts == 3
    assert "ConnectionRefusedError" in confirmation.last_error
    starts = list(
        ReminderAttempt.objects.filter(reminder=confirmation).values_list("started_at", flat=True)
    )
    gaps = [(b - a).total_seconds() for a, b in zip(starts, starts[1:], strict=False)]
    assert len(gaps) == 2 and gaps[1] > gaps[0] >= 0.9, gaps

    desk = make_user(Role.FRONT_DESK)
    desk.staff_profile.locations.add(clinic[0])  # the desk sees its location's patients
    client.force_login(desk)
    page = client.get("/desk/reminders/?status=failed").content.decode()
    assert "Failed" in page and "ConnectionRefusedError" in page

    smtp_sink.start()
    assert client.post(f"/desk/reminders/{confirmation.pk}/retry/").status_code == 302
    reminder_claim_due(enqueue=enqueue_to(worker.queue))
    wait_until(lambda: settled(confirmation), message="the retried reminder sent")
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.SENT
    time.sleep(1)
    assert len(smtp_sink.messages) == 1


def test_cancelled_appointment_gets_no_reminder(clinic, start_worker, smtp_sink):
    """Cancelling before the dispatch skips the confirmation and reminder; only the notice goes."""
    worker = start_worker(env=smtp_env(smtp_sink))
    appointment = book(clinic)
    appointment_cancel(appointment=appointment, by=None, reason="Runner is travelling")
    reminder_claim_due(enqueue=enqueue_to(worker.queue))
    reminder_claim_due(
        now=appointment.start - dt.timedelta(hours=1), enqueue=enqueue_to(worker.queue)
    )
    wait_until(lambda: settled(*appointment.reminders.all()), message="the outbox to settle")
    statuses = dict(appointment.reminders.values_list("kind", "status"))
    assert statuses == {
        ReminderKind.CONFIRMATION: ReminderStatus.SKIPPED,
        ReminderKind.REMINDER_24H: ReminderStatus.SKIPPED,
        ReminderKind.CANCELLATION: ReminderStatus.SENT,
    }
    time.sleep(1)
    assert [str(m["subject"]).strip().split(" on ")[0] for m in smtp_sink.messages] == [
        "Your appointment"
    ]
    assert "cancelled" in smtp_sink.messages[0]["subject"]


def test_two_dispatchers_at_once_send_no_duplicates(clinic, start_worker, smtp_sink):
    """Two beat runs at the same moment claim disjoint rows; every reminder is sent once."""
    worker = start_worker(env=smtp_env(smtp_sink), pool="prefork", concurrency=2)
    appointments = [book(clinic, hour=8 + i) for i in range(8)]
    due = list(Reminder.objects.filter(appointment__in=appointments))
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = []

    def dispatch():
        try:
            barrier.wait()
            later = timezone.now() + dt.timedelta(days=1)
            claimed.append(reminder_claim_due(now=later, enqueue=enqueue_to(worker.queue)))
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claimed[0]) & set(claimed[1])
    assert sorted(claimed[0] + claimed[1]) == sorted(r.pk for r in due)
    wait_until(lambda: settled(*due), timeout=60, message="all reminders sent")
    time.sleep(1)
    assert len(smtp_sink.messages) == len(due) == 16


def test_task_arguments_hold_only_the_reminder_id(clinic):
    """The message on Redis carries the id and nothing from the chart or the patient."""
    queue = "inspect-args"
    client = redis.Redis.from_url(settings.REDIS_URL)
    client.delete(queue)
    appointment = book(clinic, days=5)
    ids = reminder_claim_due(enqueue=enqueue_to(queue))
    raw = client.lrange(queue, 0, -1)
    client.delete(queue)
    assert len(raw) == len(ids) == 1
    envelope = json.loads(raw[0])
    args, kwargs, _ = json.loads(base64.b64decode(envelope["body"]))
    assert args == ids and kwargs == {}
    assert appointment.patient.last_name not in raw[0].decode()
    assert envelope["headers"]["argsrepr"] == repr(ids)
    assert envelope["headers"]["kwargsrepr"] == "{}"


def test_reminder_for_a_spanish_reader_arrives_in_spanish(clinic, start_worker, smtp_sink):
    """A real worker sends the day-before reminder of a Spanish-speaking runner: the SMTP
    server on loopback receives a Spanish subject and body, with the Spanish date."""
    worker = start_worker(env=smtp_env(smtp_sink))
    patient = PatientFactory(
        preferred_location=clinic[0],
        first_name="Lucía",
        email="lucia@example.test",
        preferred_language="es",
    )
    appointment = book(clinic, days=2, hour=15, patient=patient)
    appointment.reminders.exclude(kind=ReminderKind.REMINDER_24H).update(
        status=ReminderStatus.SKIPPED
    )
    reminder = appointment.reminders.get(kind=ReminderKind.REMINDER_24H)
    reminder_claim_due(
        now=appointment.start - dt.timedelta(hours=23), enqueue=enqueue_to(worker.queue)
    )
    wait_until(lambda: settled(reminder), message="the Spanish reminder sent")
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    (message,) = smtp_sink.messages
    subject = str(message["subject"]).strip()
    assert subject.startswith("Recordatorio: su cita el ") and "3:00 PM" in subject
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Hola, Lucía:" in text and "Le recordamos su cita." in text
    assert "Cuándo:" in text and " de 20" in text and "3:00 PM" in text
    assert "Confirme que va a venir:" in text and "Voy a ir" in html
    assert "Hello" not in text and "Reminder" not in subject
    assert "lucia@example.test" in message["to"]
