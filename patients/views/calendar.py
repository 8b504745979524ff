"""The calendar: the desk's and therapists' schedule as a time grid (day or one therapist's week).

Week view shows one therapist's seven days rather than every therapist × every day: thirty-five
narrow columns read badly at 1280 px and not at all on a phone, and a week is what a therapist
plans by and what the desk checks when a runner asks "same time next week?". The day view is the
one that shows everyone side by side.
"""

import datetime as dt
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from dangpt.audit import audit_patient_list
from dangpt.models import AccessKind
from dangpt.roles import DESK_ROLES, STAFF_ROLES, role_of, role_required
from patients import calendar_grid
from patients.views.common import location_from, parse_day, schedule_locations


def _chosen(people: list, raw: str, me):
    """The week view's therapist: the one asked for, else the signed-in one, else the first."""
    by_id = {str(p.pk): p for p in people}
    return by_id.get(raw) or by_id.get(str(me.pk)) or (people[0] if people else None)


@require_GET
@role_required(*STAFF_ROLES)
def calendar(request: HttpRequest) -> HttpResponse:
    """Day view (a column per therapist) or week view (one therapist's days) at a location."""
    location = location_from(request)
    tz = ZoneInfo(location.time_zone) if location else ZoneInfo("UTC")
    day = parse_day(request.GET.get("date"), tz, request)
    week = request.GET.get("view") == "week"
    days = calendar_grid.week_of(day) if week else [day]
    grid, people, therapist = None, [], None
    if location:
        people = calendar_grid.therapists_at(location, days)
        therapist = _chosen(people, request.GET.get("therapist", ""), request.user)
        columns = ([therapist] if therapist else []) if week else people
        grid = calendar_grid.build(location=location, days=days, people=columns, me=request.user)
        shown = [c.appointment for col in grid.columns for c in col.cells if c.appointment]
        shown += grid.hidden
        audit_patient_list(
            request, kind=AccessKind.SCHEDULE, shown=((a.patient_id, a.pk) for a in shown)
        )
    step = dt.timedelta(days=7 if week else 1)
    base = {"view": "week" if week else "day"}
    if location:
        base["location"] = location.pk
    if week and therapist:
        base["therapist"] = therapist.pk

    def link(**changes) -> str:
        return "?" + urlencode({**base, **changes})

    today = dt.datetime.now(tz).date()
    context = {
        "location": location,
        "locations": schedule_locations(request.user),
        "day": day,
        "days": days,
        "week": week,
        "today": today,
        "people": people,
        "therapist": therapist,
        "grid": grid,
        "tz": tz,
        "can_book": role_of(request.user) in DESK_ROLES,
        "previous_url": link(date=(day - step).isoformat()),
        "next_url": link(date=(day + step).isoformat()),
        "today_url": link(date=today.isoformat()),
        "day_url": link(view="day", date=day.isoformat()),
        "week_url": link(view="week", date=day.isoformat()),
        "list_url": reverse("patients:schedule")
        + "?"
        + urlencode({"location": location.pk if location else "", "date": day.isoformat()}),
        "here": request.get_full_path(),
    }
    return render(request, "patients/calendar.html", context)
