"""The hot read paths use indexes at chain size: no sequential scan of a large table.

One test loads ``seed_scale --scale 0.05`` (100,000 appointments, 12,500 patients, 150,000
program items, 50,000 access-log rows) inside its transaction, runs the real pages and API calls
of the day schedule, availability, patient search, runner home and audit search, captures every
SELECT (and WITH … SELECT) they send, and asks PostgreSQL for each one's plan. A Seq Scan node
on a table of more than ``LARGE_TABLE_ROWS`` rows fails the test, naming the page, the table
and the query.
"""

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangpt.roles import Role
from dangpt.services import api_token_create
from patients.models import Appointment, Patient
from programs.models import Program

pytestmark = pytest.mark.django_db

SCALE = "0.05"
LARGE_TABLE_ROWS = 5_000
SCAN_NODES = {"Seq Scan", "Parallel Seq Scan"}


def _large_tables() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND reltuples > %s",
            [LARGE_TABLE_ROWS],
        )
        return {name for (name,) in cursor.fetchall()}


def _seq_scans(plan: dict, large: set[str]) -> list[str]:
    found = []
    if plan.get("Node Type") in SCAN_NODES and plan.get("Relation Name") in large:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += _seq_scans(child, large)
    return found


def _plan(sql: str) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        (row,) = cursor.fetchone()
    return (json.loads(row) if isinstance(row, str) else row)[0]["Plan"]


class Paths:
    """Runs each read path, then explains every SELECT it sent."""

    def __init__(self, large: set[str]):
        self.large = large
        self.problems: list[str] = []
        self.explained = 0

    def check(self, label: str, request) -> None:
        with CaptureQueriesContext(connection) as captured:
            response = request()
        assert response.status_code == 200, f"{label}: {response.status_code}"
        for query in captured.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")) or "set_config(" in sql:
                continue
            self.explained += 1
            for table in _seq_scans(_plan(sql), self.large):
                self.problems.append(f"{label}: Seq Scan on {table}\n    {sql[:400]}")


def _user(username: str):
    return get_user_model().objects.get(username=username)


def test_hot_read_paths_use_indexes_at_scale(client, make_user):
    call_command("seed_scale", "--scale", SCALE)
    large = _large_tables()
    assert {"patients_appointment", "patients_patient", "programs_programitem"} <= large
    paths = Paths(large)

    # The front desk's day schedule at the busiest location, on a day with appointments.
    client.force_login(_user("scale_desk0001"))
    busy = Appointment.objects.filter(status="completed").order_by("-start").first()
    day = busy.start.date().isoformat()
    schedule = reverse("patients:schedule")
    paths.check(
        "day schedule",
        lambda: client.get(schedule, {"location": busy.location_id, "date": day}),
    )
    paths.check(
        "day schedule (htmx)",
        lambda: client.get(
            schedule, {"location": busy.location_id, "date": day}, HTTP_HX_REQUEST="true"
        ),
    )

    # Patient search: part of a surname, an email fragment, phone digits, a date of birth.
    patient = Patient.objects.exclude(phone="").order_by("pk")[1234]
    patients = reverse("patients:list")
    for label, text in (
        ("patient search by partial surname", patient.last_name[1:5]),
        ("patient search by first and last name", f"{patient.first_name} {patient.last_name}"),
        ("patient search by email", patient.email.split("@")[0][-6:]),
        ("patient search by phone digits", patient.phone[-7:]),
        ("patient search by date of birth", patient.date_of_birth.isoformat()),
    ):
        paths.check(label, lambda text=text: client.get(patients, {"q": text}))
    paths.check("patient list, first page", lambda: client.get(patients))
    paths.check("patient detail", lambda: client.get(reverse("patients:detail", args=[patient.pk])))

    # Availability: one therapist's free slots on a future day, through the API and the page.
    upcoming = Appointment.objects.filter(status="booked").order_by("start").first()
    _, token = api_token_create(user=upcoming.therapist, second_factor=True)
    paths.check(
        "availability API",
        lambda: client.get(
            "/api/v1/availability",
            {
                "appointment_type": upcoming.appointment_type_id,
                "date": upcoming.start.date().isoformat(),
                "therapist": upcoming.therapist_id,
                "location": upcoming.location_id,
            },
            HTTP_AUTHORIZATION=f"Bearer {token}",
        ),
    )

    # The therapist's day and week.
    client.force_login(upcoming.therapist)
    my_day = reverse("patients:my_day")
    date = upcoming.start.date().isoformat()
    paths.check("therapist day", lambda: client.get(my_day, {"date": date}))
    paths.check("therapist week", lambda: client.get(my_day, {"date": date, "view": "week"}))

    # The runner home: a runner whose synthetic patient has an active program and logs.
    program = Program.objects.filter(status="active").order_by("pk")[100]
    runner = make_user(Role.RUNNER)
    Patient.objects.filter(pk=program.patient_id).update(user=runner)
    client.force_login(runner)
    for label, name in (
        ("runner home", "programs:home"),
        ("runner calendar", "programs:calendar"),
        ("runner run log", "programs:runs"),
    ):
        paths.check(label, lambda name=name: client.get(reverse(name)))
    _, runner_token = api_token_create(user=runner, second_factor=True)
    paths.check(
        "runner program API",
        lambda: client.get("/api/v1/me/program", HTTP_AUTHORIZATION=f"Bearer {runner_token}"),
    )

    # Audit search by patient, by user and by dates, as the manager.
    client.force_login(_user("scale_manager0001"))
    audit = reverse("audit:search")
    reader = _user("scale_therapist0001")
    for label, params in (
        ("audit, latest reads", {}),
        ("audit by patient", {"patient": patient.pk}),
        ("audit by user", {"user": reader.username}),
        ("audit by dates", {"date_from": "2024-01-01", "date_to": "2024-01-31"}),
        ("audit changes by patient", {"log": "changes", "patient": patient.pk}),
    ):
        paths.check(label, lambda params=params: client.get(audit, params))

    assert paths.explained > 30
    if paths.problems:
        pytest.fail(f"{len(paths.problems)} sequential scans:\n" + "\n".join(paths.problems))
