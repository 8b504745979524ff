"""JSON API of screenings: screen and store a patient's answers, read a stored screening."""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from assessments.api.common import require_therapist
from assessments.loaders import get_screening_for_user
from assessments.models import Screening, ScreeningSource
from assessments.services import screening_create
from dangpt.api import ErrorOut
from patients.models import Patient

router = Router(tags=["screening"])


class ScreeningIn(Schema):
    patient: int
    answers: dict[str, Any]


class RedFlagOut(Schema):
    code: str
    urgency: str
    message: str


class ReasonOut(Schema):
    feature: str
    points: int


class ConditionOut(Schema):
    code: str
    score_pct: int
    band: str
    reasons: list[ReasonOut]


class AcknowledgementOut(Schema):
    by: int
    at: datetime
    note: str


class DiagnosisOut(Schema):
    code: str
    note: str
    by: int
    at: datetime


class ScreeningOut(Schema):
    """A stored screening: its id, and the DESIGN.md screening result at the top level."""

    id: int
    patient: int
    source: str
    status: str
    created_at: datetime
    answers: dict[str, Any]
    ruleset_version: str
    disposition: str
    urgency: str | None
    suspected_bsi: bool
    red_flags: list[RedFlagOut]
    pattern: str
    conditions: list[ConditionOut]
    acknowledgement: AcknowledgementOut | None
    final_diagnosis: DiagnosisOut | None


def _screening_out(screening: Screening) -> dict:
    """The API body of a stored screening."""
    acknowledgement = diagnosis = None
    if screening.acknowledged_at:
        acknowledgement = {
            "by": screening.acknowledged_by_id,
            "at": screening.acknowledged_at,
            "note": screening.acknowledgement_note,
        }
    if screening.final_diagnosis:
        diagnosis = {
            "code": screening.final_diagnosis,
            "note": screening.final_diagnosis_note,
            "by": screening.diagnosed_by_id,
            "at": screening.diagnosed_at,
        }
    return {
        **screening.result,
        "id": screening.pk,
        "patient": screening.patient_id,
        "source": screening.source,
        "status": screening.status,
        "created_at": screening.created_at,
        "answers": screening.answers,
        "acknowledgement": acknowledgement,
        "final_diagnosis": diagnosis,
    }


@router.post(
    "/screenings",
    response={201: ScreeningOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def create_screening(request, payload: ScreeningIn):
    """Screen a patient's answers, store them as a reviewed screening and return the result."""
    require_therapist(request)
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=payload.patient)
    screening = screening_create(
        patient=patient,
        answers=payload.answers,
        created_by=request.user,
        source=ScreeningSource.THERAPIST,
        field_prefix="answers.",
    )
    return Status(201, _screening_out(screening))


@router.get(
    "/screenings/{screening_id}",
    response={200: ScreeningOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def get_screening(request, screening_id: int):
    """One stored screening with its result, acknowledgement and final diagnosis."""
    require_therapist(request)
    screening = get_screening_for_user(request, screening_id)
    return _screening_out(screening)
