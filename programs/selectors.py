"""Reads of the programs app: each loader scopes to the user (404 otherwise), and the reads of
the runner's pages and the therapist's dashboard.

A loader for a page or API read writes the access-log row itself, so no caller can forget it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import Exists, JSONField, Max, OuterRef, Prefetch, Q, Value
from django.db.models.functions import JSONObject
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dangpt.audit import audit_patient_access
from dangpt.dates import shown
from dangpt.models import AccessKind
from dangpt.roles import Role, role_of
from patients.models import Patient
from patients.selectors import runner_patient
from programs.models import (
    Program,
    ProgramItem,
    ProgramStatus,
    ProgramVersion,
    ProgressionSuggestion,
    RunLog,
    SessionEntry,
    SessionLog,
    SuggestionStatus,
)
from programs.rules import progression

if TYPE_CHECKING:
    from programs.portal.items import TodayItem

INACTIVE_DAYS = 7


# --- Loaders: each answers 404 for what the user may not see ---------------------------------


def get_program_for_user(request: HttpRequest, pk: int) -> Program:
    """A program the signed-in user may see, or 404 (for a write: no access-log row)."""
    return get_object_or_404(Program.objects.visible_to(request.user), pk=pk)


def read_program_for_user(request: HttpRequest, pk: int, *, published: bool = False) -> Program:
    """A program the signed-in user may see, or 404; the read is written to the access log.

    With ``published``, a program without a published version is a 404 too (and no read).
    """
    program = get_program_for_user(request, pk)
    if published and program.current_version is None:
        raise Http404
    audit_patient_access(request, patient_id=program.patient_id, kind=AccessKind.PROGRAM, ref=pk)
    return program


def read_version_for_user(request: HttpRequest, pk: int, number: int) -> ProgramVersion:
    """A published version of a program the user may see, or 404; the read is access-logged."""
    program = get_program_for_user(request, pk)
    version = get_object_or_404(program.versions.select_related("published_by"), number=number)
    version.program = program  # the scoped program, with its patient and therapist
    audit_patient_access(
        request, patient_id=program.patient_id, kind=AccessKind.PROGRAM_VERSION, ref=version.pk
    )
    return version


def get_item_for_user(program: Program, pk: int) -> ProgramItem:
    """An item of a program the user may see (loaded by get_program_for_user), or 404."""
    return get_object_or_404(program.items.select_related("exercise"), pk=pk)


def _runner_programs(request: HttpRequest):
    # Runners only: for anyone else visible_to would find the programs they prescribe.
    if role_of(request.user) != Role.RUNNER:
        raise Http404
    return (
        Program.objects.visible_to(request.user).filter(status=ProgramStatus.ACTIVE).order_by("-pk")
    )


def get_runner_program(request: HttpRequest) -> Program | None:
    """The runner's active program, if any, with its patient and current version."""
    return (
        _runner_programs(request)
        .select_related(None)
        .select_related("patient", "current_version")
        .defer("current_version__changes")  # the diff of the version: no runner page shows it
        .first()
    )


def get_runner_program_with_changes(request: HttpRequest) -> Program | None:
    """The runner's active program with its current version whole (the API shows the changes)."""
    return _runner_programs(request).select_related("current_version").first()


def read_runner_program(request: HttpRequest) -> Program:
    """The runner's active program, or 404; the read is written to the access log."""
    program = _runner_programs(request).first()
    if program is None:
        raise Http404
    audit_patient_access(
        request, patient_id=program.patient_id, kind=AccessKind.PROGRAM, ref=program.pk
    )
    return program


def read_runner_record(request: HttpRequest, *, kind: AccessKind) -> tuple[Patient, Program | None]:
    """The runner's patient record (or 404) and active program, in one query when there is one.

    The read is written to the access log as ``kind`` (a program read names the program).
    """
    program = get_runner_program(request)
    patient = program.patient if program is not None else runner_patient(request.user)
    ref = (program and program.pk) if kind == AccessKind.PROGRAM else ""
    audit_patient_access(request, patient_id=patient.pk, kind=kind, ref=ref)
    return patient, program


# --- The runner's pages ----------------------------------------------------------------------


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


# --- The therapist's dashboard ----------------------------------------------------------


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
    programs = list(_dashboard_programs(user, since=since))
    patient_ids = [p.patient_id for p in programs]
    last_runs = dict(
        RunLog.objects.filter(patient__in=patient_ids)
        .values("patient")
        .annotate(last=Max("date"))
        .values_list("patient", "last")
    )
    recent_runs: dict[int, list[RunLog]] = {}
    for run in RunLog.objects.filter(patient__in=patient_ids, date__gte=since):
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


def _dashboard_programs(user, *, since: dt.date):
    """The therapist's active programs with their last session, a pending flag, recent logs."""
    pending = ProgressionSuggestion.objects.filter(
        program=OuterRef("pk"), status=SuggestionStatus.PENDING
    )
    return (
        Program.objects.filter(therapist=user, status=ProgramStatus.ACTIVE)
        .select_related("patient")
        .annotate(last_session=Max("sessions__date"), has_pending=Exists(pending))
        .prefetch_related(
            Prefetch(
                "sessions",
                queryset=SessionLog.objects.filter(date__gte=since).prefetch_related(
                    Prefetch("entries", queryset=SessionEntry.objects.select_related("exercise"))
                ),
                to_attr="recent",
            )
        )
        .order_by("patient__last_name", "patient__first_name", "pk")
    )


def _breaches(program: Program, runs: list[RunLog]) -> list[str]:
    """Plain descriptions of the logs of the last 7 days that broke the program's pain rule."""
    logs = [
        (session.date, entry.exercise.name, entry)
        for session in program.recent
        for entry in session.entries.all()
    ]
    logs += [(run.date, "run", run) for run in runs]
    found = []
    for day, what, row in logs:
        log = progression.SessionPain(
            pain_during=row.pain_during,
            pain_after=row.pain_after,
            next_morning_pain=row.next_morning_pain,
            baseline_pain=program.baseline_pain,
        )
        check = progression.check_pain(tissue=program.tissue, log=log)
        if check.breached:
            found.append(f"{shown(day, 'weekday')} {what}: {'; '.join(check.problems)}")
    return found


# --- The record as it leaves the clinic (FHIR export, dangpt/wiring/fhir) ----------------------


def record_published_programs(*, patient_ids=None):
    """Programs the runner was given (published), with the version they follow and its note."""
    rows = Program.objects.filter(current_version__isnull=False).select_related(
        "current_version", "evaluation"
    )
    rows = rows if patient_ids is None else rows.filter(patient_id__in=patient_ids)
    return rows.order_by("pk")
