"""JSON API endpoints of the patients app, mounted at /api/v1/ by dangpt.api."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from dangpt.api import ErrorOut
from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import STAFF_ROLES, Role, role_of
from patients import services, slots
from patients.models import Appointment, AppointmentType, Location, Patient, StaffProfile

router = Router(tags=["patients"])
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Paging past this is a 422, not a database error (OFFSET is a bigint in PostgreSQL).
MAX_OFFSET = 1_000_000


def _staff(request) -> None:
    if role_of(request.user) not in STAFF_ROLES:
        raise Http404


def _get(source, pk, field: str):
    """A referenced row (from a model or a queryset) by id, or a field error naming the id."""
    if pk is None:
        return None
    rows = source._default_manager.all() if isinstance(source, type) else source
    found = rows.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"Unknown {field.replace('_', ' ')} {pk}."})
    return found


# --- Patients -----------------------------------------------------------------------------
class RunningProfileIn(Schema):
    years_running: int | None = Field(None, ge=0, le=90)
    runs_per_week: int | None = Field(None, ge=0, le=21)
    weekly_km: float | None = Field(None, ge=0, le=1000)
    longest_run_km_30d: float | None = Field(None, ge=0, le=500)
    goal_race: str = ""
    goal_race_date: dt.date | None = None
    surfaces: list[str] = []
    current_shoes: str = ""
    shoes_km: int | None = Field(None, ge=0, le=10000)
    previous_injuries: str = ""


class RunningProfileOut(RunningProfileIn):
    pass


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

    @staticmethod
    def resolve_has_portal_login(obj) -> bool:
        return obj.user_id is not None

    @staticmethod
    def resolve_running_profile(obj):
        return getattr(obj, "running_profile", None)

    @staticmethod
    def resolve_consents(obj):
        return list(obj.consents.all())


def _patients():
    return Patient.objects.select_related("running_profile").prefetch_related("consents")


def _patient_fields(payload: Schema, *, partial: bool) -> tuple[dict, dict | None]:
    data = payload.dict(exclude_unset=partial)
    profile = data.pop("running_profile", None)
    for name in ("consents", "allow_duplicate"):
        data.pop(name, None)
    if "preferred_location" in data:
        data["preferred_location"] = _get(
            Location, data["preferred_location"], "preferred_location"
        )
    if partial:
        data = {k: v for k, v in data.items() if v is not None or k == "preferred_location"}
    return data, profile


@router.get("/patients", response={200: list[PatientOut], **ERRORS})
def list_patients(
    request,
    q: str = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, le=MAX_OFFSET),
):
    """Search patients by name, email, phone or date of birth (staff)."""
    _staff(request)
    return _patients().search(q)[max(offset, 0) : max(offset, 0) + limit]


@router.post("/patients", response={201: PatientOut, **ERRORS})
def create_patient(request, payload: PatientIn):
    """Register a patient; a likely duplicate is refused unless allow_duplicate is true."""
    _staff(request)
    fields, profile = _patient_fields(payload, partial=False)
    patient = services.patient_register(
        fields=fields,
        running_profile=profile,
        consents=payload.consents,
        by=request.user,
        allow_duplicate=payload.allow_duplicate,
    )
    return Status(201, _patients().get(pk=patient.pk))


@router.get("/patients/{patient_id}", response={200: PatientOut, **ERRORS})
def get_patient(request, patient_id: int):
    """One patient's intake record (staff)."""
    _staff(request)
    patient = get_object_or_404(_patients(), pk=patient_id)
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.PATIENT, ref=patient.pk)
    return patient


@router.patch("/patients/{patient_id}", response={200: PatientOut, **ERRORS})
def update_patient(request, patient_id: int, payload: PatientPatch):
    """Change some of a patient's details (staff)."""
    _staff(request)
    patient = get_object_or_404(Patient, pk=patient_id)
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.PATIENT, ref=patient.pk)
    fields, profile = _patient_fields(payload, partial=True)
    services.patient_update(
        patient=patient,
        fields=fields,
        running_profile=profile,
        consents=payload.consents,
        by=request.user,
    )
    return _patients().get(pk=patient.pk)


# --- Reference data -----------------------------------------------------------------------
class TherapistOut(Schema):
    id: int
    name: str
    title: str
    locations: list[int]


class LocationOut(Schema):
    id: int
    name: str
    time_zone: str
    address: str
    phone: str


class AppointmentTypeOut(Schema):
    id: int
    name: str
    duration_minutes: int
    colour: str
    is_active: bool


@router.get("/therapists", response={200: list[TherapistOut], **ERRORS})
def list_therapists(request):
    """Active therapists with the locations they work at (staff)."""
    _staff(request)
    people = list(slots.therapists())
    profiles = {
        p.user_id: p
        for p in StaffProfile.objects.filter(user__in=people).prefetch_related("locations")
    }
    out = []
    for user in people:
        profile = profiles.get(user.pk)
        out.append(
            {
                "id": user.pk,
                "name": user.get_full_name() or user.get_username(),
                "title": profile.title if profile else "",
                "locations": [loc.pk for loc in profile.locations.all()] if profile else [],
            }
        )
    return out


@router.get("/locations", response={200: list[LocationOut], **ERRORS})
def list_locations(request):
    """Active locations with their time zones (staff)."""
    _staff(request)
    return Location.objects.filter(is_active=True)


@router.get("/appointment-types", response={200: list[AppointmentTypeOut], **ERRORS})
def list_appointment_types(request):
    """Appointment types and their durations (staff)."""
    _staff(request)
    return AppointmentType.objects.all()


# --- Availability and appointments ---------------------------------------------------------
class SlotOut(Schema):
    start: dt.datetime
    end: dt.datetime
    therapist: int
    location: int


class AvailabilityOut(Schema):
    date: dt.date
    appointment_type: int
    slots: list[SlotOut]


@router.get("/availability", response={200: AvailabilityOut, **ERRORS})
def availability(
    request,
    appointment_type: int,
    date: dt.date,
    therapist: int | None = None,
    location: int | None = None,
):
    """Free start times for a type on a local date, for one therapist or any (staff)."""
    _staff(request)
    kind = _get(AppointmentType, appointment_type, "appointment_type")
    person = _get(slots.therapists(), therapist, "therapist") if therapist else None
    place = _get(Location, location, "location")
    found = slots.free_slots(appointment_type=kind, day=date, therapist=person, location=place)
    return {
        "date": date,
        "appointment_type": kind.pk,
        "slots": [
            {
                "start": s["start"].astimezone(ZoneInfo(s["location"].time_zone)),
                "end": s["end"].astimezone(ZoneInfo(s["location"].time_zone)),
                "therapist": s["therapist"].pk,
                "location": s["location"].pk,
            }
            for s in found
        ],
    }


class AppointmentIn(Schema):
    patient: int
    therapist: int
    appointment_type: int
    start: dt.datetime
    location: int | None = None


class CancelIn(Schema):
    reason: str = Field("", max_length=200)


class AppointmentOut(Schema):
    id: int
    patient: int = Field(alias="patient_id")
    therapist: int = Field(alias="therapist_id")
    location: int = Field(alias="location_id")
    appointment_type: int = Field(alias="appointment_type_id")
    start: dt.datetime
    end: dt.datetime
    status: str
    late_cancel: bool
    cancel_reason: str

    @staticmethod
    def resolve_start(obj):
        return obj.start.astimezone(ZoneInfo(obj.location.time_zone))

    @staticmethod
    def resolve_end(obj):
        return obj.end.astimezone(ZoneInfo(obj.location.time_zone))


BOOKING = {201: AppointmentOut, 409: ErrorOut, **ERRORS}


def _conflict(exc: services.SlotTaken):
    return Status(409, {"detail": exc.messages[0], "errors": {"start": exc.messages}})


@router.get("/appointments", response={200: list[AppointmentOut], **ERRORS})
def list_appointments(
    request,
    date: dt.date | None = None,
    therapist: int | None = None,
    patient: int | None = None,
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, le=MAX_OFFSET),
):
    """Appointments, optionally of one UTC date, therapist or patient (staff)."""
    _staff(request)
    rows = Appointment.objects.visible_to(request.user)
    if date:
        rows = rows.filter(start__date=date)
    if therapist:
        rows = rows.filter(therapist_id=therapist)
    if patient:
        rows = rows.filter(patient_id=patient)
    return rows[max(offset, 0) : max(offset, 0) + limit]


@router.post("/appointments", response=BOOKING)
def book_appointment(request, payload: AppointmentIn):
    """Book a slot; 409 when it overlaps the therapist's or the patient's other appointment."""
    _staff(request)
    therapist = _get(slots.therapists(), payload.therapist, "therapist")
    try:
        appointment = services.appointment_book(
            patient=_get(Patient, payload.patient, "patient"),
            therapist=therapist,
            appointment_type=_get(AppointmentType, payload.appointment_type, "appointment_type"),
            start=payload.start,
            location=_get(Location, payload.location, "location"),
            by=request.user,
        )
    except services.SlotTaken as exc:
        return _conflict(exc)
    return Status(201, appointment)


@router.get("/appointments/{appointment_id}", response={200: AppointmentOut, **ERRORS})
def get_appointment(request, appointment_id: int):
    """One appointment (staff)."""
    _staff(request)
    appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=appointment_id)
    audit_patient_access(
        request, patient_id=appointment.patient_id, kind=AccessKind.APPOINTMENT, ref=appointment.pk
    )
    return appointment


@router.post("/appointments/{appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def cancel_appointment(request, appointment_id: int, payload: CancelIn | None = None):
    """Cancel and free the slot (staff, or the runner whose appointment it is)."""
    role = role_of(request.user)
    if role not in STAFF_ROLES and role != Role.RUNNER:
        raise Http404
    appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=appointment_id)
    return services.appointment_cancel(
        appointment=appointment, by=request.user, reason=payload.reason if payload else ""
    )


@router.get("/me/appointments", response={200: list[AppointmentOut], **ERRORS})
def my_appointments(request, upcoming: bool = False):
    """The runner's own appointments, oldest first (upcoming=true: from now on)."""
    if role_of(request.user) != Role.RUNNER:
        raise Http404
    rows = Appointment.objects.visible_to(request.user)
    return rows.filter(end__gte=timezone.now()) if upcoming else rows
