"""Evaluation pages: the list of notes, and writing, signing, amending and tracing one note."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from assessments.exam import exam_rows
from assessments.forms import AddendumForm, EvaluationForm
from assessments.loaders import (
    get_evaluation_for_author,
    get_evaluation_for_user,
    get_patient_for_notes,
)
from assessments.models import Evaluation, EvaluationStatus
from assessments.note_fields import running_profile_rows, stored_exam
from assessments.selectors import evaluation_history, running_profile_snapshot, with_user_names
from assessments.services import addendum_add, evaluation_create, evaluation_sign, evaluation_update
from dangpt.audit import audit_patient_list
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, Role, role_required

PAGE_SIZE = 25


def _save_draft(request: HttpRequest, form: EvaluationForm, write) -> HttpResponse | None:
    """Write the form's note; on success go to the note, on refusal None with errors on the form."""
    try:
        evaluation = write(form.service_fields())
    except ValidationError as exc:
        add_service_errors(exc, form)
        return None
    messages.success(request, "Draft note saved.")
    return redirect("assessments:evaluation_detail", pk=evaluation.pk)


@require_GET
@role_required(*CLINICIAN_ROLES)
def evaluation_list(request: HttpRequest) -> HttpResponse:
    """All notes, newest first; filter drafts or signed."""
    status = request.GET.get("status", "")
    evaluations = Evaluation.objects.visible_to(request.user).with_related()
    if status in EvaluationStatus.values:
        evaluations = evaluations.filter(status=status)
    page = Paginator(evaluations, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    shown = ((e.patient_id, e.pk) for e in page.object_list)
    audit_patient_list(request, kind=AccessKind.EVALUATION_LIST, shown=shown)
    return render(
        request,
        "assessments/evaluation_list.html",
        {"page": page, "status": status, "statuses": EvaluationStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def evaluation_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Start a SOAP note for a patient."""
    patient = get_patient_for_notes(request, patient_id, kind=AccessKind.RUNNING_PROFILE)
    form = EvaluationForm(
        request.POST or None,
        patient=patient,
        profile_initial=running_profile_snapshot(patient=patient),
    )
    if request.method == "POST" and form.is_valid():
        saved = _save_draft(
            request,
            form,
            lambda fields: evaluation_create(
                patient=patient, therapist=request.user, fields=fields
            ),
        )
        if saved is not None:
            return saved
    return render(
        request,
        "assessments/evaluation_edit.html",
        {"form": form, "patient": patient, "evaluation": None},
    )


@require_GET
@role_required(*CLINICIAN_ROLES)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One note with its gait analyses and addenda; sign or add an addendum from here."""
    evaluation = get_evaluation_for_user(request, pk)
    return render(request, "assessments/evaluation_detail.html", _detail_context(evaluation))


def _detail_context(evaluation: Evaluation, addendum_form: AddendumForm | None = None) -> dict:
    """Context of the note page, with a fresh or a bound addendum form."""
    return {
        "evaluation": evaluation,
        "patient": evaluation.patient,
        "exam": exam_rows(stored_exam(evaluation.exam)),
        "running_profile": running_profile_rows(evaluation.running_profile),
        "addenda": evaluation.addenda.select_related("author"),
        "gait_analyses": evaluation.gait_analyses.all(),
        "attachments": evaluation.attachments.all(),
        "programs": evaluation.programs.order_by("-created_at"),
        "addendum_form": addendum_form or AddendumForm(),
    }


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def evaluation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a draft note (its author only); a signed note is refused and points to addenda."""
    evaluation = get_evaluation_for_author(request, pk)
    if evaluation.is_signed:
        messages.error(request, "This note is signed and locked. Add an addendum instead.")
        return redirect("assessments:evaluation_detail", pk=evaluation.pk)
    form = EvaluationForm(request.POST or None, instance=evaluation, patient=evaluation.patient)
    if request.method == "POST" and form.is_valid():
        saved = _save_draft(
            request,
            form,
            lambda fields: evaluation_update(
                evaluation=evaluation, user=request.user, fields=fields
            ),
        )
        if saved is not None:
            return saved
    return render(
        request,
        "assessments/evaluation_edit.html",
        {"form": form, "patient": evaluation.patient, "evaluation": evaluation},
    )


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def evaluation_sign_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then sign a draft note (its author only); it is locked from then on."""
    evaluation = get_evaluation_for_author(request, pk)
    error = None
    if request.method == "POST":
        try:
            evaluation_sign(evaluation=evaluation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, "Note signed. Later changes go in addenda.")
            return redirect("assessments:evaluation_detail", pk=evaluation.pk)
    return render(
        request,
        "assessments/evaluation_sign.html",
        {"evaluation": evaluation, "patient": evaluation.patient, "error": error},
        status=400 if error else 200,
    )


@require_POST
@role_required(*CLINICIAN_ROLES)
def evaluation_addendum(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a dated addendum to a signed note."""
    evaluation = get_evaluation_for_user(request, pk, kind=None)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            addendum_add(evaluation=evaluation, author=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Addendum added.")
            return redirect("assessments:evaluation_detail", pk=evaluation.pk)
    context = _detail_context(evaluation, addendum_form=form)
    return render(request, "assessments/evaluation_detail.html", context, status=400)


@require_GET
@role_required(*CLINICIAN_ROLES)
def evaluation_history_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every saved version of a note, with what changed and who changed it."""
    evaluation = get_evaluation_for_user(request, pk, kind=AccessKind.EVALUATION_HISTORY)
    rows = evaluation_history(evaluation=evaluation)
    on = evaluation.evaluated_on
    day = f"{on:%b} {on.day}, {on.year}"
    return render(
        request,
        "assessments/record_history.html",
        {
            "title": f"History of the {evaluation.get_kind_display().lower()} of {day}",
            "back": reverse("assessments:evaluation_detail", args=[evaluation.pk]),
            "rows": with_user_names(rows),
            "patient": evaluation.patient,
        },
    )
