"""Gait video pages: two clips side by side with measurements, and the runner's shared clips."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from assessments.forms.clips import (
    ClipMeasurementForm,
    ClipPairForm,
    editable_gait_analyses,
    us_date,
)
from assessments.loaders import get_patient_for_notes
from assessments.models import Attachment, ClipMeasurement
from assessments.services.clips import clip_measurement_record
from assessments.video_measures import KINDS
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, Role, role_of, role_required
from patients.models import Patient

#: Measurements of the two clips shown under the player, newest first.
SAVED_SHOWN = 50
RUNNER_CLIPS_PER_PAGE = 5
SPEEDS = (("0.25", "0.25×"), ("0.5", "0.5×"), ("1", "1×"))


def _clip_data(clip: Attachment) -> dict:
    return {
        "clip": clip,
        "fps": float(clip.frame_rate or 30),
        "duration": float(clip.duration_s or 0),
        "measure_url": reverse("assessments:clip_measure", args=[clip.pk]),
    }


def _kinds_json() -> dict:
    return {
        code: {
            "label": kind.label,
            "points": list(kind.points),
            "reference": kind.reference,
            "sided": kind.sided,
            "unit": kind.unit,
        }
        for code, kind in KINDS.items()
    }


@require_GET
@role_required(*CLINICIAN_ROLES)
def clip_compare(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Two of a patient's videos on one timeline; a therapist marks measurements on them."""
    patient = get_patient_for_notes(request, patient_id, kind=None)
    form = ClipPairForm(request.GET or None, patient=patient)
    if not form.is_bound and form.defaults():
        # The two newest videos play right away; "Show" is for choosing others.
        form = ClipPairForm(form.defaults(), patient=patient)
    context = {"patient": patient, "form": form, "clips": None, "speeds": SPEEDS}
    if form.is_valid():
        left, right = form.clips()
        audit_patient_access(
            request, patient_id=patient.pk, kind=AccessKind.ATTACHMENT, ref=f"{left.pk}, {right.pk}"
        )
        context["clips"] = [("left", _clip_data(left)), ("right", _clip_data(right))]
        context["saved"] = (
            ClipMeasurement.objects.filter(clip__in=[left, right])
            .select_related("clip", "gait_analysis")
            .order_by("-created_at", "-id")[:SAVED_SHOWN]
        )
        if role_of(request.user) == Role.THERAPIST:
            # The clip's own gait analysis is the one to fill, unless its note is signed;
            # otherwise the patient's newest one still open.
            editable = list(editable_gait_analyses(patient).values_list("pk", flat=True))
            own = [g for g in (left.gait_analysis_id, right.gait_analysis_id) if g in editable]
            chosen = own[0] if own else (editable[0] if editable else None)
            context["measure_form"] = ClipMeasurementForm(
                patient=patient, initial={"gait_analysis": chosen}
            )
            context["has_gait"] = bool(editable)
        context["kinds"] = _kinds_json()
    else:
        audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.ATTACHMENT_LIST)
    status = 400 if form.is_bound and not form.is_valid() else 200
    return render(request, "assessments/clip_compare.html", context, status=status)


def _errors(detail: str, errors: dict, status: int = 422) -> JsonResponse:
    return JsonResponse({"detail": detail, "errors": errors}, status=status)


def _detail(errors: dict) -> str:
    """The answer's summary: the first field message, so it reads well next to the field."""
    first = next((messages[0] for messages in errors.values() if messages), "")
    return f"Not saved: {first}" if first else "Not saved: check the measurement."


def _saved_json(measurement: ClipMeasurement) -> dict:
    gait = measurement.gait_analysis
    return {
        "id": measurement.pk,
        "kind": measurement.kind,
        "side": measurement.side,
        "label": measurement.label,
        "value": float(measurement.value),
        "value_display": measurement.value_display,
        "time": float(measurement.time_s),
        "time_display": f"{measurement.time_s:.2f} s",
        "clip": measurement.clip.display_name,
        "gait_display": us_date(gait.recorded_on),
        "gait_url": reverse("assessments:gait_detail", args=[gait.pk]),
    }


@require_POST
@role_required(Role.THERAPIST)
def clip_measure(request: HttpRequest, pk: int) -> JsonResponse:
    """Save a measurement marked on a clip (JSON answer); the server recomputes the value."""
    clip = get_object_or_404(Attachment.objects.visible_to(request.user), pk=pk)
    form = ClipMeasurementForm(request.POST, patient=clip.patient)
    if not form.is_valid():
        errors = {
            field: [error["message"] for error in field_errors]
            for field, field_errors in form.errors.get_json_data().items()
        }
        return _errors(_detail(errors), errors)
    data = form.cleaned_data
    try:
        measurement = clip_measurement_record(
            clip=clip,
            gait_analysis=data["gait_analysis"],
            therapist=request.user,
            kind=data["kind"],
            side=data["side"],
            time_s=data["time"],
            points=data["points"],
            taps=data["taps"],
        )
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return _errors(_detail(exc.message_dict), exc.message_dict)
        return _errors(" ".join(exc.messages), {})
    return JsonResponse(_saved_json(measurement), status=201)


@require_GET
@role_required(Role.RUNNER)
def my_clips(request: HttpRequest) -> HttpResponse:
    """The clips the therapist shared with this runner, with their cues."""
    patient = Patient.objects.filter(user=request.user).only("pk").first()
    if patient is None:
        raise Http404
    clips = Attachment.objects.shared_with(request.user).order_by("-shared_at", "-id")
    page = Paginator(clips, RUNNER_CLIPS_PER_PAGE).get_page(request.GET.get("page"))
    audit_patient_access(
        request,
        patient_id=patient.pk,
        kind=AccessKind.ATTACHMENT_LIST,
        ref=", ".join(str(clip.pk) for clip in page),
    )
    return render(request, "assessments/my_clips.html", {"page": page})
