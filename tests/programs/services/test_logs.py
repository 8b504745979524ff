"""The runner's logs: sessions, runs and their checks."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from patients.models import Patient, RunningProfile
from programs import services
from programs.models import RunLog, SessionEntry
from tests.programs.factories import program_with_items, today_entries

pytestmark = pytest.mark.django_db


def test_session_log_stores_entries_and_marks_the_session_complete(therapist, runner):
    """All of today's items done → the session is complete; logging again updates it."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    entries = today_entries(program, pain_during=2, pain_after=1, difficulty="ok")
    session = services.session_log(program=program, date=timezone.localdate(), entries=entries[:1])
    assert not session.completed
    session = services.session_log(program=program, date=timezone.localdate(), entries=entries)
    assert session.completed and session.entries.count() == 2
    services.session_next_morning(session=session, pain=1)
    assert set(SessionEntry.objects.values_list("next_morning_pain", flat=True)) == {1}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"pain_after": -1}, "pain_after"),
        ({"difficulty": "brutal"}, "difficulty"),
        ({"item_id": 999999}, "entries"),
    ],
)
def test_session_log_refuses_bad_entries(therapist, runner, change, field):
    """Out-of-range pain, unknown difficulty or an item not in the program: nothing is stored."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    entry = {**today_entries(program)[0], **change}
    with pytest.raises(ValidationError) as caught:
        services.session_log(program=program, date=timezone.localdate(), entries=[entry])
    assert field in caught.value.message_dict
    assert not program.sessions.exists()


def test_session_log_refuses_future_dates(therapist, runner):
    """A session cannot be logged for tomorrow."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="future"):
        services.session_log(program=program, date=tomorrow, entries=today_entries(program))


def test_run_log_returns_the_spike_warning_of_design(runner):
    """A run 50% longer than the longest of the last 30 days is a moderate spike."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=3), distance_km=8, duration_min=48
    )
    run = services.run_log(patient=runner.patient, date=today, distance_km=12, duration_min=70)
    assert run.load_warning["level"] == "moderate"
    assert run.load_warning["ratio"] == 1.5
    assert "8 km" in run.load_warning["message"]
    assert RunLog.objects.get(pk=run.pk).load_warning == run.load_warning


def test_run_log_after_30_days_without_runs_warns_of_a_first_run_back(runner):
    """No run in the previous 30 days and no intake figure: the run is a first run back."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=31), distance_km=3, duration_min=20
    )
    run = services.run_log(patient=runner.patient, date=today, distance_km=2, duration_min=15)
    assert run.load_warning["level"] == "first_run_back"
    assert run.load_warning["ratio"] is None
    assert "walk-run" in run.load_warning["message"]
    assert RunLog.objects.get(pk=run.pk).load_warning == run.load_warning


def test_run_log_first_run_after_registering_is_a_first_run_back_despite_intake(runner):
    """The intake's longest run (the pre-injury 8 km) never hides a first run back."""
    RunningProfile.objects.create(patient=runner.patient, longest_run_km_30d=Decimal("8.0"))
    today = timezone.localdate()
    first = services.run_log(patient=runner.patient, date=today, distance_km=8.5, duration_min=50)
    assert first.load_warning["level"] == "first_run_back"
    assert "registered (8 km)" in first.load_warning["message"]


def test_run_log_compares_with_the_intake_longest_run_once_runs_are_logged(runner):
    """With a run logged in the window, the intake's longer 8 km is the spike reference."""
    RunningProfile.objects.create(patient=runner.patient, longest_run_km_30d=Decimal("8.0"))
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=2), distance_km=3, duration_min=20
    )
    within = services.run_log(patient=runner.patient, date=today, distance_km=8.5, duration_min=50)
    assert within.load_warning is None
    spike = services.run_log(patient=runner.patient, date=today, distance_km=12, duration_min=70)
    assert spike.load_warning["level"] == "moderate" and spike.load_warning["ratio"] == 1.5
    assert "registered" in spike.load_warning["message"]


def test_run_log_stops_using_the_intake_figure_after_30_days(runner):
    """An intake more than 30 days before the run no longer describes the window."""
    RunningProfile.objects.create(patient=runner.patient, longest_run_km_30d=Decimal("8.0"))
    Patient.objects.filter(pk=runner.patient.pk).update(
        created_at=timezone.now() - dt.timedelta(days=40)
    )
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=2), distance_km=3, duration_min=20
    )
    run = services.run_log(patient=runner.patient, date=today, distance_km=5, duration_min=30)
    assert run.load_warning["level"] == "moderate"  # 5 km against the logged 3 km
    assert "registered" not in run.load_warning["message"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"distance_km": 0}, "distance_km"),
        ({"distance_km": "abc"}, "distance_km"),
        ({"duration_min": -5}, "duration_min"),
        ({"rpe": 11}, "rpe"),
        ({"pain_during": 12}, "pain_during"),
    ],
)
def test_run_log_refuses_bad_input(runner, fields, error):
    """Zero or negative distance, bad RPE or pain: a field error and nothing stored."""
    data = {"date": timezone.localdate(), "distance_km": 5, "duration_min": 30, **fields}
    with pytest.raises(ValidationError) as caught:
        services.run_log(patient=runner.patient, **data)
    assert error in caught.value.message_dict
    assert not RunLog.objects.exists()


def test_database_refuses_pain_over_10(runner):
    """The check constraint stands even when code skips the service."""
    with pytest.raises(IntegrityError), transaction.atomic():
        RunLog.objects.create(
            patient=runner.patient,
            date=timezone.localdate(),
            distance_km=5,
            duration_min=30,
            pain_during=11,
        )
