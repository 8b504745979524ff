"""Demo clinical records for seed_demo: a signed evaluation with gait for runner1, a PROM schedule
with baseline and 6-week results, and a due 6-week questionnaire for runner2."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models_clinical import Evaluation, OutcomeResult, OutcomeSource, PromSchedule
from assessments.proms import describe
from assessments.services_clinical import (
    evaluation_create,
    evaluation_sign,
    gait_create,
    outcome_record,
)
from patients.models import Patient


def _same_answer(instrument: str, value: int) -> dict:
    return {item["id"]: value for item in describe(instrument)["items"]}


def _schedule(patient, condition: str, days_ago: int, therapist) -> PromSchedule:
    schedule, _ = PromSchedule.objects.get_or_create(
        patient=patient,
        condition=condition,
        defaults={
            "starts_on": timezone.localdate() - dt.timedelta(days=days_ago),
            "created_by": therapist,
        },
    )
    return schedule


def _result(schedule, instrument, answers, therapist, timepoint, days_ago, source) -> None:
    if OutcomeResult.objects.filter(
        schedule=schedule, timepoint=timepoint, instrument=instrument
    ).exists():
        return
    outcome_record(
        patient=schedule.patient,
        instrument=instrument,
        answers=answers,
        collected_by=therapist if source == OutcomeSource.CLINIC else schedule.patient.user,
        source=source,
        taken_at=timezone.now() - dt.timedelta(days=days_ago),
        schedule=schedule,
        timepoint=timepoint,
    )


@transaction.atomic
def seed(*, password: str) -> list[str]:
    """seed_demo's part for clinical records; safe to run again."""
    therapist = get_user_model().objects.filter(username="therapist1").first()
    runner1 = Patient.objects.filter(user__username="runner1").first()
    runner2 = Patient.objects.filter(user__username="runner2").first()
    if therapist is None or runner1 is None or runner2 is None:
        return []
    if not Evaluation.objects.filter(patient=runner1).exists():
        evaluation = evaluation_create(
            patient=runner1,
            therapist=therapist,
            fields={
                "evaluated_on": timezone.localdate() - dt.timedelta(days=42),
                "history": "Anterior knee pain for 6 weeks after adding hill repeats.",
                "exam": {
                    "rom": {"knee_to_wall_cm": {"left": 9, "right": 11}},
                    "special_tests": {
                        "patellar_palpation_pain": "positive",
                        "hop_pain": "negative",
                    },
                },
                "working_diagnosis": "pfps",
                "goals": "Return to 40 km a week without knee pain.",
                "visits_per_week": 1,
                "plan_weeks": 8,
            },
        )
        gait_create(
            patient=runner1,
            therapist=therapist,
            evaluation=evaluation,
            fields={
                "recorded_on": evaluation.evaluated_on,
                "surface": "treadmill",
                "speed_kmh": 10,
                "cadence_spm": 162,
                "foot_strike_left": "rearfoot",
                "foot_strike_right": "rearfoot",
                "pelvic_drop_left_deg": 6,
                "pelvic_drop_right_deg": 3,
                "cues": "Quicker, lighter steps",
                "target_cadence_spm": 174,
            },
        )
        evaluation_sign(evaluation=evaluation, user=therapist)
    knee = _schedule(runner1, "pfps", 42, therapist)
    for timepoint, days_ago, lefs, pain in (("baseline", 42, 2, 6), ("week_6", 0, 3, 2)):
        _result(knee, "lefs", _same_answer("lefs", lefs), therapist, timepoint, days_ago, "clinic")
        _result(knee, "nprs", {"pain": pain}, therapist, timepoint, days_ago, "clinic")
    shin = _schedule(runner2, "itbs", 42, therapist)
    _result(shin, "lefs", _same_answer("lefs", 2), therapist, "baseline", 42, "clinic")
    return ["Clinical records: a signed evaluation and outcome trends; runner2 has LEFS due."]
