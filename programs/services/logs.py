"""The runner's logs: home exercise sessions and runs, with their next-morning pain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Patient, RunningProfile
from programs.models import (
    DifficultyChoice,
    Program,
    ProgramItem,
    ProgramStatus,
    RunLog,
    SessionEntry,
    SessionLog,
)
from programs.rules import load
from programs.services.suggestions import suggestions_generate
from programs.services.walkrun import walk_run_follow


def _pain(errors: dict, name: str, value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        errors.setdefault(name, []).append(_("Pain is a whole number from 0 to 10."))
        return None
    return value


def _morning_pain(pain) -> int:
    errors: dict[str, list[str]] = {}
    value = _pain(errors, "next_morning_pain", pain)
    if value is None and not errors:
        errors["next_morning_pain"] = [_("Give the pain this morning, 0 to 10.")]
    if errors:
        raise ValidationError(errors)
    return value


def runner_today(patient: Patient) -> dt.date:
    """Today where the runner is: their location's time zone, else the clinic's."""
    location = patient.preferred_location if patient.preferred_location_id else None
    zone = location.time_zone if location else settings.TIME_ZONE
    return timezone.localdate(timezone.now(), ZoneInfo(zone))


def _check_day(errors: dict, name: str, day: dt.date, today: dt.date | None = None) -> None:
    today = today or timezone.localdate()
    if day > today:
        errors.setdefault(name, []).append(_("The date cannot be in the future."))
    elif day < today - dt.timedelta(days=365):
        errors.setdefault(name, []).append(_("The date is more than a year ago."))


def _entry_rows(items: dict[int, dict], entries: list[dict], errors: dict) -> dict[int, dict]:
    """The entries' values per item id; problems go to ``errors``."""
    rows = {}
    for entry in entries:
        item_id = entry.get("item_id")
        if item_id not in items:
            errors.setdefault("entries", []).append(
                _("Item %(item)s is not in today's program.") % {"item": item_id}
            )
            continue
        difficulty = entry.get("difficulty") or ""
        if difficulty and difficulty not in DifficultyChoice.values:
            errors.setdefault("difficulty", []).append(_("Choose easy, about right or hard."))
        rows[item_id] = {
            "done": bool(entry.get("done")),
            "pain_during": _pain(errors, "pain_during", entry.get("pain_during")),
            "pain_after": _pain(errors, "pain_after", entry.get("pain_after")),
            "difficulty": difficulty,
        }
    if not rows and not errors:
        errors["entries"] = [_("Log at least one exercise.")]
    return rows


@transaction.atomic
def session_log(
    *, program: Program, date: dt.date, entries: list[dict], notes: str = ""
) -> SessionLog:
    """Store (or update) the day's session: per item done, pain during/after and difficulty."""
    if program.current_version_id is None or program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"__all__": [_("There is no active program to log against.")]})
    errors: dict[str, list[str]] = {}
    _check_day(errors, "date", date)
    version = program.current_version
    items = {i["item_id"]: i for i in version.items if i.get("phase", 1) == version.phase}
    rows = _entry_rows(items, entries, errors)
    if errors:
        raise ValidationError(errors)
    session, _created = SessionLog.objects.update_or_create(
        program=program, date=date, defaults={"version": version, "notes": notes[:500]}
    )
    existing_items = set(ProgramItem.objects.filter(pk__in=rows).values_list("pk", flat=True))
    for item_id, values in rows.items():
        SessionEntry.objects.update_or_create(
            session=session,
            item_id=item_id if item_id in existing_items else None,
            exercise_id=items[item_id]["exercise_id"],
            defaults=values,
        )
    done = set(session.entries.filter(done=True).values_list("item_id", flat=True))
    session.completed = set(items) <= done
    session.save(update_fields=["completed"])
    # A log can settle a pain rule either way: the therapist sees the suggestion without asking.
    suggestions_generate(program=program)
    return session


@transaction.atomic
def session_next_morning(*, session: SessionLog, pain: int) -> SessionLog:
    """Record the next-morning pain of a session on each exercise that was done."""
    value = _morning_pain(pain)
    session.entries.filter(done=True).update(next_morning_pain=value)
    suggestions_generate(program=session.program)
    return session


def _decimal(errors: dict, name: str, value, *, places: int, top: int) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(name, []).append(_("Enter a number."))
        return None
    if not number.is_finite() or number <= 0:
        errors.setdefault(name, []).append(_("Must be more than 0."))
        return None
    if number >= top:
        errors.setdefault(name, []).append(_("Must be less than %(top)s.") % {"top": top})
        return None
    return number.quantize(Decimal(1).scaleb(-places))


@transaction.atomic
def run_log(
    *,
    patient,
    date: dt.date,
    distance_km,
    duration_min,
    rpe: int | None = None,
    pain_during: int | None = None,
    pain_after: int | None = None,
    next_morning_pain: int | None = None,
) -> RunLog:
    """Store a run with the single-run spike warning (``load_warning``) it gets on that day."""
    errors: dict[str, list[str]] = {}
    _check_day(errors, "date", date, runner_today(patient))
    distance = _decimal(errors, "distance_km", distance_km, places=2, top=1000)
    duration = _decimal(errors, "duration_min", duration_min, places=1, top=10000)
    _check_rpe(errors, rpe)
    pains = {
        name: _pain(errors, name, value)
        for name, value in (
            ("pain_during", pain_during),
            ("pain_after", pain_after),
            ("next_morning_pain", next_morning_pain),
        )
    }
    if distance is not None and distance == 0:  # more than 0 but rounds to 0.00
        errors.setdefault("distance_km", []).append(_("Must be more than 0."))
    if errors:
        raise ValidationError(errors)
    warning = _spike_warning(patient, date, distance)
    run = RunLog.objects.create(
        patient=patient,
        date=date,
        distance_km=distance,
        duration_min=duration,
        rpe=rpe or None,
        load_warning=warning,
        **pains,
    )
    walk_run_follow(patient=patient, run=run)
    return run


def _check_rpe(errors: dict, rpe) -> None:
    if rpe not in (None, "") and (
        isinstance(rpe, bool) or not isinstance(rpe, int) or not 1 <= rpe <= 10
    ):
        errors.setdefault("rpe", []).append(_("Effort is a whole number from 1 to 10."))


def _spike_warning(patient, date: dt.date, distance: Decimal) -> dict | None:
    """The run's spike warning against the runner's runs of the window before ``date``."""
    # Serialise a runner's run logs so two at once compare with the same history.
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    window_start = date - dt.timedelta(days=load.WINDOW_DAYS)
    previous = [
        (day, float(km))
        for day, km in RunLog.objects.filter(
            patient=patient, date__gte=window_start, date__lt=date
        ).values_list("date", "distance_km")
    ]
    return load.spike_warning(
        run_km=float(distance), previous_runs=previous, run_date=date, intake=_intake_run(locked)
    )


def _intake_run(patient) -> load.IntakeLongestRun | None:
    """The longest run the runner gave at intake, dated on the day the runner was registered."""
    km = (
        RunningProfile.objects.filter(patient=patient)
        .values_list("longest_run_km_30d", flat=True)
        .first()
    )
    if not km:
        return None
    return load.IntakeLongestRun(reported_on=timezone.localdate(patient.created_at), km=float(km))


@transaction.atomic
def run_next_morning(*, run: RunLog, pain: int) -> RunLog:
    """Record the next-morning pain of a run."""
    run.next_morning_pain = _morning_pain(pain)
    run.save(update_fields=["next_morning_pain"])
    walk_run_follow(patient=run.patient, run=run)
    return run
