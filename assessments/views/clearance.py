"""The return-to-run page: a clinician records a clearance after a bone stress injury, or that a
suspected condition (bone stress injury, Achilles rupture, DVT) was excluded."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments import safety
from assessments.forms import ClearanceForm, ExclusionForm
from assessments.loaders import get_patient_for_notes
from assessments.models import ConditionExclusion, ReturnToRunClearance
from assessments.services import clearance_record, exclusion_record
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, role_required


def _record(request, patient, form, service, by: str, done: str) -> bool:
    if not form.is_valid():
        return False
    try:
        service(patient=patient, **{by: request.user}, **form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(exc, form)
        return False
    messages.success(request, done)
    return True


@require_http_methods(["GET", "POST"])
@role_required(*CLINICIAN_ROLES)
def clearance_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a return-to-run clearance or a condition's exclusion; list the earlier ones."""
    kind = AccessKind.CHART if request.method == "GET" else None
    patient = get_patient_for_notes(request, patient_id, kind=kind)
    excluding = request.method == "POST" and request.POST.get("record") == "exclusion"
    form = ClearanceForm(request.POST if request.method == "POST" and not excluding else None)
    exclusion_form = ExclusionForm(request.POST if excluding else None)
    if excluding:
        done = _record(
            request,
            patient,
            exclusion_form,
            exclusion_record,
            "excluded_by",
            f"Exclusion recorded for {patient}: the flags it answers no longer block loading.",
        )
    elif request.method == "POST":
        done = _record(
            request,
            patient,
            form,
            clearance_record,
            "cleared_by",
            f"Return-to-run clearance recorded for {patient}. The walk-run plan can now start at "
            "stage 1 with the bone rule (no pain).",
        )
    if request.method == "POST" and done:
        return redirect("assessments:clearance_new", patient_id=patient.pk)
    exclusions = list(ConditionExclusion.objects.for_patient(patient.pk))
    # Newest first: the first row of each condition is its latest exclusion.
    latest = {}
    for exclusion in exclusions:
        latest.setdefault(exclusion.condition, exclusion.excluded_at)
    context = {
        "patient": patient,
        "form": form,
        "exclusion_form": exclusion_form,
        "status": safety.bone_stress_status(patient_id=patient.pk, exclusions=latest),
        "clearances": ReturnToRunClearance.objects.for_patient(patient.pk),
        "exclusions": exclusions,
    }
    status = 400 if form.errors or exclusion_form.errors else 200
    return render(request, "assessments/clearance_new.html", context, status=status)
