"""Database side of availability: load hours, time off and bookings, then ask availability.py."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from dangpt.roles import Role
from patients import availability
from patients.models import Appointment, BookingHold, Location, TimeOff, WorkingHours
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


def locations_of(therapist):
    """Locations where the therapist has working hours."""
    return Location.objects.filter(working_hours__therapist=therapist, is_active=True).distinct()


def free_slots(
    *, appointment_type, day, therapist=None, location=None, now=None, not_before=None
) -> list[dict]:
    """Free slots sorted by time: dicts with start, end (UTC), therapist and location.

    A slot held by an online booking that has not expired is not free, for anyone. Starts are
    after `not_before` (default: now).

    Hours, time off and bookings of everyone asked about are read with one query each, so
    "first available" costs the same for one therapist as for fifty.
    """
    return free_slots_on_days(
        appointment_type=appointment_type,
        days=[day],
        therapist=therapist,
        location=location,
        now=now,
        not_before=not_before,
    )[day]


def free_slots_on_days(
    *, appointment_type, days, therapist=None, location=None, now=None, not_before=None
) -> dict[dt.date, list[dict]]:
    """`free_slots` of several local days at once, with the same few queries as one day."""
    found: dict[dt.date, list[dict]] = {day: [] for day in days}
    people = [therapist] if therapist else list(therapists())
    weekdays = {day.weekday() for day in days}
    blocks = WorkingHours.objects.filter(therapist__in=people, weekday__in=weekdays)
    if location:
        blocks = blocks.filter(location=location)
    else:  # where each works: the active locations of their hours
        blocks = blocks.filter(location__is_active=True).select_related("location")
    hours: dict[tuple[int, int], list[availability.WeeklyHours]] = {}
    places: dict[int, Location] = {}
    for block in blocks:
        places[block.location_id] = location or block.location
        hours.setdefault((block.therapist_id, block.location_id), []).append(
            availability.WeeklyHours(block.weekday, block.start_time, block.end_time)
        )
    if not hours:
        return found
    bounds = {
        (day, pk): local_day_bounds(day, place.time_zone)
        for pk, place in places.items()
        for day in days
    }
    span = (min(b[0] for b in bounds.values()), max(b[1] for b in bounds.values()))
    ids = {person_id for person_id, _ in hours}
    busy: dict[int, list] = {}
    booked = Appointment.objects.active().filter(therapist__in=ids).overlapping(*span)
    away = TimeOff.objects.filter(therapist__in=ids, start__lt=span[1], end__gt=span[0])
    now = now or timezone.now()
    held = BookingHold.objects.live(now).filter(therapist__in=ids).overlapping(*span)
    for rows in (booked, away, held):
        for person_id, start, end in rows.values_list("therapist_id", "start", "end"):
            busy.setdefault(person_id, []).append((start, end))
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    not_before = max(not_before or now, now)
    for day in days:
        for person in people:
            for place in sorted(places.values(), key=lambda p: p.name):
                if (person.pk, place.pk) not in hours:
                    continue
                day_start, day_end = bounds[(day, place.pk)]
                starts = availability.free_starts(
                    day=day,
                    tz_name=place.time_zone,
                    hours=hours[(person.pk, place.pk)],
                    busy=[
                        b for b in busy.get(person.pk, []) if b[0] < day_end and day_start < b[1]
                    ],
                    duration=duration,
                    not_before=not_before,
                )
                found[day] += [
                    {"start": s, "end": s + duration, "therapist": person, "location": place}
                    for s in starts
                ]
        found[day].sort(key=lambda s: (s["start"], s["therapist"].last_name, s["therapist"].pk))
    return found


def local(instant: dt.datetime, location) -> dt.datetime:
    """A UTC instant in the location's time zone."""
    return instant.astimezone(ZoneInfo(location.time_zone))


NEXT_AVAILABLE_DAYS = 3  # days with openings shown at once
NEXT_AVAILABLE_HORIZON = 42  # how far ahead one search looks


def free_slots_between(
    *,
    appointment_type,
    first: dt.date,
    last: dt.date,
    therapist=None,
    location=None,
    now=None,
    ignore: int | None = None,
) -> list[dict]:
    """Free slots from local day `first` through `last`, with the same fixed number of queries as
    one day: hours, time off and bookings of the whole span are each read once."""
    people = [therapist] if therapist else list(therapists())
    blocks = WorkingHours.objects.filter(therapist__in=people, location__is_active=True)
    if location:
        blocks = blocks.filter(location=location)
    hours: dict[tuple[int, int], list[availability.WeeklyHours]] = {}
    places: dict[int, Location] = {}
    for block in blocks.select_related("location"):
        places[block.location_id] = block.location
        hours.setdefault((block.therapist_id, block.location_id), []).append(
            availability.WeeklyHours(block.weekday, block.start_time, block.end_time)
        )
    if not hours:
        return []
    span = (
        min(local_day_bounds(first, p.time_zone)[0] for p in places.values()),
        max(local_day_bounds(last, p.time_zone)[1] for p in places.values()),
    )
    ids = {person_id for person_id, _ in hours}
    busy: dict[int, list] = {}
    booked = Appointment.objects.active().filter(therapist__in=ids).overlapping(*span)
    if ignore:  # the visit being moved does not block its own new time
        booked = booked.exclude(pk=ignore)
    away = TimeOff.objects.filter(therapist__in=ids, start__lt=span[1], end__gt=span[0])
    not_before = now or timezone.now()
    # A runner's live online hold keeps its slot from the desk too.
    held = BookingHold.objects.live(not_before).filter(therapist__in=ids).overlapping(*span)
    fields = ("therapist_id", "start", "end")
    # One read for all three: bookings, time off and holds stay within the page's budget.
    rows = (
        booked.order_by()
        .values_list(*fields)
        .union(away.order_by().values_list(*fields), held.order_by().values_list(*fields), all=True)
    )
    for person_id, start, end in rows:
        busy.setdefault(person_id, []).append((start, end))
    duration = dt.timedelta(minutes=appointment_type.duration_minutes)
    found = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        for person in people:
            for place in sorted(places.values(), key=lambda p: p.name):
                if (person.pk, place.pk) not in hours:
                    continue
                starts = availability.free_starts(
                    day=day,
                    tz_name=place.time_zone,
                    hours=hours[(person.pk, place.pk)],
                    busy=busy.get(person.pk, []),
                    duration=duration,
                    not_before=not_before,
                )
                found += [
                    {
                        "start": s,
                        "end": s + duration,
                        "therapist": person,
                        "location": place,
                        "day": day,
                    }
                    for s in starts
                ]
    found.sort(key=lambda s: (s["start"], s["therapist"].last_name, s["therapist"].pk))
    return found


def next_available(
    *,
    appointment_type,
    from_day: dt.date,
    therapist=None,
    location=None,
    days: int = NEXT_AVAILABLE_DAYS,
    now=None,
    ignore: int | None = None,
) -> list[dict]:
    """The first `days` local days from `from_day` that have openings, each as {"day", "groups"}
    where groups are [{"therapist", "location", "slots"}] in time order (12-hour in the page)."""
    found = free_slots_between(
        appointment_type=appointment_type,
        first=from_day,
        last=from_day + dt.timedelta(days=NEXT_AVAILABLE_HORIZON - 1),
        therapist=therapist,
        location=location,
        now=now,
        ignore=ignore,
    )
    by_day: dict[dt.date, dict[tuple[int, int], dict]] = {}
    for slot in found:
        groups = by_day.setdefault(slot["day"], {})
        key = (slot["therapist"].pk, slot["location"].pk)
        group = groups.setdefault(
            key, {"therapist": slot["therapist"], "location": slot["location"], "slots": []}
        )
        group["slots"].append(slot)
    ordered = sorted(by_day.items())[:days]
    return [
        {
            "day": day,
            "groups": sorted(
                groups.values(), key=lambda g: (g["therapist"].last_name, g["therapist"].pk)
            ),
        }
        for day, groups in ordered
    ]
