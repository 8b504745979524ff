"""Database side of availability: load hours, time off and bookings, then ask availability.py."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from dangpt.roles import Role
from patients import availability
from patients.models import Appointment, Location, TimeOff, WorkingHours
from patients.querysets import local_day_bounds


def therapists():
    """Active users in the therapist group, by name."""
    return (
        get_user_model()
        .objects.filter(groups__name=Role.THERAPIST, is_active=True)
        .order_by("last_name", "first_name", "id")
    )


def weekly_hours(therapist, location) -> list[availability.WeeklyHours]:
    rows = WorkingHours.objects.filter(therapist=therapist, location=location)
    return [availability.WeeklyHours(r.weekday, r.start_time, r.end_time) for r in rows]


def time_off_between(therapist, start: dt.datetime, end: dt.datetime) -> list:
    rows = TimeOff.objects.filter(therapist=therapist, start__lt=end, end__gt=start)
    return [(r.start, r.end) for r in rows]


def booked_between(therapist, start: dt.datetime, end: dt.datetime, exclude_pk=None) -> list:
    rows = Appointment.objects.active().filter(therapist=therapist).overlapping(start, end)
    if exclude_pk:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.values_list("start", "end"))


def therapist_free_starts(*, therapist, location, appointment_type, day, now=None) -> list:
    """UTC start times when the therapist can take this type at this location on a local day."""
    day_start, day_end = local_day_bounds(day, location.time_zone)
    busy = booked_between(therapist, day_start, day_end) + time_off_between(
        therapist, day_start, day_end
    )
    return availability.free_starts(
        day=day,
        tz_name=location.time_zone,
        hours=weekly_hours(therapist, location),
        busy=busy,
        duration=dt.timedelta(minutes=appointment_type.duration_minutes),
        not_before=now or timezone.now(),
    )


def locations_of(therapist):
    """Locations where the therapist has working hours."""
    return Location.objects.filter(working_hours__therapist=therapist, is_active=True).distinct()


def free_slots(*, appointment_type, day, therapist=None, location=None, now=None) -> list[dict]:
    """Free slots sorted by time: dicts with start, end (UTC), therapist and location."""
    people = [therapist] if therapist else list(therapists())
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    found = []
    for person in people:
        for place in [location] if location else list(locations_of(person)):
            starts = therapist_free_starts(
                therapist=person,
                location=place,
                appointment_type=appointment_type,
                day=day,
                now=now,
            )
            found += [
                {"start": s, "end": s + duration, "therapist": person, "location": place}
                for s in starts
            ]
    found.sort(key=lambda s: (s["start"], s["therapist"].last_name, s["therapist"].pk))
    return found


def local(instant: dt.datetime, location) -> dt.datetime:
    """A UTC instant in the location's time zone."""
    return instant.astimezone(ZoneInfo(location.time_zone))
