"""`GET /api/v1/patients/{id}/fhir`: the patient's record as a FHIR R4 Bundle (clinicians)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Router

from dangpt.api import ErrorOut
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import CLINICIAN_ROLES, role_of
from patients.models import Patient

from .bundle import patient_bundle

FHIR_JSON = "application/fhir+json"

router = Router(tags=["fhir"])


@router.get(
    "/patients/{patient_id}/fhir",
    response={200: dict, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    openapi_extra={"responses": {200: {"content": {FHIR_JSON: {"schema": {"type": "object"}}}}}},
)
def patient_fhir(request, patient_id: int):
    """The patient's record as a FHIR R4 `collection` Bundle (therapists and managers)."""
    if role_of(request.user) not in CLINICIAN_ROLES:
        raise Http404
    patient = get_object_or_404(Patient.objects.visible_to(request.user), pk=patient_id)
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.CHART, ref="FHIR bundle")
    body = json.dumps(patient_bundle(patient), cls=DjangoJSONEncoder)
    # A whole chart: never kept by a shared cache or the browser's disk cache.
    return HttpResponse(
        body, content_type=FHIR_JSON, headers={"Cache-Control": "no-store, private"}
    )
