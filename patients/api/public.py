"""Online booking without an account: options, free times, and holding a slot.

No token, no cookies: these operations take no session and show no patient data, so there is
nothing for a cross-site request to borrow (no CSRF check), and each answer is the same whoever
asks. Abuse is bounded per client address and per email (`patients.booking_limits`).
"""

import datetime as dt
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Router, Schema, Status

from dangpt.api import ErrorOut
from dangpt.dates import shown
from patients import booking_limits, slots
from patients.api.scheduling import AvailabilityOut
from patients.models import AppointmentType, Location
from patients.policy import hold_minutes, policy_for
from patients.public_options import (
    online_locations,
    online_types,
    public_therapists,
    request_language,
)
from patients.services import self_booking
from patients.services.booking import SlotTaken

router = Router(tags=["public booking"])

INVALID = "The request has invalid fields."
THROTTLED = "Too many booking attempts; please try again later or call the clinic."
TOO_MANY_HOLDS = (
    "Too many times are on hold from here; confirm one from your email or wait until it expires."
)
ALREADY_HELD = "You already have a time on hold; confirm it from your email or wait until {until}."
MAIL_FAILED = (
    "We could not send the confirmation email, so nothing is held. Check your email address "
    "and try again, or call the clinic."
)
PUBLIC_ERRORS = {400: ErrorOut, 422: ErrorOut}


class PolicyOut(Schema):
    online_booking_enabled: bool
    horizon_days: int
    min_notice_hours: int
    cancel_cutoff_hours: int
    reschedule_cutoff_hours: int
    hold_minutes: int


class PublicLocationOut(Schema):
    id: int
    name: str
    address: str
    phone: str
    time_zone: str
    policy: PolicyOut


class PublicTypeOut(Schema):
    id: int
    name: str
    duration_minutes: int
    visit_kind: str


class PublicTherapistOut(Schema):
    id: int
    name: str
    locations: list[int]


class BookingOptionsOut(Schema):
    locations: list[PublicLocationOut]
    appointment_types: list[PublicTypeOut]
    therapists: list[PublicTherapistOut]


def _invalid(errors: dict) -> Status:
    return Status(422, {"detail": INVALID, "errors": {k: [str(v)] for k, v in errors.items()}})


def _policy_out(location) -> dict:
    policy = policy_for(location)
    return {
        "online_booking_enabled": policy.online_booking_enabled,
        "horizon_days": policy.horizon_days,
        "min_notice_hours": policy.min_notice_hours,
        "cancel_cutoff_hours": policy.cancel_cutoff_hours,
        "reschedule_cutoff_hours": policy.reschedule_cutoff_hours,
        "hold_minutes": hold_minutes(policy),
    }


@router.get("/public/booking-options", auth=None, response={200: BookingOptionsOut})
def booking_options(request):
    """Where and what a runner can book online, and with whom (anyone; no patient data)."""
    locations = list(online_locations())
    return {
        "locations": [
            {
                "id": p.pk,
                "name": p.name,
                "address": p.address,
                "phone": p.phone,
                "time_zone": p.time_zone,
                "policy": _policy_out(p),
            }
            for p in locations
        ],
        "appointment_types": list(online_types()),
        "therapists": public_therapists(locations),
    }


def _lookup(rows, pk, field: str, label: str):
    found = rows.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise ValidationError({field: f"Unknown {label} {pk}."})
    return found


@router.get("/public/availability", auth=None, response={200: AvailabilityOut, **PUBLIC_ERRORS})
def public_availability(
    request, location: int, appointment_type: int, date: dt.date, therapist: int | None = None
):
    """Free start times a runner may book online on a local date (anyone)."""
    try:
        place = _lookup(Location.objects.filter(is_active=True), location, "location", "location")
        kind = _lookup(AppointmentType.objects.all(), appointment_type, "appointment_type", "type")
        person = (
            _lookup(slots.therapists(), therapist, "therapist", "therapist") if therapist else None
        )
    except ValidationError as exc:
        return _invalid({k: v[0] for k, v in exc.message_dict.items()})
    problems = self_booking.policy_problems(location=place, appointment_type=kind)
    first, last = self_booking.bookable_days(location=place)
    if not problems and not first <= date <= last:
        policy = policy_for(place)
        problems["date"] = (
            f"Online booking is open from {first:%b} {first.day}, {first.year} to "
            f"{last:%b} {last.day}, {last.year}: up to {policy.horizon_days} days ahead, "
            f"at least {policy.min_notice_hours} hours before."
        )
    if problems:
        return _invalid(problems)
    found = self_booking.public_free_slots(
        location=place, appointment_type=kind, day=date, therapist=person
    )
    tz = ZoneInfo(place.time_zone)
    return {
        "date": date,
        "appointment_type": kind.pk,
        "slots": [
            {
                "start": s["start"].astimezone(tz),
                "end": s["end"].astimezone(tz),
                "therapist": s["therapist"].pk,
                "location": s["location"].pk,
            }
            for s in found
        ],
    }


class PublicBookingIn(Schema):
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: dt.date
    appointment_type: int
    start: dt.datetime
    therapist: int | None = None
    location: int | None = None


class HeldOut(Schema):
    status: str
    expires_at: dt.datetime


def _places_for(payload, person) -> list:
    if payload.location is not None:
        return [_lookup(online_locations(), payload.location, "location", "location")]
    places = online_locations()
    if person is not None:
        places = places.filter(working_hours__therapist=person).distinct()
    return list(places)


@router.post(
    "/public/bookings",
    auth=None,
    response={202: HeldOut, 409: ErrorOut, 429: ErrorOut, 503: ErrorOut, **PUBLIC_ERRORS},
)
def public_book(request, payload: PublicBookingIn):
    """Hold a slot for the runner and email a link to confirm it (anyone).

    202 when held (the email is on its way), 409 when the time is booked or held, 422 for bad
    input or what the location's booking policy refuses, 429 past the limits (attempts, live
    holds per address or email), 503 when the confirm email could not be sent (nothing held).
    """
    try:
        booking_limits.count_attempt(request, payload.email)
    except booking_limits.TooManyBookings:
        return Status(429, {"detail": THROTTLED, "errors": {}})
    try:
        details = self_booking.clean_details(
            first_name=payload.first_name,
            last_name=payload.last_name,
            email=payload.email,
            phone=payload.phone,
            date_of_birth=payload.date_of_birth,
        )
        kind = _lookup(
            AppointmentType.objects.all(), payload.appointment_type, "appointment_type", "type"
        )
        person = (
            _lookup(slots.therapists(), payload.therapist, "therapist", "therapist")
            if payload.therapist
            else None
        )
        places = _places_for(payload, person)
    except ValidationError as exc:
        return _invalid({k: v[0] for k, v in exc.message_dict.items()})
    return _hold_somewhere(
        request, payload, details=details, kind=kind, person=person, places=places
    )


def _hold_somewhere(request, payload, *, details, kind, person, places):
    refused: ValidationError | None = None
    taken: SlotTaken | None = None
    keys = booking_limits.owner_keys(request, details["email"])
    for place in places:
        try:
            hold = self_booking.booking_hold_create(
                location=place,
                appointment_type=kind,
                start=payload.start,
                therapist=person,
                details=details,
                language=request_language(),
                before_mail=booking_limits.count_mail,
                owner_keys=keys,
            )
        except booking_limits.HoldAlreadyLive as exc:
            with timezone.override(ZoneInfo(place.time_zone)):
                until = shown(exc.until, "time")
            return Status(429, {"detail": ALREADY_HELD.format(until=until), "errors": {}})
        except booking_limits.AddressHoldsFull:
            return Status(429, {"detail": TOO_MANY_HOLDS, "errors": {}})
        except booking_limits.TooManyBookings:
            return Status(429, {"detail": THROTTLED, "errors": {}})
        except self_booking.ConfirmMailFailed:
            return Status(503, {"detail": MAIL_FAILED, "errors": {}})
        except SlotTaken as exc:
            taken = exc
        except ValidationError as exc:
            refused = refused or exc
        else:
            tz = ZoneInfo(hold.location.time_zone)
            return Status(202, {"status": "held", "expires_at": hold.expires_at.astimezone(tz)})
    if taken is not None:
        return Status(409, {"detail": taken.messages[0], "errors": {"start": taken.messages}})
    if refused is None:
        return _invalid({"location": "Online booking is not open at any location."})
    return _invalid({k: v[0] for k, v in refused.message_dict.items()})
