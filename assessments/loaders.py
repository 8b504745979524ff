"""Scoped loaders for pages and API calls: each answers 404 for what the user may not see.

A loader that returns a chart object for a read also writes its access-log row, so a caller
cannot forget it (one row per request). A view that loads an object only to write to it passes
``kind=None``: nothing of the chart is read, so no row is written.
"""

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from assessments.models import Attachment, Evaluation, GaitAnalysis, OutcomeResult, Screening
from assessments.proms import INSTRUMENTS
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, Role, role_of
from patients.models import Patient


def _log(request: HttpRequest, kind: AccessKind | None, patient_id: int, ref) -> None:
    """Write the access-log row of a read; loads for a write (`kind` None) write none."""
    if kind is not None:
        audit_patient_access(request, patient_id=patient_id, kind=kind, ref=ref)


def get_patient_for_notes(
    request: HttpRequest,
    pk: int,
    *,
    kind: AccessKind | None,
    related: tuple[str, ...] = (),
    **annotations,
) -> Patient:
    """A patient whose chart the signed-in clinician may read (with any annotations asked and
    the one-to-one rows in ``related`` joined)."""
    if role_of(request.user) not in CLINICIAN_ROLES:
        raise Http404
    rows = Patient.objects.visible_to(request.user).annotate(**annotations)
    if related:
        rows = rows.select_related(*related)
    patient = get_object_or_404(rows, pk=pk)
    _log(request, kind, patient.pk, patient.pk)
    return patient


def get_patient_for_outcomes(request: HttpRequest, pk: int, *, instrument: str) -> Patient:
    """A patient whose trend of one measure the user may see: clinicians, or the runner themself."""
    if (
        role_of(request.user) not in (*CLINICIAN_ROLES, Role.RUNNER)
        or instrument not in INSTRUMENTS
    ):
        raise Http404
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=pk)
    _log(request, AccessKind.OUTCOME_TREND, patient.pk, instrument)
    return patient


def get_screening_for_user(
    request: HttpRequest, pk: int, *, kind: AccessKind | None = AccessKind.SCREENING
) -> Screening:
    """A screening the signed-in therapist or manager may see."""
    screening = get_object_or_404(Screening.objects.visible_to(request.user), pk=pk)
    _log(request, kind, screening.patient_id, screening.pk)
    return screening


def get_evaluation_for_user(
    request: HttpRequest, pk: int, *, kind: AccessKind | None = AccessKind.EVALUATION
) -> Evaluation:
    """An evaluation the signed-in clinician may read."""
    evaluation = get_object_or_404(
        Evaluation.objects.visible_to(request.user).with_related(), pk=pk
    )
    _log(request, kind, evaluation.patient_id, evaluation.pk)
    return evaluation


def get_evaluation_for_author(
    request: HttpRequest, pk: int, *, kind: AccessKind | None = AccessKind.EVALUATION
) -> Evaluation:
    """An evaluation the signed-in therapist wrote: only its author edits or signs a note."""
    evaluation = get_object_or_404(
        Evaluation.objects.visible_to(request.user).with_related().filter(therapist=request.user),
        pk=pk,
    )
    _log(request, kind, evaluation.patient_id, evaluation.pk)
    return evaluation


def get_gait_for_user(request: HttpRequest, pk: int) -> GaitAnalysis:
    """A gait analysis the signed-in clinician may read."""
    gait = get_object_or_404(
        GaitAnalysis.objects.visible_to(request.user).select_related(
            "patient", "therapist", "evaluation"
        ),
        pk=pk,
    )
    _log(request, AccessKind.GAIT_ANALYSIS, gait.patient_id, gait.pk)
    return gait


def get_outcome_result_for_user(request: HttpRequest, pk: int) -> OutcomeResult:
    """An outcome result the signed-in clinician may read, for its history."""
    result = get_object_or_404(
        OutcomeResult.objects.visible_to(request.user).select_related("patient"), pk=pk
    )
    _log(request, AccessKind.OUTCOME_HISTORY, result.patient_id, result.pk)
    return result


def get_attachment_for_user(
    request: HttpRequest, pk: int, *, kind: AccessKind | None = AccessKind.ATTACHMENT
) -> Attachment:
    """An attachment on a chart the signed-in clinician may read."""
    attachment = get_object_or_404(
        Attachment.objects.visible_to(request.user).with_related(), pk=pk
    )
    _log(request, kind, attachment.patient_id, attachment.pk)
    return attachment


def get_shared_clip_for_runner(request: HttpRequest, pk: int) -> Attachment:
    """A ready clip the signed-in runner's therapist shared with them; 404 for anything else."""
    if role_of(request.user) != Role.RUNNER:
        raise Http404
    clip = get_object_or_404(Attachment.objects.shared_with(request.user), pk=pk)
    _log(request, AccessKind.ATTACHMENT, clip.patient_id, clip.pk)
    return clip
