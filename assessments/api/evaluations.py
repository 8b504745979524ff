"""JSON API of evaluations: notes for therapists and managers (draft, sign, addenda); anyone
else gets 404."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status

from assessments.api.common import ERRORS, require_therapist
from assessments.loaders import (
    get_evaluation_for_author,
    get_evaluation_for_user,
    get_patient_for_notes,
)
from assessments.models import Evaluation, EvaluationKind
from assessments.note_fields import ExamIn, RunningProfileIn, stored_exam, stored_running_profile
from assessments.services import (
    LOCKED_MESSAGE,
    addendum_add,
    evaluation_create,
    evaluation_sign,
    evaluation_update,
)
from dangpt.api import ErrorOut
from dangpt.clinical_ranges import api_number
from dangpt.conditions import Diagnosis
from dangpt.models import AccessKind
from dangpt.pagination import keyset_page, set_next_headers
from patients.models import Patient

router = Router(tags=["evaluations"])


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
    running_profile: RunningProfileIn
    exam: ExamIn
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
    """The API body of a note: its fields with ids for its links, and its addenda."""
    return {
        **{
            name: getattr(evaluation, name)
            for name in EvaluationOut.model_fields
            if name
            not in {
                "patient",
                "appointment",
                "screening",
                "therapist",
                "signed_by",
                "addenda",
                "exam",
                "running_profile",
            }
        },
        # Rows stored before the schemas may hold anything: answer with what fits them.
        "exam": stored_exam(evaluation.exam),
        "running_profile": stored_running_profile(evaluation.running_profile),
        "patient": evaluation.patient_id,
        "appointment": evaluation.appointment_id,
        "screening": evaluation.screening_id,
        "therapist": evaluation.therapist_id,
        "signed_by": evaluation.signed_by_id,
        "addenda": list(evaluation.addenda.all()),
    }


# The plan's numbers, with the note form's ranges and messages (dangpt/clinical_ranges.py).
VisitsPerWeek = api_number("evaluation.visits_per_week")
PlanWeeks = api_number("evaluation.plan_weeks")


class EvaluationIn(Schema):
    patient: int
    kind: EvaluationKind = EvaluationKind.INITIAL
    evaluated_on: dt.date
    history: str = ""
    running_profile: RunningProfileIn | None = None
    exam: ExamIn | None = None
    objective_notes: str = ""
    working_diagnosis: Diagnosis | None = None
    icd10: str = ""
    assessment_notes: str = ""
    goals: str = ""
    visits_per_week: VisitsPerWeek | None = None
    plan_weeks: PlanWeeks | None = None
    plan_notes: str = ""


class EvaluationPatch(Schema):
    kind: EvaluationKind | None = None
    evaluated_on: dt.date | None = None
    history: str | None = None
    running_profile: RunningProfileIn | None = None
    exam: ExamIn | None = None
    objective_notes: str | None = None
    working_diagnosis: Diagnosis | None = None
    icd10: str | None = None
    assessment_notes: str | None = None
    goals: str | None = None
    visits_per_week: VisitsPerWeek | None = None
    plan_weeks: PlanWeeks | None = None
    plan_notes: str | None = None


# Fields of a PATCH that `null` clears; on any other field `null` leaves the value as it is.
CLEARABLE = frozenset({"working_diagnosis", "visits_per_week", "plan_weeks"})


class AddendumIn(Schema):
    text: str


EVALUATION_ORDER = ("-evaluated_on", "-id")


@router.get("/evaluations", response={200: list[EvaluationOut], **ERRORS})
def list_evaluations(
    request,
    response: HttpResponse,
    patient: int,
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, description='From the `Link: rel="next"` header.'),
):
    """A patient's notes, newest first (therapists and managers); `Link: rel="next"` pages."""
    found = get_patient_for_notes(request, patient, kind=AccessKind.EVALUATION_LIST)
    evaluations = (
        Evaluation.objects.visible_to(request.user)
        .filter(patient=found)
        .prefetch_related("addenda")
    )
    page = keyset_page(
        evaluations, order=EVALUATION_ORDER, limit=limit, cursor=cursor, scope="evaluations"
    )
    set_next_headers(response, request, page)
    return [_evaluation_out(e) for e in page.rows]


@router.post("/evaluations", response={201: EvaluationOut, **ERRORS})
def create_evaluation(request, payload: EvaluationIn):
    """Start a draft note (therapists)."""
    require_therapist(request)
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=payload.patient)
    fields = payload.dict(exclude={"patient"})
    fields["working_diagnosis"] = fields["working_diagnosis"] or ""
    evaluation = evaluation_create(patient=patient, therapist=request.user, fields=fields)
    return Status(201, _evaluation_out(evaluation))


@router.get("/evaluations/{evaluation_id}", response={200: EvaluationOut, **ERRORS})
def get_evaluation(request, evaluation_id: int):
    """One note with its addenda."""
    evaluation = get_evaluation_for_user(request, evaluation_id)
    return _evaluation_out(evaluation)


@router.patch(
    "/evaluations/{evaluation_id}",
    response={200: EvaluationOut, 409: ErrorOut, **ERRORS},
)
def update_evaluation(request, evaluation_id: int, payload: EvaluationPatch):
    """Change a draft note (its author only); a signed note answers 409 (add an addendum)."""
    require_therapist(request)
    evaluation = get_evaluation_for_author(request, evaluation_id)
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
    """Sign a draft note (its author only); it is locked from then on."""
    require_therapist(request)
    evaluation = get_evaluation_for_author(request, evaluation_id, kind=None)
    if evaluation.is_signed:
        return Status(409, {"detail": "This note is already signed.", "errors": {}})
    return _evaluation_out(evaluation_sign(evaluation=evaluation, user=request.user))


@router.post(
    "/evaluations/{evaluation_id}/addenda",
    response={201: AddendumOut, **ERRORS},
)
def add_addendum(request, evaluation_id: int, payload: AddendumIn):
    """Add a dated addendum to a signed note."""
    evaluation = get_evaluation_for_user(request, evaluation_id, kind=None)
    addendum = addendum_add(evaluation=evaluation, author=request.user, text=payload.text)
    return Status(201, addendum)
