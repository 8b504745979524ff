"""Booking, moving and closing appointments; the database's exclusion constraints have the
last word on overlaps, so a lost race becomes SlotTaken instead of a 500."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from dangpt.roles import Role, role_of
from dangpt.text import text_within
from patients import availability, slots
from patients.models import Appointment, AppointmentStatus, Location
from patients.reminders.services import reminders_for_appointment

THERAPIST_TAKEN = "appointment_no_therapist_overlap"
PATIENT_TAKEN = "appointment_no_patient_overlap"
LATE_CANCEL_WINDOW = dt.timedelta(hours=24)
DEADLOCK_DETECTED = "40P01"
DEADLOCK_TRIES = 3
SLOT_TAKEN_MESSAGE = "That slot was just taken — please choose another time."
PATIENT_BUSY_MESSAGE = "The patient already has an appointment at that time."


class SlotTaken(ValidationError):
    """The database refused an overlapping booking (the API answers 409)."""


def _appointment_changed(*, appointment: Appointment, change: str) -> None:
    """Called inside each booking, move and cancel transaction, after the row is written."""
    # The reminders outbox: writing or voiding Reminder rows in this same transaction means a
    # rolled-back booking never leaves a reminder behind, and booking never talks to Redis.
    reminders_for_appointment(appointment=appointment, change=change)


def _slot_taken(exc: IntegrityError) -> SlotTaken | None:
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if constraint == THERAPIST_TAKEN:
        return SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken")
    if constraint == PATIENT_TAKEN:
        return SlotTaken(PATIENT_BUSY_MESSAGE, code="patient_busy")
    return None


def _save_or_conflict(appointment: Appointment) -> None:
    """Save, turning the database's refusal of an overlap into SlotTaken.

    Bookings racing for one slot check each other's uncommitted rows against the exclusion
    constraints, and PostgreSQL may settle that by failing one of them with a deadlock error.
    The loser tries again from its savepoint and then meets the winner's row as a plain conflict.
    """
    for attempt in range(1, DEADLOCK_TRIES + 1):
        try:
            with transaction.atomic():
                appointment.save()
            return
        except IntegrityError as exc:
            conflict = _slot_taken(exc)
            if conflict is None:
                raise
            raise conflict from exc
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            if attempt == DEADLOCK_TRIES:
                raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken") from exc


def _check_people(*, patient, therapist, appointment_type) -> None:
    if role_of(therapist) != Role.THERAPIST:
        raise ValidationError({"therapist": "Choose an active therapist."})
    if not appointment_type.is_active:
        raise ValidationError({"appointment_type": "This appointment type is no longer offered."})
    if patient is None:
        raise ValidationError({"patient": "Choose a patient."})


def _place_for(*, therapist, start, duration, location, now) -> Location:
    """The location where the therapist works over the slot, or a ValidationError saying why not."""
    candidates = [location] if location else list(slots.locations_of(therapist))
    problem = "The therapist does not work at that time."
    for place in candidates:
        problem = availability.slot_problem(
            start=start,
            duration=duration,
            tz_name=place.time_zone,
            hours=slots.weekly_hours(therapist, place),
            time_off=slots.time_off_between(therapist, start, start + duration),
            not_before=now,
        )
        if problem is None:
            return place
    raise ValidationError({"start": problem})


@transaction.atomic
def appointment_book(
    *,
    patient,
    therapist,
    appointment_type,
    start: dt.datetime,
    location: Location | None = None,
    by=None,
    series_id: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book a slot if the therapist works then, is not off, and neither person is already busy."""
    _check_people(patient=patient, therapist=therapist, appointment_type=appointment_type)
    if start is None or start.tzinfo is None:
        raise ValidationError({"start": "Give the start time with its time zone offset."})
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    now = now or timezone.now()
    place = _place_for(
        therapist=therapist, start=start, duration=duration, location=location, now=now
    )
    appointment = Appointment(
        patient=patient,
        therapist=therapist,
        location=place,
        appointment_type=appointment_type,
        start=start.astimezone(dt.UTC),
        end=(start + duration).astimezone(dt.UTC),
        created_by=by,
        series_id=series_id,
    )
    _save_or_conflict(appointment)
    _appointment_changed(appointment=appointment, change="booked")
    return appointment


@transaction.atomic
def appointment_book_series(
    *,
    patient,
    therapist,
    appointment_type,
    start: dt.datetime,
    count: int,
    every_days: int = 7,
    location: Location | None = None,
    by=None,
    now: dt.datetime | None = None,
) -> list[Appointment]:
    """Book a recurring series all-or-nothing; on any problem nothing is booked and every
    conflicting date is named."""
    if not 2 <= count <= 26:
        raise ValidationError({"count": "A series has between 2 and 26 appointments."})
    if start is None or start.tzinfo is None:
        raise ValidationError({"start": "Give the start time with its time zone offset."})
    series_id = uuid.uuid4()
    tz = ZoneInfo((location or _first_location(therapist)).time_zone)
    local_start = start.astimezone(tz)
    booked, problems = [], []
    for n in range(count):
        # Same local wall time each week, so a series across a DST change stays at 9:00.
        wall = dt.datetime.combine(
            local_start.date() + dt.timedelta(days=every_days * n), local_start.time(), tzinfo=tz
        )
        try:
            with transaction.atomic():
                booked.append(
                    appointment_book(
                        patient=patient,
                        therapist=therapist,
                        appointment_type=appointment_type,
                        start=wall,
                        location=location,
                        by=by,
                        series_id=series_id,
                        now=now,
                    )
                )
        except ValidationError as exc:
            problems.append(f"{wall:%a %d %b %Y %H:%M}: {' '.join(exc.messages)}")
    if problems:
        raise ValidationError(
            {"start": [f"Nothing was booked. Conflicting dates — {'; '.join(problems)}"]}
        )
    return booked


def _first_location(therapist) -> Location:
    place = slots.locations_of(therapist).first()
    if place is None:
        raise ValidationError({"therapist": "The therapist has no working hours yet."})
    return place


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().get(pk=appointment.pk)


@transaction.atomic
def appointment_reschedule(
    *, appointment: Appointment, start: dt.datetime, therapist=None, by=None, now=None
) -> Appointment:
    """Move an appointment in one step: the old slot frees as the new one is taken, or neither."""
    appointment = _locked(appointment)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
        raise ValidationError("Only booked or confirmed appointments can be moved.")
    therapist = therapist or appointment.therapist
    _check_people(
        patient=appointment.patient,
        therapist=therapist,
        appointment_type=appointment.appointment_type,
    )
    if start is None or start.tzinfo is None:
        raise ValidationError({"start": "Give the start time with its time zone offset."})
    duration = appointment.end - appointment.start
    place = _place_for(
        therapist=therapist,
        start=start,
        duration=duration,
        location=appointment.location,
        now=now or timezone.now(),
    )
    appointment.therapist, appointment.location = therapist, place
    appointment.start = start.astimezone(dt.UTC)
    appointment.end = appointment.start + duration
    appointment.status = AppointmentStatus.BOOKED
    _save_or_conflict(appointment)
    _appointment_changed(appointment=appointment, change="rescheduled")
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, by, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    """Cancel and free the slot at once; inside 24 hours of the start it counts as late.

    The runner (signed in, or through the email link: `by` is None) may cancel only before the
    start, so a missed appointment stays a no-show; the desk decides about past ones.
    """
    appointment = _locked(appointment)
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
        raise ValidationError("Only booked or confirmed appointments can be cancelled.")
    now = now or timezone.now()
    if (by is None or role_of(by) == Role.RUNNER) and appointment.start <= now:
        raise ValidationError(
            "This appointment has already started, so it can no longer be cancelled; "
            "please contact the clinic."
        )
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancel_reason = text_within(reason, limit=200, field="reason")
    appointment.cancelled_by = by
    appointment.cancelled_at = now
    appointment.late_cancel = appointment.start - now < LATE_CANCEL_WINDOW
    appointment.save()
    _appointment_changed(appointment=appointment, change="cancelled")
    return appointment


def _move(appointment, *, allowed, to, **fields) -> Appointment:
    appointment = _locked(appointment)
    if appointment.status not in allowed:
        raise ValidationError(
            f"A {appointment.get_status_display().lower()} appointment cannot be marked "
            f"{AppointmentStatus(to).label.lower()}."
        )
    appointment.status = to
    for name, value in fields.items():
        setattr(appointment, name, value)
    appointment.save()
    _appointment_changed(appointment=appointment, change=to)
    return appointment


@transaction.atomic
def appointment_confirm(*, appointment: Appointment, by=None) -> Appointment:
    """The runner or the desk confirms a booked appointment."""
    return _move(appointment, allowed=[AppointmentStatus.BOOKED], to=AppointmentStatus.CONFIRMED)


@transaction.atomic
def appointment_check_in(*, appointment: Appointment, by=None, now=None) -> Appointment:
    """The runner has arrived."""
    return _move(
        appointment,
        allowed=[AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED],
        to=AppointmentStatus.CHECKED_IN,
        checked_in_at=now or timezone.now(),
    )


@transaction.atomic
def appointment_complete(*, appointment: Appointment, by=None) -> Appointment:
    """The session took place."""
    return _move(
        appointment, allowed=[AppointmentStatus.CHECKED_IN], to=AppointmentStatus.COMPLETED
    )


@transaction.atomic
def appointment_mark_no_show(*, appointment: Appointment, by=None, now=None) -> Appointment:
    """The runner did not come; only once the start time has passed."""
    if appointment.start > (now or timezone.now()):
        raise ValidationError("A no-show can only be recorded after the start time.")
    return _move(
        appointment,
        allowed=[AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED],
        to=AppointmentStatus.NO_SHOW,
    )
