"""JSON API of outcome measures: record in clinic, read a trend, and the runner's due measures
under /me/ (their own only); anything else answers 404."""

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Schema, Status

from assessments.api.common import ERRORS, require_therapist
from assessments.loaders import get_patient_for_outcomes
from assessments.models import OutcomeResult, OutcomeSource, PromSchedule
from assessments.selectors import due_measures, outcome_trend
from assessments.services import outcome_fill_due, outcome_record
from dangpt import rowcache
from patients.models import Patient
from patients.selectors import runner_patient

router = Router(tags=["outcomes"])


class OutcomeOut(Schema):
    id: int
    patient: int
    instrument: str
    answers: dict[str, Any]
    score: float | None
    max: int
    complete: bool
    taken_at: dt.datetime
    source: str
    timepoint: str


def _outcome_out(result: OutcomeResult) -> dict:
    """The API body of one stored result."""
    return {
        "id": result.pk,
        "patient": result.patient_id,
        "instrument": result.instrument,
        "answers": result.answers,
        "score": result.score,
        "max": result.max_score,
        "complete": result.complete,
        "taken_at": result.taken_at,
        "source": result.source,
        "timepoint": result.timepoint,
    }


class OutcomeIn(Schema):
    patient: int
    instrument: str
    answers: dict[str, Any]
    taken_at: dt.datetime | None = None


class TrendOut(Schema):
    instrument: str
    points: list[dict[str, Any]]
    band: dict[str, Any] | None
    summary: dict[str, Any] | None


@router.post("/outcomes", response={201: OutcomeOut, **ERRORS})
def record_outcome(request, payload: OutcomeIn):
    """Record a measure taken in clinic (therapists); invalid answers name the item."""
    require_therapist(request)
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=payload.patient)
    result = outcome_record(
        patient=patient,
        instrument=payload.instrument,
        answers=payload.answers,
        collected_by=request.user,
        source=OutcomeSource.CLINIC,
        taken_at=payload.taken_at,
    )
    return Status(201, _outcome_out(result))


@router.get("/patients/{patient_id}/outcomes/{instrument}", response={200: TrendOut, **ERRORS})
def patient_outcome_trend(request, patient_id: int, instrument: str):
    """One measure's trend for a patient: clinicians, or the runner for themself."""
    patient = get_patient_for_outcomes(request, patient_id, instrument=instrument)
    trend = outcome_trend(patient=patient, instrument=instrument)
    return {key: trend[key] for key in ("instrument", "points", "band", "summary")}


class DueOut(Schema):
    schedule: int
    timepoint: str
    instrument: str
    due_on: dt.date


class DueIn(Schema):
    schedule: int
    timepoint: str
    instrument: str
    answers: dict[str, Any]


# Bump when the text of /me/outcomes/due changes for the same rows.
DUE_VERSION = "1"


@router.get("/me/outcomes/due", response={200: list[DueOut], **ERRORS})
def my_due_outcomes(request):
    """The runner's questionnaires due now; answered from the runner's cache (dangpt.rowcache)
    while their schedules, results and the date are unchanged."""
    patient = runner_patient(request.user)
    today = timezone.localdate()
    rows = (
        PromSchedule.objects.filter(patient=patient),
        OutcomeResult.objects.filter(schedule__patient=patient),
    )
    digest = rowcache.digest(*rows)
    text = rowcache.reuse_or_build(
        rowcache.key(request.user.pk, "api-outcomes-due", f"{today:%Y%m%d}", DUE_VERSION, digest),
        build=lambda: rowcache.json_text(list[DueOut], _due_out(patient, today)),
        unchanged=lambda: rowcache.digest(*rows) == digest,
    )
    return rowcache.json_response(text)


def _due_out(patient, today: dt.date) -> list[dict]:
    return [
        {
            "schedule": d.schedule.pk,
            "timepoint": d.timepoint,
            "instrument": d.instrument,
            "due_on": d.due_on,
        }
        for d in due_measures(patient=patient, today=today)
    ]


@router.post("/me/outcomes", response={201: OutcomeOut, **ERRORS})
def fill_my_outcome(request, payload: DueIn):
    """The runner fills a questionnaire that is due now."""
    patient = runner_patient(request.user)
    result = outcome_fill_due(
        patient=patient,
        user=request.user,
        schedule_id=payload.schedule,
        timepoint=payload.timepoint,
        instrument=payload.instrument,
        answers=payload.answers,
    )
    return Status(201, _outcome_out(result))
