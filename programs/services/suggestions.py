"""Progression suggestions: proposed from the session logs, approved or dismissed by therapists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from assessments import safety
from dangpt.conditions import Condition
from programs.models import (
    Program,
    ProgramItem,
    ProgramVersion,
    ProgressionSuggestion,
    RunLog,
    SessionEntry,
    SuggestionStatus,
)
from programs.rules import progression, protocols
from programs.services.prescribing import program_item_update, program_publish


def program_bone_stress(program: Program) -> bool:
    """Whether the program is for a bone stress injury, or its runner has BSI evidence (any)."""
    if program.evaluation_id and program.evaluation.working_diagnosis == Condition.BSI:
        return True
    if program.template_id and program.template.condition == Condition.BSI:
        return True
    return safety.bone_stress_status(patient_id=program.patient_id) is not None


def item_tissue(
    program: Program, item: ProgramItem | None = None, *, bone_stress: bool | None = None
) -> str:
    """The pain rule of an item: the program's own rule, but bone for impact work after a BSI.

    ``bone_stress`` is ``program_bone_stress(program)`` when the caller already knows it (one
    look-up per program, not per item); None looks it up when the item is impact work.
    """
    tissue = program.tissue or (item.exercise.tissue if item else progression.Tissue.GENERAL)
    impact = item is not None and item.exercise.is_impact
    if impact and bone_stress is None:
        bone_stress = program_bone_stress(program)
    return progression.item_rule(tissue=tissue, impact=impact, bone_stress=bool(bone_stress))


def item_dosage(item: ProgramItem) -> progression.Dosage:
    """The item's dosage in the terms of the progression rules."""
    return progression.Dosage(
        sets=item.sets,
        reps=item.reps,
        hold_seconds=item.hold_seconds,
        load_kg=float(item.load_kg or 0),
        times_per_week=min(item.times_per_week, 7),
        max_hold_seconds=max(60, item.hold_seconds or 0),
    )


def _dosage_dict(dosage: progression.Dosage) -> dict:
    return {
        "sets": dosage.sets,
        "reps": dosage.reps,
        "hold_seconds": dosage.hold_seconds,
        "load_kg": dosage.load_kg,
        "times_per_week": dosage.times_per_week,
    }


@transaction.atomic
def suggestions_generate(*, program: Program) -> list[ProgressionSuggestion]:
    """Propose progress or regress per item of the current version from its session logs."""
    if program.current_version_id is None:
        return []
    version = program.current_version
    current_ids = [i["item_id"] for i in version.items if i.get("phase", 1) == version.phase]
    items = list(program.items.select_related("exercise").filter(pk__in=current_ids))
    since = _dosage_since(program, items)
    logs, started = _logs_since_dosage_change(program, items, since)
    today = timezone.localdate()
    # Silbernagel 2007: morning pain must not creep up week to week *while load rises*, so the
    # trend reads a fixed window of mornings that does not restart when a dose changes.
    mornings = _morning_pain_by_day(program, today - dt.timedelta(weeks=progression.TREND_WEEKS))
    pending = set(
        program.suggestions.filter(status=SuggestionStatus.PENDING).values_list("item", flat=True)
    )
    bone_stress = any(i.exercise.is_impact for i in items) and program_bone_stress(program)
    created = []
    for item in items:
        if item.pk in pending or not logs[item.pk]:
            continue
        suggestion = progression.suggest(
            tissue=item_tissue(program, item, bone_stress=bone_stress),
            logs=logs[item.pk],
            current=item_dosage(item),
            mornings=mornings,
            protocol=protocols.protocol_for(item.exercise.slug),
            protocol_week=(today - started[item.pk]).days // 7 + 1,
        )
        if suggestion.action == progression.Action.HOLD:
            continue
        created.append(
            ProgressionSuggestion.objects.create(
                program=program,
                item=item,
                action=suggestion.action.value,
                code=suggestion.code,
                reason=suggestion.reason,
                current_dosage=_dosage_dict(item_dosage(item)),
                proposed_dosage=_dosage_dict(suggestion.dosage),
                therapist_review=suggestion.therapist_review,
            )
        )
    return created


def _morning_pain_by_day(program: Program, since: dt.date) -> list[tuple[dt.date, int]]:
    """The runner's next-morning pain per day since ``since``: exercise sessions and runs.

    Two queries. A day with several scores (a session and a run) keeps the highest.
    """
    by_day: dict[dt.date, int] = {}
    sessions = SessionEntry.objects.filter(
        session__program=program, session__date__gte=since, next_morning_pain__isnull=False
    ).values_list("session__date", "next_morning_pain")
    runs = RunLog.objects.filter(
        patient_id=program.patient_id, date__gte=since, next_morning_pain__isnull=False
    ).values_list("date", "next_morning_pain")
    for day, pain in [*sessions, *runs]:
        by_day[day] = max(pain, by_day.get(day, 0))
    return sorted(by_day.items())


def _logs_since_dosage_change(
    program: Program, items: list[ProgramItem], since: dict[int, dt.date]
) -> tuple[dict[int, list[progression.SessionPain]], dict[int, dt.date]]:
    """Per item, its logged entries (oldest first) since its dosage last changed, and the day of
    its first logged session (where a trial protocol's calendar starts; today when none)."""
    logs: dict[int, list[progression.SessionPain]] = {item.pk: [] for item in items}
    started: dict[int, dt.date] = {}
    entries = (
        SessionEntry.objects.filter(session__program=program, item__in=list(logs))
        .select_related("session")
        .order_by("session__date")
    )
    for e in entries:
        started.setdefault(e.item_id, e.session.date)
        if e.session.date >= since[e.item_id]:
            logs[e.item_id].append(
                progression.SessionPain(
                    pain_during=e.pain_during,
                    pain_after=e.pain_after,
                    next_morning_pain=e.next_morning_pain,
                    baseline_pain=program.baseline_pain,
                    difficulty=e.difficulty or None,
                    completed=e.done,
                )
            )
    today = timezone.localdate()
    return logs, {item.pk: started.get(item.pk, today) for item in items}


def _dosage_since(program: Program, items: list[ProgramItem]) -> dict[int, dt.date]:
    """Per item, the day after its last approved suggestion (its dosage changed then), or forever.

    One query for all the items: this runs on every session the runner logs.
    """
    last = dict(
        program.suggestions.filter(item__in=items, status=SuggestionStatus.APPROVED)
        .order_by()
        .values("item")
        .annotate(last=Max("decided_at"))
        .values_list("item", "last")
    )
    return {
        item.pk: timezone.localdate(last[item.pk]) + dt.timedelta(days=1)
        if last.get(item.pk)
        else dt.date.min
        for item in items
    }


@transaction.atomic
def suggestion_approve(*, suggestion: ProgressionSuggestion, by) -> ProgramVersion:
    """Apply the proposed dosage to the item and publish a new version in one step."""
    suggestion = ProgressionSuggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.status != SuggestionStatus.PENDING:
        raise ValidationError({"__all__": ["This suggestion was already decided."]})
    proposed = suggestion.proposed_dosage
    load_kg = proposed.get("load_kg") or 0
    item = suggestion.item
    program_item_update(
        item=item,
        sets=proposed["sets"],
        reps=proposed.get("reps"),
        hold_seconds=proposed.get("hold_seconds"),
        load_kg=Decimal(str(load_kg)) if load_kg or item.load_kg is not None else None,
        # Dosage caps frequency at 7 (daily); twice- or thrice-daily items keep theirs.
        times_per_week=item.times_per_week
        if item.times_per_week > 7 and proposed["times_per_week"] == 7
        else proposed["times_per_week"],
    )
    note = f"{suggestion.get_action_display()} {item.exercise.name} (suggestion approved)"
    version = program_publish(program=suggestion.program, by=by, note=note)
    suggestion.status = SuggestionStatus.APPROVED
    suggestion.decided_by = by
    suggestion.decided_at = timezone.now()
    suggestion.version = version
    suggestion.save(update_fields=["status", "decided_by", "decided_at", "version"])
    return version


@transaction.atomic
def suggestion_dismiss(*, suggestion: ProgressionSuggestion, by) -> ProgressionSuggestion:
    """Dismiss a pending suggestion; the dosage stays as it is."""
    updated = ProgressionSuggestion.objects.filter(
        pk=suggestion.pk, status=SuggestionStatus.PENDING
    ).update(status=SuggestionStatus.DISMISSED, decided_by=by, decided_at=timezone.now())
    if not updated:
        raise ValidationError({"__all__": ["This suggestion was already decided."]})
    suggestion.refresh_from_db()
    return suggestion
