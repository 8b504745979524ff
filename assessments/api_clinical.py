"""JSON API of clinical records: evaluations (sign, addenda) and outcome measures.

Mounted at /api/v1/ by dangpt.api. Notes are for therapists and managers; a runner reads and fills
only their own measures under /me/; anything else answers 404.
"""

import datetime as dt
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from assessments.models_clinical import (
    NOTE_ROLES,
    Evaluation,
    EvaluationDiagnosis,
    EvaluationKind,
    OutcomeResult,
    OutcomeSource,
)
from assessments.proms import INSTRUMENTS
from assessments.services_clinical import (
    LOCKED_MESSAGE,
    addendum_add,
    due_measures,
    evaluation_create,
    evaluation_sign,
    evaluation_update,
    outcome_fill_due,
    outcome_record,
    outcome_trend,
)
from dangpt.api import ErrorOut
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import Role, role_of
from patients.models import Patient

router = Router(tags=["clinical records"])
# Every operation may answer these (401 without a token, 422 for a malformed id or query,
# 400 for a body that is not JSON or that the service refuses).
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _clinician(request) -> None:
    if role_of(request.user) not in NOTE_ROLES:
        raise Http404


def _therapist(request) -> None:
    if role_of(request.user) != Role.THERAPIST:
        raise Http404


def _evaluation(request, evaluation_id: int) -> Evaluation:
    _clinician(request)
    return get_object_or_404(Evaluation.objects.visible_to(request.user), pk=evaluation_id)


class AddendumOut(Schema):
    id: int
    text: str
    author_id: int
    created_at: dt.datetime


class EvaluationOut(Schema):
    id: int
    patient: int
    kind: str
    status: str
    evaluated_on: dt.date
    appointment: int | None
    screening: int | None
    history: str
    running_profile: dict[str, Any]
    exam: dict[str, Any]
    objective_notes: str
    working_diagnosis: str
    icd10: str
    assessment_notes: str
    goals: str
    visits_per_week: int | None
    plan_weeks: int | None
    plan_notes: str
    therapist: int
    signed_by: int | None
    signed_at: dt.datetime | None
    addenda: list[AddendumOut]


def _evaluation_out(evaluation: Evaluation) -> dict:
    return {
        **{
            name: getattr(evaluation, name)
            for name in EvaluationOut.model_fields
            if name
            not in {"patient", "appointment", "screening", "therapist", "signed_by", "addenda"}
        },
        "patient": evaluation.patient_id,
        "appointment": evaluation.appointment_id,
        "screening": evaluation.screening_id,
        "therapist": evaluation.therapist_id,
        "signed_by": evaluation.signed_by_id,
        "addenda": list(evaluation.addenda.all()),
    }


class EvaluationIn(Schema):
    patient: int
    kind: EvaluationKind = EvaluationKind.INITIAL
    evaluated_on: dt.date
    history: str = ""
    running_profile: dict[str, Any] = {}
    exam: dict[str, Any] = {}
    objective_notes: str = ""
    working_diagnosis: EvaluationDiagnosis | None = None
    icd10: str = ""
    assessment_notes: str = ""
    goals: str = ""
    visits_per_week: int | None = None
    plan_weeks: int | None = None
    plan_notes: str = ""


class EvaluationPatch(Schema):
    kind: EvaluationKind | None = None
    evaluated_on: dt.date | None = None
    history: str | None = None
    running_profile: dict[str, Any] | None = None
    exam: dict[str, Any] | None = None
    objective_notes: str | None = None
    working_diagnosis: EvaluationDiagnosis | None = None
    icd10: str | None = None
    assessment_notes: str | None = None
    goals: str | None = None
    visits_per_week: int | None = None
    plan_weeks: int | None = None
    plan_notes: str | None = None


# Fields of a PATCH that `null` clears; on any other field `null` leaves the value as it is.
CLEARABLE = frozenset({"working_diagnosis", "visits_per_week", "plan_weeks"})


class AddendumIn(Schema):
    text: str


@router.get("/evaluations", response={200: list[EvaluationOut], **ERRORS})
def list_evaluations(request, patient: int):
    """A patient's notes, newest first (therapists and managers)."""
    _clinician(request)
    found = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient)
    audit_patient_access(
        request, patient_id=found.pk, kind=AccessKind.EVALUATION_LIST, ref=found.pk
    )
    evaluations = (
        Evaluation.objects.visible_to(request.user)
        .filter(patient=found)
        .prefetch_related("addenda")
    )
    return [_evaluation_out(e) for e in evaluations]


@router.post("/evaluations", response={201: EvaluationOut, **ERRORS})
def create_evaluation(request, payload: EvaluationIn):
    """Start a draft note (therapists)."""
    _therapist(request)
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=payload.patient)
    fields = payload.dict(exclude={"patient"})
    fields["working_diagnosis"] = fields["working_diagnosis"] or ""
    evaluation = evaluation_create(patient=patient, therapist=request.user, fields=fields)
    return Status(201, _evaluation_out(evaluation))


@router.get("/evaluations/{evaluation_id}", response={200: EvaluationOut, **ERRORS})
def get_evaluation(request, evaluation_id: int):
    """One note with its addenda."""
    evaluation = _evaluation(request, evaluation_id)
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.EVALUATION, ref=evaluation.pk
    )
    return _evaluation_out(evaluation)


@router.patch(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationOut, 409: ErrorOut, **ERRORS},
)
def update_evaluation(request, evaluation_id: int, payload: EvaluationPatch):
    """Change a draft note; a signed note answers 409 (add an addendum instead)."""
    _therapist(request)
    evaluation = _evaluation(request, evaluation_id)
    audit_patient_access(
        request, patient_id=evaluation.patient_id, kind=AccessKind.EVALUATION, ref=evaluation.pk
    )
    if evaluation.is_signed:
        return Status(409, {"detail": LOCKED_MESSAGE, "errors": {}})
    fields = {
        name: value
        for name, value in payload.dict(exclude_unset=True).items()
        if value is not None or name in CLEARABLE
    }
    if "working_diagnosis" in fields:
        fields["working_diagnosis"] = fields["working_diagnosis"] or ""
    evaluation = evaluation_update(evaluation=evaluation, user=request.user, fields=fields)
    return _evaluation_out(evaluation)


@router.post(
    "/evaluations/{evaluation_id}/sign",
    response={200: EvaluationOut, 409: ErrorOut, **ERRORS},
)
def sign_evaluation(request, evaluation_id: int):
    """Sign a draft note; it is locked from then on."""
    _therapist(request)
    evaluation = _evaluation(request, evaluation_id)
    if evaluation.is_signed:
        return Status(409, {"detail": "This note is already signed.", "errors": {}})
    return _evaluation_out(evaluation_sign(evaluation=evaluation, user=request.user))


@router.post(
    "/evaluations/{evaluation_id}/addenda",
    response={201: AddendumOut, **ERRORS},
)
def add_addendum(request, evaluation_id: int, payload: AddendumIn):
    """Add a dated addendum to a signed note."""
    evaluation = _evaluation(request, evaluation_id)
    addendum = addendum_add(evaluation=evaluation, author=request.user, text=payload.text)
    return Status(201, addendum)


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
    _therapist(request)
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
    if role_of(request.user) not in (*NOTE_ROLES, Role.RUNNER) or instrument not in INSTRUMENTS:
        raise Http404
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_id)
    audit_patient_access(
        request, patient_id=patient.pk, kind=AccessKind.OUTCOME_TREND, ref=instrument
    )
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


def _runner_patient(request) -> Patient:
    if role_of(request.user) != Role.RUNNER:
        raise Http404
    return get_object_or_404(Patient, user=request.user)


@router.get("/me/outcomes/due", response={200: list[DueOut], **ERRORS})
def my_due_outcomes(request):
    """The runner's questionnaires due now."""
    patient = _runner_patient(request)
    return [
        {
            "schedule": d.schedule.pk,
            "timepoint": d.timepoint,
            "instrument": d.instrument,
            "due_on": d.due_on,
        }
        for d in due_measures(patient=patient)
    ]


@router.post("/me/outcomes", response={201: OutcomeOut, **ERRORS})
def fill_my_outcome(request, payload: DueIn):
    """The runner fills a questionnaire that is due now."""
    patient = _runner_patient(request)
    result = outcome_fill_due(
        patient=patient,
        user=request.user,
        schedule_id=payload.schedule,
        timepoint=payload.timepoint,
        instrument=payload.instrument,
        answers=payload.answers,
    )
    return Status(201, _outcome_out(result))
