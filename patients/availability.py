"""Free start times from working hours, time off and bookings; pure Python, no Django.

Working hours are local wall times of the location; everything else is UTC. Local wall times are
built with zoneinfo on the given calendar date and converted to UTC, so a 08:00-17:00 day is nine
real hours in January and in July, and a daylight-saving Sunday still starts at 08:00 local.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

GRID_MINUTES = 15
UTC = dt.UTC

Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class WeeklyHours:
    """One weekly block of working hours, local wall time (weekday 0 = Monday)."""

    weekday: int
    start: dt.time
    end: dt.time


def local_to_utc(day: dt.date, wall: dt.time, tz_name: str) -> dt.datetime:
    """A local wall time on a date, as a UTC instant (fold=0: the first of a repeated hour)."""
    return dt.datetime.combine(day, wall, tzinfo=ZoneInfo(tz_name)).astimezone(UTC)


def working_windows(day: dt.date, hours: Iterable[WeeklyHours], tz_name: str) -> list[Interval]:
    """The UTC intervals a therapist works on a local calendar day, merged and sorted."""
    windows = [
        (local_to_utc(day, block.start, tz_name), local_to_utc(day, block.end, tz_name))
        for block in hours
        if block.weekday == day.weekday()
    ]
    return _merge([w for w in windows if w[1] > w[0]])


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlaps(start: dt.datetime, end: dt.datetime, busy: Iterable[Interval]) -> bool:
    return any(b_start < end and start < b_end for b_start, b_end in busy)


def _on_grid(instant: dt.datetime, tz_name: str) -> bool:
    local = instant.astimezone(ZoneInfo(tz_name))
    return local.minute % GRID_MINUTES == 0 and local.second == 0 and local.microsecond == 0


def free_starts(
    *,
    day: dt.date,
    tz_name: str,
    hours: Iterable[WeeklyHours],
    busy: Iterable[Interval],
    duration: dt.timedelta,
    not_before: dt.datetime,
) -> list[dt.datetime]:
    """UTC start times on the local 15-minute grid where `duration` fits in working hours,
    overlaps nothing busy (appointments, time off) and is after `not_before`."""
    busy = list(busy)
    step = dt.timedelta(minutes=GRID_MINUTES)
    starts = []
    for window_start, window_end in working_windows(day, hours, tz_name):
        # Stepping in UTC keeps the local grid: zone offsets are whole quarter hours.
        candidate = window_start
        while not _on_grid(candidate, tz_name):
            candidate += dt.timedelta(minutes=1)
        while candidate + duration <= window_end:
            if candidate > not_before and not _overlaps(candidate, candidate + duration, busy):
                starts.append(candidate)
            candidate += step
    return starts


def slot_problem(
    *,
    start: dt.datetime,
    duration: dt.timedelta,
    tz_name: str,
    hours: Iterable[WeeklyHours],
    time_off: Iterable[Interval],
    not_before: dt.datetime,
) -> str | None:
    """Why a start time cannot be booked (ignoring other bookings), or None when it can."""
    if start.tzinfo is None:
        return "The start time needs a time zone offset."
    if start <= not_before:
        return "That time is in the past."
    if not _on_grid(start, tz_name):
        return f"Appointments start on the {GRID_MINUTES}-minute grid (e.g. 9:00, 9:15)."
    end = start + duration
    day = start.astimezone(ZoneInfo(tz_name)).date()
    windows = working_windows(day, hours, tz_name)
    if not any(w_start <= start and end <= w_end for w_start, w_end in windows):
        return "The therapist does not work at this location at that time."
    if _overlaps(start, end, time_off):
        return "The therapist is off at that time."
    return None
