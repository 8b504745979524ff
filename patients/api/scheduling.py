"""Reference data, availability and appointments through the API."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from dangpt import dates, rowcache
from dangpt.api import ErrorOut
from dangpt.audit import audit_patient_list
from dangpt.models import AccessKind
from dangpt.pagination import KeysetPage, keyset_page, set_next_headers
from dangpt.roles import STAFF_ROLES, Role, role_of
from patients import mine, services, slots
from patients.api.common import ERRORS, MAX_OFFSET, referenced, require_staff
from patients.models import Appointment, AppointmentType, Location, Patient, StaffProfile
from patients.models.people import staff_locations
from patients.policy import PolicyRefused
from patients.querysets import local_days_window
from patients.selectors import read_appointment, schedule_locations

router = Router()


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
    require_staff(request)
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
    require_staff(request)
    return Location.objects.filter(is_active=True)


@router.get("/appointment-types", response={200: list[AppointmentTypeOut], **ERRORS})
def list_appointment_types(request):
    """Appointment types and their durations (staff)."""
    require_staff(request)
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
    require_staff(request)
    _refuse_far_days(date=date)
    kind = referenced(AppointmentType, appointment_type, "appointment_type")
    person = referenced(slots.therapists(), therapist, "therapist") if therapist else None
    place = referenced(Location, location, "location")
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


def _refuse(field: str, message: str):
    """A query that cannot be answered: 422 naming the field, as for a malformed value."""
    raise NinjaValidationError([{"loc": ("query", field), "msg": message}])


def _refuse_far_days(**days) -> None:
    """422 naming the first query date outside the window people may type (year 1 or 9999
    would overflow the day arithmetic below)."""
    for field, day in days.items():
        problem = day and dates.day_problem(day)
        if problem:
            _refuse(field, problem)


APPOINTMENT_ORDER = ("start", "id")
LISTED_FIELDS = (
    "id",
    "patient_id",
    "therapist_id",
    "location_id",
    "appointment_type_id",
    "start",
    "end",
    "status",
    "late_cancel",
    "cancel_reason",
)
APPOINTMENT_PAGE = 100
APPOINTMENT_PAGE_MAX = 500


@router.get("/appointments", response={200: list[AppointmentOut], **ERRORS})
def list_appointments(
    request,
    response: HttpResponse,
    date: dt.date | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    therapist: int | None = None,
    patient: int | None = None,
    location: int | None = None,
    limit: int = Query(APPOINTMENT_PAGE, ge=1, le=APPOINTMENT_PAGE_MAX),
    cursor: str | None = Query(None, description='From the `Link: rel="next"` header.'),
    offset: int = Query(0, le=MAX_OFFSET, deprecated=True, description="Use `cursor`."),
):
    """Appointments in start order, from the start of today on unless dated (staff).

    Without `location` or `patient`, the appointments at the caller's own locations (a manager:
    every location); with `patient`, that patient's wherever they are. `date` is one day,
    `date_from`/`date_to` a span of days (both ends included), each the location's calendar day
    in its time zone; with neither, the list starts today. A page holds `limit` rows; the next
    page is in the `Link: <…>; rel="next"` header (and `X-Next-Cursor`), absent on the last page.
    """
    require_staff(request)
    _refuse_far_days(date=date, date_from=date_from, date_to=date_to)
    if date is not None and (date_from is not None or date_to is not None):
        _refuse("date", "Give either date, or date_from and/or date_to.")
    first, last = (date, date) if date is not None else (date_from, date_to)
    if first is not None and last is not None and last < first:
        _refuse("date_to", "date_to is before date_from.")
    # Only what AppointmentOut shows (and the location's time zone its times are given in):
    # a page is 101 rows, and building five related objects per row cost more than the query.
    rows = (
        Appointment.objects.visible_to(request.user)
        .select_related(None)
        .select_related("location")
        .only(*LISTED_FIELDS, "location__time_zone")
    )
    places = Location.objects.order_by().values_list("pk", "time_zone")
    if location is not None:
        rows = rows.filter(location_id=location)
        places = places.filter(pk=location)
    elif patient is None and role_of(request.user) != Role.MANAGER:
        # Without a location or a patient, the caller's own locations: at a chain's size the
        # appointments of today on elsewhere are most of the table, and walking past them to
        # find the few of this desk's patients seen elsewhere cost more than the page itself.
        rows = rows.filter(location_id__in=staff_locations(request.user))
        places = places.filter(pk__in=staff_locations(request.user))
    rows = rows.filter(local_days_window(places, first, last, from_today=True))
    if therapist:
        rows = rows.filter(therapist_id=therapist)
    if patient:
        rows = rows.filter(patient_id=patient)
    page = keyset_page(
        rows,
        order=APPOINTMENT_ORDER,
        limit=limit,
        cursor=cursor,
        scope="appointments",
        skip=max(offset, 0),
    )
    set_next_headers(response, request, page)
    shown = ((a.patient_id, a.pk) for a in page.rows)
    audit_patient_list(request, kind=AccessKind.APPOINTMENT_LIST, shown=shown)
    return page.rows


@router.post("/appointments", response=BOOKING)
def book_appointment(request, payload: AppointmentIn):
    """Book a slot; 409 when it overlaps the therapist's or the patient's other appointment."""
    require_staff(request)
    therapist = referenced(slots.therapists(), payload.therapist, "therapist")
    try:
        appointment = services.appointment_book(
            patient=referenced(
                Patient.objects.visible_to(request.user), payload.patient, "patient"
            ),
            therapist=therapist,
            appointment_type=referenced(
                AppointmentType, payload.appointment_type, "appointment_type"
            ),
            start=payload.start,
            location=referenced(schedule_locations(request.user), payload.location, "location"),
            by=request.user,
        )
    except services.SlotTaken as exc:
        return _conflict(exc)
    return Status(201, appointment)


@router.get("/appointments/{appointment_id}", response={200: AppointmentOut, **ERRORS})
def get_appointment(request, appointment_id: int):
    """One appointment (staff)."""
    require_staff(request)
    appointment = read_appointment(request, appointment_id)
    return appointment


@router.post("/appointments/{appointment_id}/cancel", response={200: AppointmentOut, **ERRORS})
def cancel_appointment(request, appointment_id: int, payload: CancelIn | None = None):
    """Cancel and free the slot (staff, or the runner whose appointment it is)."""
    role = role_of(request.user)
    if role not in STAFF_ROLES and role != Role.RUNNER:
        raise Http404
    appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=appointment_id)
    reason = payload.reason if payload else ""
    if role != Role.RUNNER:  # staff are not bound by the runners' cut-off
        return services.appointment_cancel(appointment=appointment, by=request.user, reason=reason)
    try:
        return services.runner_cancel(appointment=appointment, by=request.user, reason=reason)
    except PolicyRefused as exc:
        return Status(422, {"detail": exc.messages[0], "errors": {"__all__": exc.messages}})


@router.get("/me/appointments", response={200: list[AppointmentOut], **ERRORS})
def my_appointments(
    request,
    upcoming: bool = False,
    limit: int = Query(mine.PAGE, ge=1, le=mine.PAGE_MAX),
    cursor: str | None = Query(None, description='From the `Link: rel="next"` header.'),
):
    """The runner's own appointments, oldest first (upcoming=true: from now on).

    A page holds `limit` rows; the next page is in the `Link: <…>; rel="next"` header (and
    `X-Next-Cursor`), absent on the last page. Answered from the runner's cache
    (dangpt.rowcache) while the page's rows are unchanged.
    """
    if role_of(request.user) != Role.RUNNER:
        raise Http404
    page = mine.my_appointments_page(
        request.user, schema=list[AppointmentOut], upcoming=upcoming, cursor=cursor, limit=limit
    )
    response = rowcache.json_response(page.body)
    set_next_headers(response, request, KeysetPage(rows=[], next_cursor=page.next_cursor))
    return response
