"""Booking, moving and closing appointments; the database's exclusion constraints have the
last word on overlaps, so a lost race becomes SlotTaken instead of a 500."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from dangpt import dates
from dangpt.roles import Role, role_of
from dangpt.text import text_within
from patients import availability, slots
from patients.models import Appointment, AppointmentStatus, Location
from patients.policy import late_cancel
from patients.reminders.services import reminders_for_appointment
from patients.services import offers
from patients.services.slot_lock import held_by_someone

THERAPIST_TAKEN = "appointment_no_therapist_overlap"
PATIENT_TAKEN = "appointment_no_patient_overlap"
DEADLOCK_DETECTED = "40P01"
DEADLOCK_TRIES = 3
SLOT_TAKEN_MESSAGE = "That slot was just taken — please choose another time."
PATIENT_BUSY_MESSAGE = "The patient already has an appointment at that time."


class SlotTaken(ValidationError):
    """The database refused an overlapping booking (the API answers 409)."""


def _appointment_changed(
    *, appointment: Appointment, change: str, freed: tuple | None = None
) -> None:
    """Called inside each booking, move and cancel transaction, after the row is written.

    `freed` is the (therapist_id, location, start, end) a move left behind.
    """
    # The reminders outbox: writing or voiding Reminder rows in this same transaction means a
    # rolled-back booking never leaves a reminder behind, and booking never talks to Redis.
    reminders_for_appointment(appointment=appointment, change=change)
    # Waitlist offers: every path that frees time passes here, so none frees it silently; a
    # booking makes the open offers of its time gone.
    if change in ("booked", "rescheduled"):
        offers.offers_gone_for(appointment)
    if change == "cancelled":
        freed = (appointment.therapist_id, appointment.location, appointment.start, appointment.end)
    if freed is not None:
        therapist_id, location, start, end = freed
        offers.slot_freed(
            therapist=therapist_id,
            location=location,
            start=start,
            end=end,
            freed_by_patient_id=appointment.patient_id,
        )


def _slot_taken(exc: IntegrityError, appointment: Appointment | None = None) -> SlotTaken | None:
    constraint = getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)
    if constraint == THERAPIST_TAKEN:
        words = appointment and conflict_message(appointment=appointment, who="therapist")
        return SlotTaken(words or SLOT_TAKEN_MESSAGE, code="slot_taken")
    if constraint == PATIENT_TAKEN:
        words = appointment and conflict_message(appointment=appointment, who="patient")
        return SlotTaken(words or PATIENT_BUSY_MESSAGE, code="patient_busy")
    return None


def _when(instant: dt.datetime, location: Location) -> str:
    """ "3:30 PM on Fri, Dec 4" in the location's time zone."""
    local = instant.astimezone(ZoneInfo(location.time_zone))
    return f"{local:%-I:%M %p} on {local:%a, %b %-d}"


def conflict_message(*, appointment: Appointment, who: str) -> str | None:
    """The database's refusal in words: whose visit is in the way, and when it starts.

    Said plainly rather than "just taken": the slot may never have been free (a drag onto a
    booked time, a typed time), and the desk needs to know who holds it.
    """
    field = "therapist" if who == "therapist" else "patient"
    other = (
        Appointment.objects.active()
        .filter(**{f"{field}_id": getattr(appointment, f"{field}_id")})
        .overlapping(appointment.start, appointment.end)
        .exclude(pk=appointment.pk)
        .select_related("therapist", "location")
        .order_by("start")
        .first()
    )
    if other is None:
        return None
    when = _when(other.start, other.location)
    if field == "therapist":
        name = other.therapist.get_full_name() or "The therapist"
        return f"{name} already has a visit at {when}."
    with_whom = other.therapist.get_full_name()
    suffix = f" with {with_whom}" if with_whom else ""
    return f"The patient already has a visit then ({when}{suffix})."


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
            conflict = _slot_taken(exc, appointment)
            if conflict is None:
                raise
            raise conflict from exc
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != DEADLOCK_DETECTED:
                raise
            if attempt == DEADLOCK_TRIES:
                raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken") from exc


def _refuse_if_held(*, therapist, start: dt.datetime, end: dt.datetime) -> None:
    """Under the therapist's advisory lock, refuse a slot an online booking is holding."""
    if held_by_someone(therapist_id=therapist.pk, start=start, end=end, now=timezone.now()):
        raise SlotTaken(SLOT_TAKEN_MESSAGE, code="slot_taken")


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
    note: str = "",
) -> Appointment:
    """Book a slot if the therapist works then, is not off, and neither person is already busy."""
    _check_people(patient=patient, therapist=therapist, appointment_type=appointment_type)
    if start is None or start.tzinfo is None:
        raise ValidationError({"start": "Give the start time with its time zone offset."})
    if dates.instant_problem(start):  # before any arithmetic, which overflows at year 1 or 9999
        raise ValidationError({"start": dates.instant_problem(start)})
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
        scheduling_note=(note or "").strip()[:200],
    )
    _refuse_if_held(therapist=therapist, start=appointment.start, end=appointment.end)
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
    note: str = "",
) -> list[Appointment]:
    """Book a recurring series all-or-nothing; on any problem nothing is booked and every
    conflicting date is named."""
    if not 2 <= count <= 26:
        raise ValidationError({"count": "A series has between 2 and 26 appointments."})
    if start is None or start.tzinfo is None:
        raise ValidationError({"start": "Give the start time with its time zone offset."})
    if dates.instant_problem(start):  # before any arithmetic, which overflows at year 1 or 9999
        raise ValidationError({"start": dates.instant_problem(start)})
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
                        note=note,
                    )
                )
        except ValidationError as exc:
            problems.append(f"{wall:%a, %b %-d, %Y %-I:%M %p}: {' '.join(exc.messages)}")
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
    *,
    appointment: Appointment,
    start: dt.datetime,
    therapist=None,
    by=None,
    now=None,
    location: Location | None = None,
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
    if dates.instant_problem(start):  # before any arithmetic, which overflows at year 1 or 9999
        raise ValidationError({"start": dates.instant_problem(start)})
    duration = appointment.end - appointment.start
    freed = (appointment.therapist_id, appointment.location, appointment.start, appointment.end)
    place = _place_for(
        therapist=therapist,
        start=start,
        duration=duration,
        location=location or appointment.location,
        now=now or timezone.now(),
    )
    appointment.therapist, appointment.location = therapist, place
    appointment.start = start.astimezone(dt.UTC)
    appointment.end = appointment.start + duration
    appointment.status = AppointmentStatus.BOOKED
    _refuse_if_held(therapist=therapist, start=appointment.start, end=appointment.end)
    _save_or_conflict(appointment)
    _appointment_changed(appointment=appointment, change="rescheduled", freed=freed)
    return appointment


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, by, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    """Cancel and free the slot at once; inside the location's cancellation window (its
    policy's cancel cut-off, the hours the runner is told) it counts as late.

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
    appointment.late_cancel = late_cancel(appointment, now=now)
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


# --- The desk's front-of-visit actions: offered only near the start, each one undoable ---------
CHECK_IN_OPENS = dt.timedelta(minutes=60)
UNDOABLE = (AppointmentStatus.CHECKED_IN, AppointmentStatus.NO_SHOW)
BEFORE_VISIT = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)
# An undo fixes a slip at the desk; a day later the slot may be long rebooked and the record
# read by others, so older check-ins and no-shows stay as recorded.
UNDO_WINDOW = dt.timedelta(hours=24)
UNDO_TOO_LATE = "A check-in or a no-show can only be undone within 24 hours of recording it."
HELD_ON_UNDO = "A runner is holding that time online, so the visit cannot go back on the schedule."


def appointment_actions(*, appointment: Appointment, now: dt.datetime | None = None) -> set[str]:
    """Which of check_in, no_show and undo make sense now.

    Check-in from an hour before the start to the end (runners come early; a late one is still
    seen); no-show only once the start has passed; undo from a check-in or a no-show.
    """
    now = now or timezone.now()
    actions = set()
    if appointment.status in BEFORE_VISIT:
        if appointment.start - CHECK_IN_OPENS <= now < appointment.end:
            actions.add("check_in")
        if appointment.start <= now:
            actions.add("no_show")
    if appointment.status in UNDOABLE and not _undo_too_late(appointment, now):
        actions.add("undo")
    return actions


def action_refusal(action: str, appointment: Appointment, now: dt.datetime | None = None) -> str:
    """Why an action is not offered now, in the desk's words."""
    now = now or timezone.now()
    if action == "check_in" and appointment.status in BEFORE_VISIT:
        if now < appointment.start - CHECK_IN_OPENS:
            opens = _when(appointment.start - CHECK_IN_OPENS, appointment.location)
            return f"Check-in opens an hour before the visit, at {opens}."
        return "This visit has ended; check-in is closed. Mark it a no-show or ask a manager."
    if action == "no_show" and appointment.status in BEFORE_VISIT:
        return "A no-show can only be recorded after the start time."
    if action == "undo" and appointment.status in UNDOABLE:
        return UNDO_TOO_LATE
    if action == "undo":
        return "Only a check-in or a no-show can be undone."
    status = appointment.get_status_display().lower()
    return f"This {status} appointment cannot be changed that way."


def _status_before(appointment: Appointment) -> str:
    """The status the appointment had before its current one, from its change history."""
    from django.apps import apps

    events = apps.get_model("patients", "AppointmentEvent").objects.filter(pgh_obj=appointment.pk)
    earlier = (
        events.exclude(status=appointment.status)
        .filter(status__in=BEFORE_VISIT)
        .order_by("-pgh_id")
        .values_list("status", flat=True)
        .first()
    )
    return earlier or AppointmentStatus.BOOKED


def _status_since(appointment: Appointment) -> dt.datetime | None:
    """When the appointment took its current status, from its change history."""
    from django.apps import apps

    events = apps.get_model("patients", "AppointmentEvent").objects.filter(pgh_obj=appointment.pk)
    since = None
    for status, at in events.order_by("-pgh_id").values_list("status", "pgh_created_at")[:50]:
        if status != appointment.status:
            break
        since = at
    return since


def _undo_too_late(appointment: Appointment, now: dt.datetime) -> bool:
    since = _status_since(appointment)
    return since is not None and now - since > UNDO_WINDOW


@transaction.atomic
def appointment_status_undo(*, appointment: Appointment, by=None, now=None) -> Appointment:
    """Take back a check-in or a no-show within 24 hours: the visit returns to its status before
    (audited by the appointment's change history like any other change).

    A no-show frees the slot, so the visit goes back on the schedule the way a booking does:
    under the therapist's lock, refused when a hold or another visit has the time since.
    """
    appointment = _locked(appointment)
    if appointment.status not in UNDOABLE:
        raise ValidationError(action_refusal("undo", appointment))
    if _undo_too_late(appointment, now or timezone.now()):
        raise ValidationError(UNDO_TOO_LATE)
    appointment.status = _status_before(appointment)
    appointment.checked_in_at = None
    try:
        _refuse_if_held(
            therapist=appointment.therapist, start=appointment.start, end=appointment.end
        )
    except SlotTaken as exc:
        raise SlotTaken(HELD_ON_UNDO, code="slot_taken") from exc
    _save_or_conflict(appointment)
    _appointment_changed(appointment=appointment, change="undone")
    return appointment
