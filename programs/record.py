"""Reads for what leaves the clinic: the home program a letter names, and this app's part of the
runner's own record (HIPAA right of access). Codes go with their labels; PDFs show only labels.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from programs.dose import dose_text
from programs.models import Program, ProgramStatus, RunLog, SessionEntry, SessionLog

KM_PER_MILE = Decimal("1.609344")


def _iso(value) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def miles(km) -> float | None:
    """Kilometres as miles, two decimals (people in the US read distances in miles)."""
    return None if km is None else float(round(Decimal(km) / KM_PER_MILE, 2))


def _exercises(program: Program) -> list[dict[str, Any]]:
    """The exercises of the program's published version, in order, with the dose in words."""
    version = program.current_version
    if version is None:
        return []
    return [
        {
            "exercise": item.get("exercise_name", ""),
            "phase": item.get("phase", 1),
            "dose": dose_text(item, language="en"),
            "notes": item.get("notes") or "",
            "current_phase": item.get("phase", 1) == version.phase,
        }
        for item in version.items
    ]


def home_program_for_letter(*, patient, evaluation_id: int) -> dict[str, Any] | None:
    """The home program a letter about a note names: the one prescribed from that note, else
    the runner's active one; its current-phase exercises with their dose. None without one."""
    published = (
        Program.objects.filter(patient=patient, current_version__isnull=False)
        .exclude(status=ProgramStatus.DRAFT)
        .select_related("current_version")
        .order_by("-created_at", "-id")
    )
    program = published.filter(evaluation_id=evaluation_id).first()
    if program is None:
        program = published.filter(status=ProgramStatus.ACTIVE).first()
    if program is None:
        return None
    exercises = [e for e in _exercises(program) if e["current_phase"]]
    return {"title": program.title, "status": program.get_status_display(), "items": exercises}


# --- The runner's record: this app's part ------------------------------------------------------


def programs_record_part(*, patient) -> dict[str, Any]:
    """Programs with their exercises (drafts are not yet the runner's), session logs with each
    exercise's entry, and runs: four queries whatever their number."""
    programs = (
        Program.objects.filter(patient=patient)
        .exclude(status=ProgramStatus.DRAFT)
        .select_related("therapist", "current_version")
        .order_by("created_at", "id")
    )
    sessions = (
        SessionLog.objects.filter(program__patient=patient)
        .select_related("program")
        .prefetch_related(
            Prefetch("entries", SessionEntry.objects.select_related("exercise").order_by("id"))
        )
        .order_by("date", "id")
    )
    runs = RunLog.objects.filter(patient=patient).order_by("date", "id")
    return {
        "programs": [_program(p) for p in programs],
        "session_logs": [_session(s) for s in sessions],
        "runs": [_run(r) for r in runs],
    }


def _program(program: Program) -> dict[str, Any]:
    version = program.current_version
    return {
        "title": program.title,
        "status": program.status,
        "status_label": program.get_status_display(),
        "therapist": program.therapist.get_full_name() or program.therapist.get_username(),
        "started_at": _iso(program.created_at),
        "version": version.number if version else None,
        "published_at": _iso(version.published_at) if version else None,
        "exercises": _exercises(program),
    }


def _session(session: SessionLog) -> dict[str, Any]:
    return {
        "date": _iso(session.date),
        "program": session.program.title,
        "completed": session.completed,
        "notes": session.notes,
        "entries": [
            {
                "exercise": entry.exercise.name,
                "done": entry.done,
                "pain_during": entry.pain_during,
                "pain_after": entry.pain_after,
                "next_morning_pain": entry.next_morning_pain,
                "difficulty": entry.difficulty,
                "difficulty_label": entry.get_difficulty_display() if entry.difficulty else "",
            }
            for entry in session.entries.all()
        ],
    }


def _run(run: RunLog) -> dict[str, Any]:
    return {
        "date": _iso(run.date),
        "distance_km": _iso(run.distance_km),
        "distance_miles": miles(run.distance_km),
        "duration_min": _iso(run.duration_min),
        "rpe": run.rpe,
        "pain_during": run.pain_during,
        "pain_after": run.pain_after,
        "next_morning_pain": run.next_morning_pain,
        "load_warning": (run.load_warning or {}).get("message") if run.load_warning else None,
    }
