"""The desk's calendar: a time grid of 15-minute rows and one column per therapist (day view) or
per day of one therapist (week view), built from four queries whatever the number of visits.

Server-rendered rather than a vendored calendar library: the grid is a plain table (rowspan
places a visit, so no inline styles are needed under the strict CSP), it reads without
JavaScript, keyboard and screen-reader behaviour is ours to get right, and the booking service
stays the only path for every write. A small script adds dragging and arrow-key movement.

Rows are local wall times, so a DST day keeps 8:00 AM at the top; each cell's instant is worked
out on its own date. A wall time that does not exist that day (the skipped hour) is unavailable;
a repeated hour is shown once (its first occurrence), as booking does.

A live online-booking hold shows where it keeps its slot, as held (not bookable); the desk can
release it from there.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.utils import timezone

from patients import availability
from patients.models import Appointment, BookingHold, Location, TimeOff, WorkingHours
from patients.querysets import local_day_bounds

STEP = dt.timedelta(minutes=availability.GRID_MINUTES)
DEFAULT_HOURS = (dt.time(8), dt.time(18))
SHOWN_STATUSES = ("booked", "confirmed", "checked_in", "completed", "no_show")


@dataclass
class Cell:
    """One grid cell: free, unavailable, the start of a visit or of an online hold, or covered
    by one above."""

    kind: str  # "free", "off", "away", "visit", "held", "covered"
    start: dt.datetime | None = None  # UTC instant of the cell's wall time
    appointment: Appointment | None = None
    hold: BookingHold | None = None
    rows: int = 1
    row: int = 0
    first: bool = False  # first cell of a run of its kind: carries the visible label
    therapist: object = None


@dataclass
class Column:
    """A therapist on a date; cells follow the grid's rows."""

    therapist: object
    day: dt.date
    own: bool = False
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Grid:
    """What the calendar template draws."""

    times: list[dt.time]
    columns: list[Column]
    hidden: list[Appointment]  # cancelled, or overlapping a visit already placed

    def rows(self):
        """(row index, wall time, the cell of each column) for the template."""
        return [(i, t, [c.cells[i] for c in self.columns]) for i, t in enumerate(self.times)]


def week_of(day: dt.date) -> list[dt.date]:
    """The Sunday-to-Saturday week holding `day` (US calendars start on Sunday)."""
    sunday = day - dt.timedelta(days=(day.weekday() + 1) % 7)
    return [sunday + dt.timedelta(days=n) for n in range(7)]


def therapists_at(location: Location, days: list[dt.date]) -> list:
    """Therapists with hours at the location on any of the days, by name (one query)."""
    weekdays = {d.weekday() for d in days}
    rows = WorkingHours.objects.filter(location=location, weekday__in=weekdays).select_related(
        "therapist"
    )
    people = {r.therapist_id: r.therapist for r in rows if r.therapist.is_active}
    return sorted(people.values(), key=lambda u: (u.last_name, u.first_name, u.pk))


def build(*, location: Location, days: list[dt.date], people: list, me=None) -> Grid:
    """The grid of `people` × `days` at a location: hours, time off, visits and live holds in
    four queries."""
    tz_name = location.time_zone
    span = (local_day_bounds(days[0], tz_name)[0], local_day_bounds(days[-1], tz_name)[1])
    ids = [p.pk for p in people]
    rows = Appointment.objects.with_related().filter(location=location).overlapping(*span)
    if len(days) > 1:  # the week view is one therapist's week
        rows = rows.filter(therapist__in=ids)
    visits = list(rows.order_by("start", "id"))
    hours: dict[int, list[availability.WeeklyHours]] = {}
    for block in WorkingHours.objects.filter(location=location, therapist__in=ids):
        hours.setdefault(block.therapist_id, []).append(
            availability.WeeklyHours(block.weekday, block.start_time, block.end_time)
        )
    away: dict[int, list] = {}
    for row in TimeOff.objects.filter(therapist__in=ids, start__lt=span[1], end__gt=span[0]):
        away.setdefault(row.therapist_id, []).append((row.start, row.end))
    # Visits of someone not in the columns (hours since removed) still get a day-view column.
    if len(days) == 1:
        known = set(ids)
        extra = {
            v.therapist_id: v.therapist
            for v in visits
            if v.therapist_id not in known and v.status in SHOWN_STATUSES
        }
        people = sorted([*people, *extra.values()], key=lambda u: (u.last_name, u.first_name, u.pk))
    live = BookingHold.objects.live(timezone.now()).filter(location=location, therapist__in=ids)
    holds = list(live.overlapping(*span).order_by("start", "id"))
    tz = ZoneInfo(tz_name)
    times = _times(days, hours, [*visits, *holds], tz)
    columns = [
        Column(therapist=person, day=day, own=bool(me and person.pk == me.pk))
        for day in days
        for person in people
    ]
    hidden = [v for v in visits if v.status not in SHOWN_STATUSES]
    for column in columns:
        _fill(column, times, hours.get(column.therapist.pk, []), away, tz_name)
    shown = [v for v in visits if v.status in SHOWN_STATUSES]
    for visit in shown:
        if not _place(visit, columns, times, tz):
            hidden.append(visit)
    for hold in holds:
        _place(hold, columns, times, tz, kind="held")
    return Grid(times=times, columns=columns, hidden=hidden)


def _times(days, hours, visits, tz) -> list[dt.time]:
    """Wall times from the earliest start to the latest end of hours and visits (and holds),
    hour-aligned."""
    first, last = DEFAULT_HOURS
    starts = [b.start for blocks in hours.values() for b in blocks]
    ends = [b.end for blocks in hours.values() for b in blocks]
    for visit in visits:
        local_start, local_end = visit.start.astimezone(tz), visit.end.astimezone(tz)
        starts.append(local_start.time())
        ends.append(local_end.time() if local_end.date() == local_start.date() else dt.time.max)
    first = min([first, *starts])
    last = max([last, *ends])
    minutes = first.hour * 60
    end_minutes = min(24 * 60, math.ceil((last.hour * 60 + last.minute) / 60) * 60)
    step = availability.GRID_MINUTES
    return [dt.time(m // 60, m % 60) for m in range(minutes, end_minutes, step)]


def _instant(day: dt.date, wall: dt.time, tz_name: str) -> dt.datetime | None:
    """The UTC instant of a wall time on a date, or None when that wall time does not exist."""
    instant = availability.local_to_utc(day, wall, tz_name)
    if instant.astimezone(ZoneInfo(tz_name)).time() != wall:
        return None
    return instant


def _fill(column: Column, times, blocks, away, tz_name) -> None:
    windows = availability.working_windows(column.day, blocks, tz_name)
    off = away.get(column.therapist.pk, [])
    who = column.therapist
    for row, wall in enumerate(times):
        start = _instant(column.day, wall, tz_name)
        if start is None:
            column.cells.append(Cell(kind="off", row=row, first=True, therapist=who))
            continue
        end = start + STEP
        if any(a < end and start < b for a, b in off):
            kind = "away"
        elif any(a <= start and end <= b for a, b in windows):
            kind = "free"
        else:
            kind = "off"
        first = not column.cells or column.cells[-1].kind != kind
        column.cells.append(Cell(kind=kind, start=start, row=row, first=first, therapist=who))


def _place(visit, columns, times, tz, kind: str = "visit") -> bool:
    """Put a visit (or a hold) in its column's cells; False when it does not fit (overlap, off
    the grid)."""
    local = visit.start.astimezone(tz)
    column = next(
        (c for c in columns if c.therapist.pk == visit.therapist_id and c.day == local.date()),
        None,
    )
    if column is None:
        return False
    minutes = local.hour * 60 + local.minute
    first = times[0].hour * 60 + times[0].minute
    row = (minutes - first) // availability.GRID_MINUTES
    length = max(1, math.ceil((visit.end - visit.start) / STEP))
    length = min(length, len(times) - row)
    if row < 0 or length < 1:
        return False
    cells = column.cells[row : row + length]
    if any(c.kind in ("visit", "held", "covered") for c in cells):
        return False
    held = {"hold": visit} if kind == "held" else {"appointment": visit}
    column.cells[row] = Cell(kind=kind, start=cells[0].start, rows=length, row=row, **held)
    for n in range(row + 1, row + length):
        column.cells[n] = Cell(kind="covered", start=column.cells[n].start, row=n)
    return True
