"""python manage.py bench_reminders [--count N]: dispatch and send N due reminders end to end.

A benchmark, not a test: it writes N appointments with a due confirmation each, starts a real
Celery worker and an SMTP sink on loopback, runs the dispatcher until every row is sent, prints
JSON with messages per second, and removes what it created. Use a database you can write to.
"""

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import time
import uuid

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from patients.models import Appointment, AppointmentType, Location, Patient
from patients.reminders.models import Reminder, ReminderKind, ReminderStatus
from patients.reminders.services import reminder_claim_due
from patients.tasks import send_reminder


class Sink:
    """Counts messages; aiosmtpd runs it on its own thread."""

    def __init__(self):
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    from urllib.parse import quote

    s = connection.settings_dict
    host = quote(s["HOST"], safe="") if s["HOST"].startswith("/") else s["HOST"]
    port = f":{s['PORT']}" if s["PORT"] else ""
    password = f":{quote(s['PASSWORD'])}" if s["PASSWORD"] else ""
    return f"postgres://{quote(s['USER'])}{password}@{host}{port}/{s['NAME']}"


class Command(BaseCommand):
    help = "Benchmark the reminder pipeline: dispatcher, Celery worker and SMTP delivery."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=5000)
        parser.add_argument("--concurrency", type=int, default=2)

    def handle(self, *args, count: int, concurrency: int, **options):
        from aiosmtpd.controller import Controller

        if count < 1:
            raise CommandError("--count must be at least 1")
        sink = Sink()
        port = _free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        queue = f"bench-{uuid.uuid4().hex[:8]}"
        created = self._create(count)
        worker = self._start_worker(queue, port, concurrency)
        try:
            result = self._run(created, sink, queue)
        finally:
            worker.terminate()
            worker.wait(timeout=30)
            controller.stop()
            self._remove(created)
        result.update(count=count, worker_concurrency=concurrency)
        self.stdout.write(json.dumps(result))

    def _create(self, count: int) -> dict:
        from django.contrib.auth import get_user_model

        tag = uuid.uuid4().hex[:8]
        with transaction.atomic():
            location = Location.objects.create(name=f"Benchmark {tag}", address="Loopback")
            therapist = get_user_model().objects.create(
                username=f"bench-{tag}", first_name="Bench", last_name="Therapist"
            )
            visit = AppointmentType.objects.create(name=f"Benchmark {tag}", duration_minutes=30)
            patient = Patient.objects.create(
                first_name="Bench",
                last_name="Runner",
                date_of_birth=dt.date(1990, 1, 1),
                email="bench@example.test",
            )
            base = timezone.now() + dt.timedelta(days=2)
            appointments = Appointment.objects.bulk_create(
                Appointment(
                    patient=patient,
                    therapist=therapist,
                    location=location,
                    appointment_type=visit,
                    start=base + dt.timedelta(minutes=30 * i),
                    end=base + dt.timedelta(minutes=30 * i + 30),
                )
                for i in range(count)
            )
            Reminder.objects.bulk_create(
                Reminder(
                    patient=patient,
                    appointment=a,
                    kind=ReminderKind.CONFIRMATION,
                    due_at=timezone.now(),
                )
                for a in appointments
            )
        return {"location": location, "therapist": therapist, "visit": visit, "patient": patient}

    def _start_worker(self, queue: str, port: int, concurrency: int) -> subprocess.Popen:
        env = dict(
            os.environ,
            DATABASE_URL=_database_url(),
            EMAIL_URL=f"smtp://127.0.0.1:{port}",
            CELERY_QUEUE=queue,
        )
        command = [sys.executable, "-m", "celery", "-A", "dangpt", "worker", "--queues", queue,
                   "--concurrency", str(concurrency), "--loglevel", "WARNING",
                   "--without-gossip", "--without-mingle"]  # fmt: skip
        return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603

    def _run(self, created: dict, sink: Sink, queue: str) -> dict:
        rows = Reminder.objects.filter(patient=created["patient"])
        started = time.perf_counter()
        deadline = started + 1800
        while time.perf_counter() < deadline:
            reminder_claim_due(
                enqueue=lambda pk: send_reminder.apply_async(args=[pk], queue=queue), limit=2000
            )
            open_rows = rows.filter(
                status__in=[ReminderStatus.PENDING, ReminderStatus.SENDING]
            ).count()
            if not open_rows:
                break
            time.sleep(0.5)
        seconds = time.perf_counter() - started
        sent = rows.filter(status=ReminderStatus.SENT).count()
        return {
            "sent": sent,
            "delivered_to_smtp": sink.count,
            "seconds": round(seconds, 2),
            "messages_per_second": round(sent / seconds, 1),
        }

    def _remove(self, created: dict) -> None:
        with transaction.atomic():
            Reminder.objects.filter(patient=created["patient"]).delete()
            Appointment.objects.filter(patient=created["patient"]).delete()
            created["patient"].delete()
            created["visit"].delete()
            created["location"].delete()
            created["therapist"].delete()
