"""Patients through the API: list, register, read and update (staff)."""

import datetime as dt

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema, Status

from dangpt.audit import audit_patient_list
from dangpt.clinical_ranges import api_number
from dangpt.models import AccessKind
from dangpt.pagination import keyset_page, set_next_headers
from dangpt.security import client_ip
from patients import services
from patients.api.common import ERRORS, MAX_OFFSET, referenced, require_staff
from patients.models import Location, Patient
from patients.selectors import read_patient

router = Router()


class RunningProfileIn(Schema):
    # Ranges and messages from dangpt/clinical_ranges.py, as the intake page has them.
    years_running: api_number("running_profile.years_running") | None = None
    runs_per_week: api_number("running_profile.runs_per_week") | None = None
    weekly_km: api_number("running_profile.weekly_km") | None = None
    longest_run_km_30d: api_number("running_profile.longest_run_km_30d") | None = None
    goal_race: str = Field("", max_length=120)
    goal_race_date: dt.date | None = None
    surfaces: list[str] = []
    current_shoes: str = Field("", max_length=120)
    shoes_km: api_number("running_profile.shoes_km") | None = None
    previous_injuries: str = ""


class RunningProfileOut(Schema):
    years_running: int | None = None
    runs_per_week: int | None = None
    weekly_km: float | None = None
    longest_run_km_30d: float | None = None
    goal_race: str = ""
    goal_race_date: dt.date | None = None
    surfaces: list[str] = []
    current_shoes: str = ""
    shoes_km: int | None = None
    previous_injuries: str = ""


class ReferringProviderIn(Schema):
    name: str = Field("", max_length=120)
    practice: str = Field("", max_length=160)
    phone: str = Field("", max_length=32)
    fax: str = Field("", max_length=32)
    email: str = Field("", max_length=254)


class ReferringProviderOut(Schema):
    name: str
    practice: str
    phone: str
    fax: str
    email: str


class PatientIn(Schema):
    first_name: str = Field(min_length=1, max_length=80)
    last_name: str = Field(min_length=1, max_length=80)
    date_of_birth: dt.date
    sex: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    emergency_contact_name: str = ""
    emergency_contact_phone: str = ""
    preferred_location: int | None = None
    email_opt_in: bool = True
    sms_opt_in: bool = False
    running_profile: RunningProfileIn | None = None
    consents: list[str] = []
    allow_duplicate: bool = False
    referring_provider: ReferringProviderIn | None = None


class PatientPatch(Schema):
    first_name: str | None = Field(None, min_length=1, max_length=80)
    last_name: str | None = Field(None, min_length=1, max_length=80)
    date_of_birth: dt.date | None = None
    sex: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    emergency_contact_name: str | None = None
    emergency_contact_phone: str | None = None
    preferred_location: int | None = None
    email_opt_in: bool | None = None
    sms_opt_in: bool | None = None
    running_profile: RunningProfileIn | None = None
    consents: list[str] = []
    # Absent: unchanged; null (or every field blank): removed.
    referring_provider: ReferringProviderIn | None = None


class ConsentOut(Schema):
    kind: str
    text_version: str
    given_at: dt.datetime


class PatientOut(Schema):
    id: int
    first_name: str
    last_name: str
    date_of_birth: dt.date
    sex: str
    email: str
    phone: str
    address: str
    emergency_contact_name: str
    emergency_contact_phone: str
    preferred_location: int | None = Field(None, alias="preferred_location_id")
    email_opt_in: bool
    sms_opt_in: bool
    has_portal_login: bool
    running_profile: RunningProfileOut | None
    consents: list[ConsentOut]
    referring_provider: ReferringProviderOut | None = None

    @staticmethod
    def resolve_has_portal_login(obj) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_running_profile(obj):
        return getattr(obj, "running_profile", None)

    @staticmethod
    def resolve_referring_provider(obj):
        return getattr(obj, "referring_provider", None)

    @staticmethod
    def resolve_consents(obj):
        return list(obj.consents.all())


def _patients():
    return Patient.objects.select_related("running_profile", "referring_provider").prefetch_related(
        "consents"
    )


def _referrer(payload: Schema, *, partial: bool) -> dict | None:
    """The referring provider to store: None keeps it; {} (an explicit null) removes it."""
    if partial and "referring_provider" not in payload.model_fields_set:
        return None
    return payload.referring_provider.dict() if payload.referring_provider else {}


def _patient_fields(payload: Schema, *, partial: bool) -> tuple[dict, dict | None]:
    data = payload.dict(exclude_unset=partial)
    data.pop("referring_provider", None)
    profile = data.pop("running_profile", None)
    for name in ("consents", "allow_duplicate"):
        data.pop(name, None)
    if "preferred_location" in data:
        data["preferred_location"] = referenced(
            Location, data["preferred_location"], "preferred_location"
        )
    if partial:
        data = {k: v for k, v in data.items() if v is not None or k == "preferred_location"}
    return data, profile


PATIENT_ORDER = ("last_name", "first_name", "id")


@router.get("/patients", response={200: list[PatientOut], **ERRORS})
def list_patients(
    request,
    response: HttpResponse,
    q: str = "",
    limit: int = Query(50, ge=1, le=200),
    cursor: str | None = Query(None, description='From the `Link: rel="next"` header.'),
    offset: int = Query(0, le=MAX_OFFSET, deprecated=True, description="Use `cursor`."),
):
    """Search patients by name, email, phone or date of birth, in name order (staff).

    A page holds `limit` rows; the next page is in the `Link: <…>; rel="next"` header (and
    `X-Next-Cursor`), absent on the last page.
    """
    require_staff(request)
    rows = _patients().visible_to(request.user).search(q)
    page = keyset_page(
        rows, order=PATIENT_ORDER, limit=limit, cursor=cursor, scope="patients", skip=max(offset, 0)
    )
    set_next_headers(response, request, page)
    found = page.rows
    audit_patient_list(request, kind=AccessKind.PATIENT_LIST, shown=((p.pk, p.pk) for p in found))
    return found


@router.post("/patients", response={201: PatientOut, **ERRORS})
def create_patient(request, payload: PatientIn):
    """Register a patient; a likely duplicate is refused unless allow_duplicate is true."""
    require_staff(request)
    fields, profile = _patient_fields(payload, partial=False)
    patient = services.patient_register(
        fields=fields,
        running_profile=profile,
        consents=payload.consents,
        consent_address=client_ip(request),
        by=request.user,
        allow_duplicate=payload.allow_duplicate,
        referring_provider=_referrer(payload, partial=False),
    )
    return Status(201, _patients().get(pk=patient.pk))


@router.get("/patients/{patient_id}", response={200: PatientOut, **ERRORS})
def get_patient(request, patient_id: int):
    """One patient's intake record (staff)."""
    require_staff(request)
    patient = read_patient(request, patient_id, _patients())
    return patient


@router.patch("/patients/{patient_id}", response={200: PatientOut, **ERRORS})
def update_patient(request, patient_id: int, payload: PatientPatch):
    """Change some of a patient's details (staff)."""
    require_staff(request)
    patient = read_patient(request, patient_id)
    fields, profile = _patient_fields(payload, partial=True)
    services.patient_update(
        patient=patient,
        fields=fields,
        running_profile=profile,
        consents=payload.consents,
        consent_address=client_ip(request),
        by=request.user,
        referring_provider=_referrer(payload, partial=True),
    )
    return _patients().get(pk=patient.pk)
