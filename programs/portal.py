"""Reads of the runner portal and the therapist dashboard: today's items, adherence, flags."""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass, field

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import Exists, JSONField, Max, OuterRef, Prefetch, Q, Value
from django.db.models.functions import JSONObject
from django.template.loader import render_to_string
from django.utils import timezone

from programs.models import (
    Exercise,
    Program,
    ProgramStatus,
    ProgressionSuggestion,
    RunLog,
    SessionEntry,
    SessionLog,
    SuggestionStatus,
)
from programs.rules import progression
from programs.versions import dose_text

INACTIVE_DAYS = 7


@dataclass
class TodayItem:
    """One exercise of the current version, with its library entry and the dose in words."""

    data: dict
    exercise: Exercise | None
    dose: str
    entry: object | None = None

    @property
    def item_id(self) -> int:
        return self.data["item_id"]

    @property
    def card_html(self) -> str:
        """The exercise's card (name, dose, notes, picture, how-to), rendered once per process
        for the same content: the runner home shows ten of them on every visit."""
        exercise = self.exercise
        return _card_html(
            self.data["exercise_name"],
            self.dose,
            self.data.get("notes") or "",
            exercise is not None,
            exercise.illustration if exercise else "",
            exercise.instructions if exercise else "",
            tuple(exercise.cues or ()) if exercise else (),
            exercise.video_url if exercise else "",
        )


@functools.lru_cache(maxsize=4096)
def _card_html(name, dose, notes, has_exercise, illustration, instructions, cues, video_url):
    """A pure function of what the card shows, so a cached copy is never stale."""
    card = {
        "name": name,
        "dose": dose,
        "notes": notes,
        "has_exercise": has_exercise,
        "illustration": illustration,
        "instructions": instructions,
        "cues": cues,
        "video_url": video_url,
    }
    return render_to_string("programs/_exercise_card_body.html", {"card": card})


# What an exercise card shows (TodayItem.card_html): all the runner home loads of the library.
CARD_FIELDS = ("illustration", "instructions", "cues", "video_url")


def version_items(
    version, *, phase_only: bool = True, exercise_fields: tuple[str, ...] | None = None
) -> list[TodayItem]:
    """The items of a version (of its current phase), with their exercises in one query
    (only ``exercise_fields`` of them when given)."""
    if version is None:
        return []
    data = [i for i in version.items if not phase_only or i.get("phase", 1) == version.phase]
    exercises = Exercise.objects.all()
    if exercise_fields:
        exercises = exercises.only(*exercise_fields)
    exercises = exercises.in_bulk([i["exercise_id"] for i in data])
    return [
        TodayItem(data=i, exercise=exercises.get(i["exercise_id"]), dose=dose_text(i)) for i in data
    ]


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


@dataclass
class Adherence:
    """Sessions and exercises done this week against the prescription."""

    percent: int
    sessions: int
    done: int
    target: int


def weekly_adherence(
    items: list[TodayItem], sessions: list[SessionLog], today: dt.date
) -> Adherence:
    """Per item, days done this week (capped at its weekly target) over the weekly targets.

    ``sessions`` come from ``recent_sessions`` (their entries on ``entry_list``).
    """
    monday = week_start(today)
    week = [s for s in sessions if monday <= s.date <= today]
    done_days: dict[int, int] = {}
    for session in week:
        for entry in session.entry_list:
            if entry.done and entry.item_id is not None:
                done_days[entry.item_id] = done_days.get(entry.item_id, 0) + 1
    target = sum(min(i.data.get("times_per_week") or 1, 7) for i in items)
    done = sum(
        min(done_days.get(i.item_id, 0), min(i.data.get("times_per_week") or 1, 7)) for i in items
    )
    percent = round(100 * done / target) if target else 0
    return Adherence(percent=percent, sessions=len(week), done=done, target=target)


# SessionEntry attribute -> the lookup from SessionLog that reads it.
_ENTRY_COLUMNS = {
    "id": "entries__id",
    "item_id": "entries__item",
    "exercise_id": "entries__exercise",
    "done": "entries__done",
    "pain_during": "entries__pain_during",
    "pain_after": "entries__pain_after",
    "next_morning_pain": "entries__next_morning_pain",
    "difficulty": "entries__difficulty",
}


def recent_sessions(program: Program, *, since: dt.date) -> list[SessionLog]:
    """The program's sessions since a day, newest first, in one query.

    Each session's entries (in their usual order) are aggregated into the same row and put on
    ``session.entry_list`` as SessionEntry instances, so the runner's home pays one query for
    the week's sessions and entries together.
    """
    sessions = list(
        SessionLog.objects.filter(program=program, date__gte=since).annotate(
            entry_rows=JSONBAgg(
                JSONObject(**_ENTRY_COLUMNS),
                filter=Q(entries__isnull=False),
                order_by="entries__id",
                default=Value([], output_field=JSONField()),
            )
        )
    )
    for session in sessions:
        session.entry_list = [SessionEntry(session=session, **row) for row in session.entry_rows]
    return sessions


@dataclass
class CalendarDay:
    day: dt.date
    in_month: bool
    session: SessionLog | None = None
    run_km: float = 0.0
    is_today: bool = False


def month_calendar(*, patient, program: Program | None, year: int, month: int) -> list[list]:
    """Weeks (Monday first) of a month with each day's session and distance run."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first, last = weeks[0][0], weeks[-1][-1]
    sessions = {}
    if program is not None:
        sessions = {
            s.date: s
            for s in SessionLog.objects.filter(
                program__patient=patient, date__range=(first, last)
            ).order_by("date")
        }
    runs: dict[dt.date, float] = {}
    for day, km in RunLog.objects.filter(patient=patient, date__range=(first, last)).values_list(
        "date", "distance_km"
    ):
        runs[day] = runs.get(day, 0.0) + float(km)
    today = timezone.localdate()
    return [
        [
            CalendarDay(
                day=d,
                in_month=d.month == month,
                session=sessions.get(d),
                run_km=round(runs.get(d, 0.0), 2),
                is_today=d == today,
            )
            for d in week
        ]
        for week in weeks
    ]


@dataclass
class DashboardRow:
    program: Program
    last_activity: dt.date | None
    inactive: bool
    breaches: list[str] = field(default_factory=list)
    pending: bool = False


def therapist_dashboard(user, *, today: dt.date) -> list[DashboardRow]:
    """The therapist's active runners who need a look: inactive, pain rule broken, suggestion."""
    since = today - dt.timedelta(days=INACTIVE_DAYS)
    pending = ProgressionSuggestion.objects.filter(
        program=OuterRef("pk"), status=SuggestionStatus.PENDING
    )
    programs = (
        Program.objects.filter(therapist=user, status=ProgramStatus.ACTIVE)
        .select_related("patient")
        .annotate(
            last_session=Max("sessions__date"),
            has_pending=Exists(pending),
        )
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=SessionLog.objects.filter(date__gte=since).prefetch_related("entries"),
                to_attr="recent",
            )
        )
        .order_by("patient__last_name", "patient__first_name", "pk")
    )
    programs = list(programs)
    last_runs = dict(
        RunLog.objects.filter(patient__in=[p.patient_id for p in programs])
        .values("patient")
        .annotate(last=Max("date"))
        .values_list("patient", "last")
    )
    recent_runs: dict[int, list[RunLog]] = {}
    for run in RunLog.objects.filter(patient__in=[p.patient_id for p in programs], date__gte=since):
        recent_runs.setdefault(run.patient_id, []).append(run)
    rows = []
    for program in programs:
        dates = [d for d in (program.last_session, last_runs.get(program.patient_id)) if d]
        last = max(dates) if dates else None
        row = DashboardRow(
            program=program,
            last_activity=last,
            inactive=last is None or last < since,
            breaches=_breaches(program, recent_runs.get(program.patient_id, [])),
            pending=program.has_pending,
        )
        if row.inactive or row.breaches or row.pending:
            rows.append(row)
    return rows


def _breaches(program: Program, runs: list[RunLog]) -> list[str]:
    """Plain descriptions of the logs of the last 7 days that broke the program's pain rule."""
    found = []
    for session in program.recent:
        for entry in session.entries.all():
            log = progression.SessionPain(
                pain_during=entry.pain_during,
                pain_after=entry.pain_after,
                next_morning_pain=entry.next_morning_pain,
                baseline_pain=program.baseline_pain,
            )
            check = progression.check_pain(tissue=program.tissue, log=log)
            if check.breached:
                found.append(f"{session.date:%a %-d %b} exercise: {'; '.join(check.problems)}")
    for run in runs:
        log = progression.SessionPain(
            pain_during=run.pain_during,
            pain_after=run.pain_after,
            next_morning_pain=run.next_morning_pain,
            baseline_pain=program.baseline_pain,
        )
        check = progression.check_pain(tissue=program.tissue, log=log)
        if check.breached:
            found.append(f"{run.date:%a %-d %b} run: {'; '.join(check.problems)}")
    return found
