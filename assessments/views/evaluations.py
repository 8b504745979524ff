"""Evaluation pages: the list of notes, and writing, signing, amending and tracing one note."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
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
from assessments.selectors_chart import safety_holds
from assessments.selectors_note import (
    exam_hints,
    note_start,
    screening_history,
    visit_day,
    visit_for_note,
)
from assessments.services import addendum_add, evaluation_create, evaluation_sign, evaluation_update
from assessments.views.screening import result_view
from dangpt.audit import audit_patient_access, audit_patient_list
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
    """Start a SOAP note for a patient, filled in with what is known.

    Started from a visit (``?appointment=<id>``, one of the patient's own, else 404): the visit
    and its local day. Always: the latest screening (its complaint in words as the history), the
    kind (initial until a signed initial evaluation exists), and the exam and running profile of
    the latest note as a starting point, marked to be checked. Never a working diagnosis. A visit
    the therapist already has a draft note of opens that draft instead.
    """
    patient = get_patient_for_notes(
        request, patient_id, kind=AccessKind.RUNNING_PROFILE, related=("running_profile",)
    )
    visit = None
    if "appointment" in request.GET:
        visit = visit_for_note(
            patient=patient, appointment_id=request.GET["appointment"], therapist=request.user
        )
        if visit is None:
            raise Http404
        if visit.draft_note_id and request.method == "GET":
            messages.info(request, "You have a draft note of this visit: continue it here.")
            return redirect("assessments:evaluation_edit", pk=visit.draft_note_id)
        if not visit.is_active:
            messages.warning(
                request,
                f"That visit was {visit.get_status_display().lower()}: the note is not linked "
                "to a visit. Choose one if it belongs to another.",
            )
            visit = None
    start = note_start(patient=patient, visit=visit)
    today = timezone.localdate()
    initial = {
        "kind": start.kind,
        # A booked visit still to come: the note is of today (a later day is refused).
        "evaluated_on": min(visit_day(visit), today) if visit else today,
        "appointment": visit.pk if visit else None,
        "screening": start.screening.pk if start.screening else None,
        "history": screening_history(start.history_screening) if start.history_screening else "",
    }
    form = EvaluationForm(
        request.POST or None,
        patient=patient,
        initial=initial,
        profile_initial={**start.running_profile, **running_profile_snapshot(patient=patient)},
        exam_hints=exam_hints(start.exam, start.latest_note.evaluated_on if start.exam else None),
    )
    if request.method == "POST" and form.is_valid():
        # A second tab or a resubmit while a draft of the visit exists: save this one too (what
        # was typed is never thrown away) and say where the other draft is.
        saved = _save_draft(
            request,
            form,
            lambda fields: evaluation_create(
                patient=patient, therapist=request.user, fields=fields
            ),
        )
        if saved is not None:
            if visit is not None and visit.draft_note_id:
                messages.warning(
                    request,
                    "You have another draft note of this visit; it is listed on the chart.",
                )
            return saved
    screening = start.screening
    # The page shows more than the running profile: the screening's answers and result, and the
    # last signed note's exam. Each read is in the access log under its own kind and id.
    if screening is not None:
        audit_patient_access(
            request, patient_id=patient.pk, kind=AccessKind.SCREENING, ref=screening.pk
        )
    if start.exam:
        audit_patient_access(
            request, patient_id=patient.pk, kind=AccessKind.EVALUATION, ref=start.latest_note.pk
        )
    view = result_view(screening.result or {}) if screening else {}
    return render(
        request,
        "assessments/evaluation_edit.html",
        {
            "form": form,
            "patient": patient,
            "evaluation": None,
            "visit": visit,
            "carried_from": start.latest_note if start.exam else None,
            "hint_screening": screening,
            # Red flags first: a referral or suspected bone stress injury comes before patterns.
            "flag_result": view if view.get("disposition") == "refer" else None,
            "holds": safety_holds(patient_id=patient.pk),
            "hints": _pattern_hints(view)[:3],
            "mixed": view.get("pattern") == "mixed",
        },
    )


def _pattern_hints(view: dict) -> list[dict]:
    """The screening's consistent patterns with the reasons that count for them (points above 0,
    most points first)."""
    hints = []
    for condition in view.get("conditions", []):
        if not condition["consistent"]:
            continue
        reasons = sorted(
            (r for r in condition["reasons"] if r.get("points", 0) > 0),
            key=lambda r: -r["points"],
        )
        hints.append(
            {
                "name": condition["name"],
                "score_pct": condition["score_pct"],
                "reasons": "; ".join(r["label"][:1].lower() + r["label"][1:] for r in reasons[:4]),
            }
        )
    return hints


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
