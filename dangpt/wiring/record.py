"""The runner's own record (HIPAA right of access): everything the clinic holds about one
patient, as a PDF to read and as JSON to keep (issue 18).

Each app answers for its part through a selector (`patient_record_part`,
`assessments_record_part`, `programs_record_part`); only the wiring reads all apps, so the
collector lives here. A runner downloads their own from the portal; a therapist or manager
produces the same from the chart on the runner's request. The front desk does not: the record is
clinical, and the desk already sees the demographics on the patient page.
"""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.views.decorators.http import require_GET

from assessments.models import GaitAnalysis
from assessments.record import assessments_record_part
from dangpt import staff_units
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, Role, role_required
from dangpt.wiring.pdf import pdf_response
from patients.models import Patient
from patients.selectors import patient_record_part, runner_patient
from programs.record import programs_record_part

SCHEMA = "dangpt.patient-record/1"
CLINIC = "Dang PT"


def collect_record(*, patient: Patient) -> dict:
    """Everything held about one patient, by section; no other patient's row can enter it, as
    each part is filtered on this patient."""
    return {
        "schema": SCHEMA,
        "clinic": CLINIC,
        "generated_at": timezone.now().isoformat(),
        **patient_record_part(patient=patient),
        **assessments_record_part(patient=patient),
        **programs_record_part(patient=patient),
    }


DATE_KEYS = {"date", "date_of_birth", "evaluated_on", "recorded_on", "gait_recorded_on"}
TIME_KEYS = {
    "start", "given_at", "taken_at", "signed_at", "generated_at", "written_at", "uploaded_at",
    "marked_at",
}  # fmt: skip


def _reading_date(value: str) -> str:
    """An ISO date or date-time as people read it: "Dec 4, 2026" or "Dec 4, 2026, 9:30 AM"
    (a time in the clinic's zone, or the appointment location's when it carries its offset)."""
    if len(value) == 10:
        return date_format(dt.date.fromisoformat(value), "M j, Y")
    moment = dt.datetime.fromisoformat(value)
    if moment.utcoffset() == dt.timedelta(0):
        moment = timezone.localtime(moment)
    return date_format(moment, "M j, Y, g:i A")


def for_reading(value):
    """A copy of the record with a ``<key>_display`` beside each date, for the PDF."""
    if isinstance(value, list):
        return [for_reading(item) for item in value]
    if not isinstance(value, dict):
        return value
    shown = {key: for_reading(item) for key, item in value.items()}
    for key, item in value.items():
        if key in DATE_KEYS | TIME_KEYS and isinstance(item, str) and item:
            shown[f"{key}_display"] = _reading_date(item)
    return shown


def _gait_label(name: str) -> str:
    return capfirst(str(GaitAnalysis._meta.get_field(name).verbose_name))


def in_miles(record: dict) -> dict:
    """The PDF's gait speeds and shoe ages miles first, kilometres beside them ("6.2 mph
    (10.0 km/h)"); the JSON keeps kilometres (DESIGN's kilometre contract)."""
    texts = {
        _gait_label("speed_kmh"): ("Speed", "speed_kmh", staff_units.speed_text),
        _gait_label("shoe_km"): (
            "Shoe age",
            "shoe_km",
            lambda km: f"{staff_units.miles_text(km, whole=True)} ({int(km):,} km)",
        ),
    }
    for gait in record.get("gait_analyses", []):
        shown = {}
        for label, value in gait["shown"].items():
            if label in texts:
                new_label, name, text = texts[label]
                shown[new_label] = text(gait["values"][name])
            else:
                shown[label] = value
        gait["shown"] = shown
    return record


def _json(record: dict, filename: str) -> HttpResponse:
    body = json.dumps(record, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store, private"
    return response


def _download(request: HttpRequest, patient: Patient, fmt: str) -> HttpResponse:
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.RECORD_EXPORT, ref=fmt)
    record = collect_record(patient=patient)
    filename = f"dang-pt-record-{timezone.localdate():%Y-%m-%d}.{fmt}"
    if fmt == "json":
        return _json(record, filename)
    context = {"record": in_miles(for_reading(record))}
    return pdf_response(
        "records/record.html",
        context,
        filename=filename,
        footer="Confidential: protected health information.",
    )


def _staff_patient(request: HttpRequest, patient_id: int) -> Patient:
    return get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_id)


@require_GET
@role_required(Role.RUNNER)
def my_record(request: HttpRequest) -> HttpResponse:
    """The portal page that explains the record and offers its two downloads."""
    runner_patient(request.user)
    return render(request, "records/my_record.html")


@require_GET
@role_required(Role.RUNNER)
def my_record_pdf(request: HttpRequest) -> HttpResponse:
    """The runner's own record as a PDF to read."""
    return _download(request, runner_patient(request.user), "pdf")


@require_GET
@role_required(Role.RUNNER)
def my_record_json(request: HttpRequest) -> HttpResponse:
    """The runner's own record as JSON to keep or take to another clinic."""
    return _download(request, runner_patient(request.user), "json")


@require_GET
@role_required(*CLINICIAN_ROLES)
def patient_record_pdf(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's whole record as PDF, produced by a clinician on the patient's request."""
    return _download(request, _staff_patient(request, patient_id), "pdf")


@require_GET
@role_required(*CLINICIAN_ROLES)
def patient_record_json(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's whole record as JSON, produced by a clinician on the patient's request."""
    return _download(request, _staff_patient(request, patient_id), "json")
