"""JSON API endpoints of the programs app, mounted at /api/v1/ by dangpt.api."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import Http404
from django.templatetags.static import static
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from dangpt import rowcache
from dangpt.api import ErrorOut, error_response
from dangpt.audit import audit_patient_access
from dangpt.clinical_ranges import api_number
from dangpt.models import AccessKind
from dangpt.roles import Role, role_of
from patients.selectors import runner_patient
from programs import selectors, services
from programs.dose import dose_text
from programs.models import Program, RunLog, SessionLog
from programs.portal import cache
from programs.portal.items import version_items
from programs.services.logs import runner_today
from programs.versions import snapshot_item

router = Router(tags=["programs"])


class ExerciseOut(Schema):
    slug: str
    name: str
    instructions: str
    cues: list[str]
    illustration: str | None
    video_url: str | None


class ItemOut(Schema):
    item_id: int
    exercise: ExerciseOut
    sets: int
    reps: int | None
    hold_seconds: int | None
    load: str
    load_kg: float | None
    tempo: str
    times_per_week: int
    side: str
    notes: str
    phase: int
    order: int
    dose: str


class VersionOut(Schema):
    number: int
    published_at: dt.datetime
    phase: int
    changes: list[str]


class MyProgramOut(Schema):
    id: int
    title: str
    tissue: str
    version: VersionOut
    items: list[ItemOut]


class EntryIn(Schema):
    item_id: int
    done: bool = True
    pain_during: int | None = None
    pain_after: int | None = None
    difficulty: Literal["easy", "ok", "hard"] | None = None


class SessionIn(Schema):
    date: dt.date | None = None
    entries: list[EntryIn] = Field(..., min_length=1)
    notes: str = Field("", max_length=500)


class EntryOut(Schema):
    item_id: int | None
    exercise: str
    done: bool
    pain_during: int | None
    pain_after: int | None
    next_morning_pain: int | None
    difficulty: str


class SessionOut(Schema):
    id: int
    date: dt.date
    version: int
    completed: bool
    entries: list[EntryOut]


KM_NOTE = "In kilometres: the API always uses km, whatever unit the runner reads on the pages."


class RunIn(Schema):
    date: dt.date = Field(description="The day of the run; not after today where the runner is.")
    distance_km: float = Field(description=f"Distance run. {KM_NOTE}")
    duration_min: float
    rpe: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    next_morning_pain: int | None = None


class LoadWarningOut(Schema):
    level: Literal["small", "moderate", "large", "first_run_back"] = Field(
        description="Spike size, or first_run_back when no run is logged in the 30 days before."
    )
    ratio: float | None = Field(
        description="Run distance over the reference longest run; null for a first run back."
    )
    message: str


class RunOut(Schema):
    id: int
    date: dt.date
    distance_km: float = Field(description=f"Distance run. {KM_NOTE}")
    duration_min: float
    rpe: int | None
    pain_during: int | None
    pain_after: int | None
    next_morning_pain: int | None
    load_warning: LoadWarningOut | None


class ProgramOut(Schema):
    id: int
    patient: int
    evaluation: int | None
    therapist: int
    title: str
    status: str
    tissue: str
    baseline_pain: int
    current_phase: int
    walk_run_stage: int | None
    current_version: VersionOut | None
    working_items: list[ItemOut]


class ProgramSettingsIn(Schema):
    """Settings to change; those left out keep their value. `walk_run_stage` null ends the plan."""

    title: str | None = Field(None, max_length=160)
    tissue: str | None = None
    baseline_pain: api_number("program.baseline_pain") | None = None
    current_phase: api_number("program.current_phase") | None = None
    walk_run_stage: api_number("program.walk_run_stage") | None = None


class PublishIn(Schema):
    note: str = Field("", max_length=300)


# --- Helpers --------------------------------------------------------------------------------


def _therapists_only(request) -> None:
    # visible_to also lets managers and runners see programs; these endpoints are therapists'.
    if role_of(request.user) != Role.THERAPIST:
        raise Http404


def _item_out(data: dict, exercise) -> dict:
    return {
        **data,
        "load": data.get("load") or "",
        "tempo": data.get("tempo") or "",
        "notes": data.get("notes") or "",
        "dose": dose_text(data),
        "exercise": {
            "slug": data["exercise_slug"],
            "name": data["exercise_name"],
            "instructions": exercise.instructions if exercise else "",
            "cues": exercise.cues if exercise else [],
            "illustration": static(exercise.illustration)
            if exercise and exercise.illustration
            else None,
            "video_url": (exercise.video_url or None) if exercise else None,
        },
    }


def _version_out(version) -> dict:
    return {
        "number": version.number,
        "published_at": version.published_at,
        "phase": version.phase,
        "changes": version.changes,
    }


def _session_out(session: SessionLog) -> dict:
    return {
        "id": session.pk,
        "date": session.date,
        "version": session.version.number,
        "completed": session.completed,
        "entries": [
            {
                "item_id": e.item_id,
                "exercise": e.exercise.slug,
                "done": e.done,
                "pain_during": e.pain_during,
                "pain_after": e.pain_after,
                "next_morning_pain": e.next_morning_pain,
                "difficulty": e.difficulty,
            }
            for e in session.entries.select_related("exercise")
        ],
    }


def _run_out(run: RunLog) -> dict:
    return {
        "id": run.pk,
        "date": run.date,
        "distance_km": float(run.distance_km),
        "duration_min": float(run.duration_min),
        "rpe": run.rpe,
        "pain_during": run.pain_during,
        "pain_after": run.pain_after,
        "next_morning_pain": run.next_morning_pain,
        "load_warning": run.load_warning,
    }


# --- Runner ---------------------------------------------------------------------------------


@router.get("/me/program", response={200: MyProgramOut, 401: ErrorOut, 404: ErrorOut})
def my_program(request):
    """The runner's current program: the latest published version, today's phase.

    Answered from the runner's cache (programs/portal/cache.py) while none of its rows changed.
    """
    if role_of(request.user) != Role.RUNNER:
        raise Http404
    today = timezone.localdate()
    found = cache.fingerprint(request.user.pk, today)
    if found is None:
        raise Http404
    # The fingerprint scoped the program to this runner: it is the read the access log records.
    audit_patient_access(
        request, patient_id=found.patient_id, kind=AccessKind.PROGRAM, ref=found.program_id
    )
    text = cache.reuse_or_build(
        request.user.pk,
        today,
        found,
        part="api-program",
        version=MY_PROGRAM_VERSION,
        build=lambda: rowcache.json_text(MyProgramOut, _my_program_out(request)),
    )
    return rowcache.json_response(text)


# Bump when the body of /me/program changes shape or content for the same rows.
MY_PROGRAM_VERSION = "1"


def _my_program_out(request) -> dict:
    program = selectors.get_runner_program_with_changes(request)
    if program is None:  # ended between the fingerprint and this read
        raise Http404
    version = program.current_version
    return {
        "id": program.pk,
        "title": program.title,
        "tissue": program.tissue,
        "version": _version_out(version),
        "items": [_item_out(i.data, i.exercise) for i in version_items(version)],
    }


@router.post(
    "/me/sessions",
    response={201: SessionOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def log_my_session(request, payload: SessionIn):
    """Log (or update) a day's session: per exercise done, pain during and after, difficulty."""
    program = selectors.get_runner_program(request)
    if program is None:
        raise Http404
    session = services.session_log(
        program=program,
        date=payload.date or timezone.localdate(),
        entries=[e.dict() for e in payload.entries],
        notes=payload.notes,
    )
    return Status(201, _session_out(session))


@router.post(
    "/me/runs", response={201: RunOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
)
def log_my_run(request, payload: RunIn):
    """Log a run (distance in km); the answer carries the stored run and its `load_warning`.

    A date after today in the runner's time zone is refused with 422 naming `date`.
    """
    patient = runner_patient(request.user)
    if payload.date > runner_today(patient):
        message = gettext("The date cannot be in the future.")
        return error_response(request, 422, "The request has invalid fields.", {"date": [message]})
    run = services.run_log(patient=patient, **payload.dict())
    return Status(201, _run_out(run))


# --- Therapist ------------------------------------------------------------------------------


def _program_out(program: Program) -> dict:
    items = list(program.items.select_related("exercise").order_by("phase", "order", "id"))
    return {
        "id": program.pk,
        "patient": program.patient_id,
        "evaluation": program.evaluation_id,
        "therapist": program.therapist_id,
        "title": program.title,
        "status": program.status,
        "tissue": program.tissue,
        "baseline_pain": program.baseline_pain,
        "current_phase": program.current_phase,
        "walk_run_stage": program.walk_run_stage,
        "current_version": _version_out(program.current_version)
        if program.current_version
        else None,
        "working_items": [
            _item_out(snapshot_item(item, n), item.exercise) for n, item in enumerate(items)
        ],
    }


@router.get(
    "/programs/{program_id}",
    response={200: ProgramOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def get_program(request, program_id: int):
    """A program of one of the therapist's patients, with its working items and current version."""
    _therapists_only(request)
    return _program_out(selectors.read_program_for_user(request, program_id))


@router.patch(
    "/programs/{program_id}",
    response={200: ProgramOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def update_program(request, program_id: int, payload: ProgramSettingsIn):
    """Change the program's settings; a walk-run stage past 0 obeys the safety gate."""
    _therapists_only(request)
    program = selectors.get_program_for_user(request, program_id)
    given = payload.dict(exclude_unset=True)
    values = {
        field: given[field] if field in given else getattr(program, field)
        for field in ("title", "tissue", "baseline_pain", "current_phase", "walk_run_stage")
    }
    for field in ("title", "tissue", "baseline_pain", "current_phase"):
        if values[field] is None:
            values[field] = getattr(program, field)
    services.program_update(program=program, **values)
    audit_patient_access(
        request, patient_id=program.patient_id, kind=AccessKind.PROGRAM, ref=program.pk
    )
    return _program_out(program)


@router.post(
    "/programs/{program_id}/publish",
    response={201: VersionOut, 400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut},
)
def publish_program(request, program_id: int, payload: PublishIn):
    """Publish the working copy as a new version (the screening safety gate applies)."""
    _therapists_only(request)
    program = selectors.get_program_for_user(request, program_id)
    version = services.program_publish(program=program, by=request.user, note=payload.note)
    return Status(201, _version_out(version))
