"""Calendar files: one .ics per appointment, and a private revocable feed per therapist."""

import datetime as dt
import hashlib
import secrets

import icalendar
from django.conf import settings
from django.db import transaction

from patients.models import Appointment, StaffProfile

FEED_PAST = dt.timedelta(days=30)
FEED_FUTURE = dt.timedelta(days=180)


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _calendar(name: str) -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", f"-//{settings.CLINIC_NAME}//dangpt//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    return cal


def _event(appointment: Appointment, summary: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"appointment-{appointment.pk}@dangpt")
    event.add("dtstamp", appointment.updated_at or appointment.created_at)
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    event.add("summary", summary)
    event.add(
        "location", f"{appointment.location.name}, {appointment.location.address}".strip(", ")
    )
    cancelled = appointment.status == Appointment.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def appointment_ics(*, appointment: Appointment) -> bytes:
    """The runner's calendar entry: time, place and therapist; nothing clinical."""
    cal = _calendar(settings.CLINIC_NAME)
    therapist = appointment.therapist.get_full_name() or "your therapist"
    cal.add_component(
        _event(
            appointment,
            f"{appointment.appointment_type.name} with {therapist} ({settings.CLINIC_NAME})",
        )
    )
    return cal.to_ical()


@transaction.atomic
def calendar_feed_reset(*, therapist) -> str:
    """Issue a new feed token (the old URL stops working) and return it once."""
    raw = secrets.token_urlsafe(32)
    profile, _ = StaffProfile.objects.get_or_create(user=therapist)
    profile.calendar_token_hash = _hash(raw)
    profile.save(update_fields=["calendar_token_hash"])
    return raw


@transaction.atomic
def calendar_feed_revoke(*, therapist) -> None:
    """Turn the feed off: the current URL answers 404 from now on."""
    StaffProfile.objects.filter(user=therapist).update(calendar_token_hash="")


def calendar_feed_therapist(*, token: str):
    """The therapist a feed token belongs to, or None."""
    if not token:
        return None
    profile = (
        StaffProfile.objects.select_related("user")
        .filter(calendar_token_hash=_hash(token), user__is_active=True)
        .first()
    )
    return profile.user if profile else None


def calendar_feed_ics(*, therapist, now: dt.datetime) -> bytes:
    """The therapist's appointments from a month back to six months ahead; patients by id only,
    because calendar apps sync to third-party servers."""
    cal = _calendar(f"{settings.CLINIC_NAME} — {therapist.get_full_name()}")
    rows = (
        Appointment.objects.with_related()
        .filter(therapist=therapist, start__gte=now - FEED_PAST, start__lte=now + FEED_FUTURE)
        .order_by("start")
    )
    for appointment in rows:
        summary = f"{appointment.appointment_type.name} · patient #{appointment.patient_id}"
        cal.add_component(_event(appointment, summary))
    return cal.to_ical()
