"""Demo data for seed_demo: screenings (a reviewed one for runner1, a runner's draft for runner2),
a signed evaluation with gait for runner1, PROM schedules with baseline and 6-week results, and a
due 6-week questionnaire for runner2."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessments.models import (
    Evaluation,
    GaitAnalysis,
    OutcomeResult,
    OutcomeSource,
    PromSchedule,
    Screening,
    ScreeningSource,
)
from assessments.proms import describe
from assessments.services import (
    evaluation_create,
    evaluation_sign,
    gait_create,
    outcome_record,
    screening_create,
    screening_record_diagnosis,
)
from dangpt.conditions import Diagnosis
from patients.models import Patient

# Both are soft-tissue presentations without red flags, so the demo programs are not blocked.
RUNNER1_KNEE = {
    "regions": ["anterior_knee"],
    "side": "right",
    "onset": "gradual",
    "duration_weeks": 5,
    "pain_now": 2,
    "pain_worst_24h": 4,
    "pain_running": 5,
    "timing": ["during_whole_run", "after_running"],
    "aggravators": ["squatting", "stairs_down", "prolonged_sitting"],
    "swelling": "none",
    "recent_load_increase": True,
    "exam": {"patellar_palpation_pain": True, "squat_pain": True, "hop_pain": False},
}
RUNNER2_ACHILLES = {
    "regions": ["achilles"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 8,
    "pain_now": 1,
    "pain_worst_24h": 3,
    "pain_running": 4,
    "timing": ["morning_stiffness", "start_of_run_eases", "next_morning"],
    "aggravators": ["uphill", "speed_work", "heel_raise"],
    "swelling": "none",
    "recent_load_increase": True,
    "tendon_thickening": False,
}


def _patient(username: str) -> Patient:
    """The demo runner's patient record."""
    return Patient.objects.select_related("user").get(user__username=username)


@transaction.atomic
def seed(*, password: str) -> list[str]:
    """seed_demo's part for assessments: screenings, then chart records; safe to run again."""
    del password  # accounts come from patients.demo
    return _seed_screenings() + _seed_records()


def _seed_screenings() -> list[str]:
    """Create the demo screenings once; running again changes nothing."""
    therapist = get_user_model().objects.get(username="therapist1")
    runner1, runner2 = _patient("runner1"), _patient("runner2")
    lines = []
    if not Screening.objects.filter(patient=runner1, source=ScreeningSource.THERAPIST).exists():
        screening = screening_create(
            patient=runner1,
            answers=RUNNER1_KNEE,
            created_by=therapist,
            source=ScreeningSource.THERAPIST,
        )
        screening_record_diagnosis(
            screening=screening, diagnosed_by=therapist, diagnosis=Diagnosis.PFPS
        )
    if not Screening.objects.filter(patient=runner2, source=ScreeningSource.RUNNER).exists():
        screening_create(
            patient=runner2,
            answers=RUNNER2_ACHILLES,
            created_by=runner2.user,
            source=ScreeningSource.RUNNER,
        )
    lines.append("Screenings: runner1 reviewed (therapist1), runner2's questionnaire to review.")
    return lines


def _same_answer(instrument: str, value: int) -> dict:
    """Answers with every item of the instrument at the same value."""
    return {item["id"]: value for item in describe(instrument)["items"]}


def _schedule(patient, condition: str, days_ago: int, therapist) -> PromSchedule:
    """The patient's schedule of one condition, started days ago when new."""
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
    """Record one result of a schedule unless it is there already."""
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


def _seed_records() -> list[str]:
    """A signed evaluation with gait and outcome trends; runner2 has LEFS due."""
    therapist = get_user_model().objects.filter(username="therapist1").first()
    runner1 = Patient.objects.filter(user__username="runner1").first()
    runner2 = Patient.objects.filter(user__username="runner2").first()
    if therapist is None or runner1 is None or runner2 is None:
        return []
    if not Evaluation.objects.filter(patient=runner1).exists():
        _seed_signed_evaluation(runner1, therapist)
    if not GaitAnalysis.objects.filter(patient=runner1, evaluation__isnull=True).exists():
        # An open gait analysis (no cadence yet) that the video player's measurements can fill.
        gait_create(
            patient=runner1,
            therapist=therapist,
            fields={
                "recorded_on": timezone.localdate(),
                "surface": "treadmill",
                "speed_kmh": 10,
                "cues": "Quicker, lighter steps",
            },
        )
    knee = _schedule(runner1, "pfps", 42, therapist)
    for timepoint, days_ago, lefs, pain in (("baseline", 42, 2, 6), ("week_6", 0, 3, 2)):
        _result(knee, "lefs", _same_answer("lefs", lefs), therapist, timepoint, days_ago, "clinic")
        _result(knee, "nprs_worst_24h", {"pain": pain}, therapist, timepoint, days_ago, "clinic")
    shin = _schedule(runner2, "itbs", 42, therapist)
    _result(shin, "lefs", _same_answer("lefs", 2), therapist, "baseline", 42, "clinic")
    return [
        "Chart records: a signed evaluation, an open gait analysis to measure on video and "
        "outcome trends; runner2 has LEFS due."
    ]


def _seed_signed_evaluation(patient, therapist) -> None:
    """runner1's initial evaluation with a gait analysis, signed six weeks ago, from the
    reviewed screening (so the screening-agreement report has a row)."""
    screening = (
        Screening.objects.filter(patient=patient, source=ScreeningSource.THERAPIST)
        .order_by("-id")
        .first()
    )
    evaluation = evaluation_create(
        patient=patient,
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
            "screening": screening,
        },
    )
    gait_create(
        patient=patient,
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
