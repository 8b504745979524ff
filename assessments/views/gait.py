"""Gait pages: record, show, change and compare gait analyses."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from assessments.forms import GaitAnalysisForm, GaitCompareForm
from assessments.gait_metrics import asymmetry
from assessments.loaders import get_gait_for_user, get_patient_for_notes
from assessments.models import Evaluation
from assessments.selectors import gait_comparison, gait_values, video_measurements
from assessments.services import gait_create, gait_update
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, Role, role_of, role_required


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def gait_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a gait analysis, optionally attached to a draft note (?evaluation=id)."""
    patient = get_patient_for_notes(request, patient_id, kind=None)
    evaluation = None
    evaluation_id = request.GET.get("evaluation") or request.POST.get("evaluation")
    if evaluation_id:
        if not str(evaluation_id).isdigit():
            raise Http404
        # Only the note's author adds to it, as only they edit and sign it.
        evaluation = get_object_or_404(
            Evaluation.objects.visible_to(request.user).filter(therapist=request.user),
            pk=evaluation_id,
            patient=patient,
        )
    form = GaitAnalysisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            gait = gait_create(
                patient=patient,
                therapist=request.user,
                evaluation=evaluation,
                fields=form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Gait analysis saved.")
            if evaluation is not None:
                return redirect("assessments:evaluation_detail", pk=evaluation.pk)
            return redirect("assessments:gait_detail", pk=gait.pk)
    return render(
        request,
        "assessments/gait_edit.html",
        {"form": form, "patient": patient, "evaluation": evaluation, "gait": None},
    )


@require_GET
@role_required(*CLINICIAN_ROLES)
def gait_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One gait analysis with its left/right asymmetry."""
    gait = get_gait_for_user(request, pk)
    note = gait.evaluation
    # Files join an analysis as its fields do: a note's analysis is its author's, while a draft.
    can_attach = role_of(request.user) == Role.THERAPIST and (
        note is None or (note.therapist_id == request.user.pk and not note.is_signed)
    )
    measured = video_measurements(gait)
    # The files of the analysis, and the clips measured for it that were uploaded elsewhere.
    files = list(gait.attachments.all())
    for clip in {m.clip_id: m.clip for m in measured}.values():
        if clip.pk not in {file.pk for file in files}:
            files.append(clip)
    context = {
        "gait": gait,
        "patient": gait.patient,
        "asymmetry": asymmetry(gait_values(gait)),
        "can_attach": can_attach,
        "video_measurements": measured,
        "files": files,
    }
    return render(request, "assessments/gait_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(Role.THERAPIST)
def gait_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a gait analysis unless its note is signed; one in a note is its author's only."""
    gait = get_gait_for_user(request, pk)
    if gait.evaluation_id and gait.evaluation.therapist_id != request.user.pk:
        raise Http404
    if gait.evaluation_id and gait.evaluation.is_signed:
        messages.error(request, "This analysis belongs to a signed note and is locked.")
        return redirect("assessments:gait_detail", pk=gait.pk)
    form = GaitAnalysisForm(request.POST or None, instance=gait)
    if request.method == "POST" and form.is_valid():
        try:
            gait_update(gait=gait, user=request.user, fields=form.service_fields())
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(request, "Gait analysis saved.")
            return redirect("assessments:gait_detail", pk=gait.pk)
    return render(
        request,
        "assessments/gait_edit.html",
        {"form": form, "patient": gait.patient, "evaluation": gait.evaluation, "gait": gait},
    )


@require_GET
@role_required(*CLINICIAN_ROLES)
def gait_compare(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Two analyses side by side with the changes highlighted."""
    patient = get_patient_for_notes(request, patient_id, kind=AccessKind.GAIT_COMPARISON)
    form = GaitCompareForm(request.GET or None, patient=patient)
    comparison = None
    if form.is_valid():
        comparison = gait_comparison(
            before=form.cleaned_data["before"], after=form.cleaned_data["after"]
        )
    return render(
        request,
        "assessments/gait_compare.html",
        {"form": form, "patient": patient, "comparison": comparison},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
