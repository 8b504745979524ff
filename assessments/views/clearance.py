"""The return-to-run clearance page: a clinician records it after a bone stress injury."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from assessments import safety
from assessments.forms import ClearanceForm
from assessments.loaders import get_patient_for_notes
from assessments.models import ReturnToRunClearance
from assessments.services import clearance_record
from dangpt.forms import add_service_errors
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, role_required


@require_http_methods(["GET", "POST"])
@role_required(*CLINICIAN_ROLES)
def clearance_new(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Record a return-to-run clearance with each criterion met; list the earlier ones."""
    kind = AccessKind.CHART if request.method == "GET" else None
    patient = get_patient_for_notes(request, patient_id, kind=kind)
    form = ClearanceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            clearance_record(patient=patient, cleared_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(exc, form)
        else:
            messages.success(
                request,
                f"Return-to-run clearance recorded for {patient}. The walk-run plan can now "
                "start at stage 1 with the bone rule (no pain).",
            )
            return redirect("assessments:clearance_new", patient_id=patient.pk)
    context = {
        "patient": patient,
        "form": form,
        "status": safety.bone_stress_status(patient_id=patient.pk),
        "clearances": ReturnToRunClearance.objects.for_patient(patient.pk),
    }
    status = 400 if form.errors else 200
    return render(request, "assessments/clearance_new.html", context, status=status)
