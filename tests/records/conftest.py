"""A runner with a record in every part: referrer, appointment, screening, signed notes of each
kind, gait, outcome scores, a program from the initial note, a session and a run."""

import datetime as dt

import pytest
from django.utils import timezone

from assessments.services import evaluation_create, evaluation_sign
from patients.models import Location, ReferringProvider
from programs import services as program_services
from programs.models import Program
from tests.assessments.factories import (
    GaitAnalysisFactory,
    OutcomeResultFactory,
    ScreeningFactory,
    lefs_answers,
)
from tests.factories import PatientFactory, default_location
from tests.patients.factories import AppointmentFactory
from tests.programs.factories import program_with_items, today_entries

NOTE = {
    "history": "Six weeks of gradual anterior knee pain after adding hill repeats.",
    "working_diagnosis": "pfps",
    "icd10": "M22.2",
    "objective_notes": "Pain on step-down at 30 degrees of knee flexion.",
    "assessment_notes": "Presentation consistent with patellofemoral pain.",
    "goals": "Run 10 miles without knee pain by the goal race.",
    "visits_per_week": 2,
    "plan_weeks": 6,
    "plan_notes": "Progressive hip and knee loading; graded return to hills.",
}


def fill_record(patient, therapist, *, marker: str) -> dict:
    """Give the patient a record in every part; ``marker`` is written into free text so a test
    can tell whose record a download holds. Returns the notes by kind."""
    location = patient.preferred_location
    location.address = "123 Sunset Blvd, Los Angeles, CA 90026"
    location.phone = "+12135550100"
    location.save()
    ReferringProvider.objects.create(
        patient=patient,
        name=f"Dr. Ana Ruiz {marker}, MD",
        practice="Eastside Sports Medicine",
        phone="+13235550142",
        fax="+13235550143",
    )
    hour = 17 if marker == "ALPHA" else 19  # two runners, one therapist: never overlapping
    AppointmentFactory(
        patient=patient,
        therapist=therapist,
        location=location,
        start=dt.datetime(2030, 1, 7, hour, 0, tzinfo=dt.UTC),
    )
    ScreeningFactory(patient=patient)
    GaitAnalysisFactory(patient=patient, therapist=therapist, summary=f"Overstride {marker}")
    now = timezone.now()
    for days, value in ((20, 2), (5, 3)):
        OutcomeResultFactory(
            patient=patient,
            instrument="lefs",
            answers=lefs_answers(value),
            score=20 * value,
            max_score=80,
            taken_at=now - dt.timedelta(days=days),
            collected_by=therapist,
        )
    notes = {}
    for kind, when in (("initial", 20), ("follow_up", 3), ("discharge", 0)):
        draft = evaluation_create(
            patient=patient,
            therapist=therapist,
            fields={
                **NOTE,
                "kind": kind,
                "history": f"{NOTE['history']} {marker}",
                "evaluated_on": (timezone.localdate() - dt.timedelta(days=when)).isoformat(),
            },
        )
        notes[kind] = evaluation_sign(evaluation=draft, user=therapist)
    program = program_with_items(therapist=therapist, patient=patient, count=2)
    Program.objects.filter(pk=program.pk).update(evaluation=notes["initial"])
    program.refresh_from_db()
    program_services.session_log(
        program=program, date=timezone.localdate(), entries=today_entries(program, pain_during=2)
    )
    program_services.run_log(
        patient=patient, date=timezone.localdate(), distance_km=8, duration_min=45, rpe=5
    )
    return notes


@pytest.fixture
def full_record(runner, therapist):
    """The runner's filled record (their notes by kind)."""
    return fill_record(runner.patient, therapist, marker="ALPHA")


@pytest.fixture
def other_runner_record(make_user, therapist):
    """A second runner at the same location with a record of their own (marker BRAVO)."""
    from dangpt.roles import Role

    user = make_user(Role.RUNNER)
    patient = PatientFactory(user=user, first_name="Bravo", last_name="Other")
    fill_record(patient, therapist, marker="BRAVO")
    return patient


def elsewhere() -> Location:
    """A location none of the default staff works at."""
    assert default_location()
    return Location.objects.create(name="Far Away Clinic")
