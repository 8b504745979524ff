"""The hot read paths use indexes at chain size: no sequential scan of a large table.

The module loads ``seed_scale --scale 0.05`` (100,000 appointments, 12,500 patients, 150,000
program items, 50,000 access-log rows) once, in a transaction rolled back after its last test.
One test runs the real pages and API calls of the day schedule, availability, patient search,
runner home and audit search; another runs every GET operation of the API with each of its
filters (``explain_api_cases``). Each captures every SELECT (and WITH … SELECT) they send and
asks PostgreSQL for each one's plan. A Seq Scan node on a table of more than
``LARGE_TABLE_ROWS`` rows fails the test, naming the call, the table and the query.
"""

import datetime as dt
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangpt.roles import Role
from dangpt.services import api_token_create
from patients.models import Appointment, AppointmentType, Patient
from programs.models import Program
from tests.assessments.factories import EvaluationFactory
from tests.perf.explain_api_cases import CASES, NEXT, Case
from tests.security.matrix import fill_path

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


@pytest.fixture(scope="module")
def scale_data(django_db_setup, django_db_blocker):
    """seed_scale once for the module's tests, rolled back after the last of them."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_scale", "--scale", SCALE)
        yield
        transaction.set_rollback(True)


def test_hot_read_paths_use_indexes_at_scale(scale_data, client, make_user):
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

    # Lists without a date: a page in index order, counted up to a cap.
    for label, name, params in (
        ("program list", "programs:list", {}),
        ("program list, a later page", "programs:list", {"page": 30}),
        ("program list by name", "programs:list", {"q": patient.last_name[:4]}),
        ("screening list, all", "assessments:screening_list", {"show": "all"}),
        ("screening list, to review", "assessments:screening_list", {}),
        ("screenings to acknowledge", "assessments:screening_list", {"show": "unacknowledged"}),
        ("chart list", "assessments:patient_list", {}),
        ("chart list by name", "assessments:patient_list", {"q": patient.last_name[:4]}),
        ("exercise library", "programs:library", {}),
    ):
        paths.check(label, lambda name=name, params=params: client.get(reverse(name), params))

    client.force_login(_user("scale_desk0001"))
    for label, name in (("waitlist", "patients:waitlist"), ("reminder outbox", "reminders:outbox")):
        paths.check(label, lambda name=name: client.get(reverse(name)))

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
        ("audit by patient name", {"patient": patient.last_name}),
        ("audit by staff name", {"user": f"{reader.first_name} {reader.last_name}"}),
        ("audit by dates", {"date_from": "2024-01-01", "date_to": "2024-01-31"}),
        ("audit changes by patient", {"log": "changes", "patient": patient.pk}),
    ):
        paths.check(label, lambda params=params: client.get(audit, params))

    assert paths.explained > 30
    if paths.problems:
        pytest.fail(f"{len(paths.problems)} sequential scans:\n" + "\n".join(paths.problems))


def _api_context(make_user) -> tuple[dict, dict]:
    """Callers (role key → API token) and the values the API cases fill in, from the scale data."""
    from assessments.models import Evaluation, Screening

    desk, manager = _user("scale_desk0001"), _user("scale_manager0001")
    upcoming = Appointment.objects.filter(status="booked").order_by("start").first()
    therapist = upcoming.therapist
    busy = Appointment.objects.filter(status="completed").order_by("-start").first()
    patient = Patient.objects.visible_to(therapist).exclude(phone="").order_by("pk")[1234]
    # A patient with a synthetic note gets a follow-up note, so their notes fill two pages.
    noted = Evaluation.objects.filter(patient=patient).order_by("pk").first()
    EvaluationFactory(patient=patient, therapist=therapist, evaluated_on=noted.evaluated_on)
    # The runner: a patient with an active program and at least two appointments, so the
    # runner's own appointment list has a second page to walk to.
    with_visits = Appointment.objects.values("patient_id").annotate(n=Count("id")).filter(n__gte=2)
    program = (
        Program.objects.filter(status="active", patient_id__in=with_visits.values("patient_id"))
        .order_by("pk")
        .first()
    )
    runner = make_user(Role.RUNNER)
    Patient.objects.filter(pk=program.patient_id).update(user=runner)
    day = busy.start.date()
    # Online booking asks about a type runners may book, on a day the default policy allows.
    AppointmentType.objects.filter(pk=upcoming.appointment_type_id).update(bookable_online=True)
    values = {
        "surname_part": patient.last_name[1:5],
        "full_name": f"{patient.first_name} {patient.last_name}",
        "email_part": patient.email.split("@")[0][-6:],
        "phone_digits": patient.phone[-7:],
        "date_of_birth": patient.date_of_birth.isoformat(),
        "patient_id": patient.pk,
        "appointment_type": upcoming.appointment_type_id,
        "upcoming_day": upcoming.start.date().isoformat(),
        "public_day": (timezone.localdate() + dt.timedelta(days=3)).isoformat(),
        "therapist_id": therapist.pk,
        "location_id": upcoming.location_id,
        "busy_day": day.isoformat(),
        "month_start": day.replace(day=1).isoformat(),
        "month_end": (day.replace(day=1) + dt.timedelta(days=31)).replace(day=1).isoformat(),
        "appointment_id": busy.pk,
        "screening_id": Screening.objects.filter(patient=patient).order_by("pk").first().pk,
        "notes_patient_id": patient.pk,
        "evaluation_id": noted.pk,
        "instrument": "lefs",
        "program_id": program.pk,
    }
    users = {"desk": desk, "manager": manager, "therapist": therapist, "runner": runner}
    tokens = {
        key: api_token_create(user=user, second_factor=True)[1] for key, user in users.items()
    }
    return tokens, values


def _api_call(client, case: Case, tokens: dict, values: dict):
    """The request of one case, with the cursor of its first page when it asks for one."""
    values = {**values, **case.fill}
    path = fill_path(case.path, values)
    params = {k: str(v).format(**values) for k, v in case.params.items() if v != NEXT}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens[case.who]}"}
    if NEXT in case.params.values():
        first = client.get(path, params, **headers)
        assert first.status_code == 200 and first.get("X-Next-Cursor"), (
            f"{case.label}: the first page has no next page"
        )
        params["cursor"] = first["X-Next-Cursor"]
    return lambda: client.get(path, params, **headers)


# Scans the check tolerates, each with its reason: clinic-wide aggregate reports (not lists)
# that read a period's rows. Known, not fixed here: each is a finding for the report's owner.
AGGREGATE_SCANS = {
    ("/api/v1/reports/adherence", "programs_program"): "counts every active program",
    ("/api/v1/reports/adherence", "programs_sessionlog"): "no index on the log date yet",
    ("/api/v1/reports/screening-agreement", "assessments_evaluation"): "no index on signing yet",
}


def test_every_api_get_operation_and_filter_uses_indexes_at_scale(scale_data, client, make_user):
    """Each case of explain_api_cases (every GET operation, each filter) sends no seq scan."""
    large = _large_tables()
    tokens, values = _api_context(make_user)
    paths = Paths(large)
    for case in CASES:
        paths.check(case.label, _api_call(client, case, tokens, values))
    paths.problems = [
        problem
        for problem in paths.problems
        if not any(
            problem.startswith(f"GET {path}") and f": Seq Scan on {table}\n" in problem
            for path, table in AGGREGATE_SCANS
        )
    ]
    assert paths.explained > 2 * len(CASES)

    # The check itself sees a list filtered on a column no index serves.
    with CaptureQueriesContext(connection) as captured:
        list(Appointment.objects.filter(cancel_reason__icontains="late").order_by()[:100])
    (old,) = [q["sql"] for q in captured.captured_queries]
    assert _seq_scans(_plan(old), large) == ["patients_appointment"]

    if paths.problems:
        pytest.fail(f"{len(paths.problems)} sequential scans:\n" + "\n".join(paths.problems))
