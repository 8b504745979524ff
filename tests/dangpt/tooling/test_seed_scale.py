"""seed_scale: synthetic chain-size data loaded with COPY, idempotent per scale."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from assessments.models import Evaluation, Screening
from dangpt.models import AccessLog
from patients.models import Appointment, Location, Patient
from programs.models import Program, ProgramItem, ProgramVersion, RunLog, SessionLog

pytestmark = pytest.mark.django_db

EXPECTED_AT_0_001 = {
    Location: 1,
    AccessLog: 1_000,
    Patient: 250,
    Appointment: 2_000,
    Screening: 250,
    Evaluation: 250,
    Program: 300,
    ProgramVersion: 300,
    ProgramItem: 3_000,
    SessionLog: 1_800,
    RunLog: 1_200,
}

ACTIVE = "('booked', 'confirmed', 'checked_in', 'completed')"


def _seed(scale: str, *extra: str) -> None:
    call_command("seed_scale", "--scale", scale, *extra)


def _overlaps(column: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*) FROM patients_appointment a JOIN patients_appointment b"  # noqa: S608
            f" ON a.{column} = b.{column} AND a.id < b.id AND a.period && b.period"
            f" WHERE a.status IN {ACTIVE} AND b.status IN {ACTIVE}"
        )
        return cursor.fetchone()[0]


def test_tiny_scale_loads_the_scaled_row_counts():
    """--scale 0.001 loads a thousandth of the chain, table by table."""
    _seed("0.001")
    assert {model: model.objects.count() for model in EXPECTED_AT_0_001} == EXPECTED_AT_0_001
    assert get_user_model().objects.filter(groups__name="therapist").count() == 2


def test_no_overlapping_active_appointments_and_valid_statuses():
    """No therapist and no patient has two active appointments at once; statuses are mixed."""
    _seed("0.001")
    assert _overlaps("therapist_id") == 0
    assert _overlaps("patient_id") == 0
    statuses = set(Appointment.objects.values_list("status", flat=True))
    assert {"completed", "cancelled", "no_show"} <= statuses
    assert not Appointment.objects.filter(status="cancelled", cancelled_at__isnull=True).exists()


def test_history_triggers_are_skipped_during_the_load():
    """A bulk load is not an edit: no history rows are written for it."""
    _seed("0.001")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patients_appointmentevent")
        assert cursor.fetchone()[0] == 0
    assert Evaluation.objects.filter(status="signed").count() == 250


def test_second_run_of_the_same_scale_is_a_no_op(capsys):
    """Running the same scale again changes nothing and says so."""
    _seed("0.001")
    _seed("0.001")
    assert "already loaded" in capsys.readouterr().out
    assert Appointment.objects.count() == 2_000


def test_another_scale_is_refused_without_reset():
    """A different scale refuses with a clear message and leaves the data alone."""
    _seed("0.001")
    with pytest.raises(CommandError, match="--reset"):
        _seed("0.002")
    assert Patient.objects.count() == 250


def test_reset_replaces_the_scale():
    """--reset truncates the synthetic data and loads the new scale."""
    _seed("0.001")
    _seed("0.002", "--reset")
    assert Appointment.objects.count() == 4_000
    assert Patient.objects.count() == 500


def test_reset_refuses_a_database_with_other_data(front_desk):
    """--reset never truncates a database that holds more than synthetic data."""
    _seed("0.001")
    with pytest.raises(CommandError, match="other data"):
        _seed("0.002", "--reset")


def test_pages_work_on_the_synthetic_data(client):
    """The front desk's day schedule and patient list render on the loaded data."""
    _seed("0.001")
    desk = get_user_model().objects.get(username="scale_desk0001")
    client.force_login(desk)
    appointment = Appointment.objects.filter(status="completed").order_by("-start").first()
    response = client.get(
        reverse("patients:schedule"),
        {"location": appointment.location_id, "date": appointment.start.date().isoformat()},
    )
    assert response.status_code == 200
    assert client.get(reverse("patients:list"), {"q": "ka"}).status_code == 200
    patient = appointment.patient
    assert client.get(reverse("patients:detail", args=[patient.pk])).status_code == 200
