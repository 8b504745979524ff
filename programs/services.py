"""Every write of the programs app: library, prescribing, publishing and the runner's logs."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from programs.models import (
    IMPACT_TAGS,
    Difficulty,
    Exercise,
    Program,
    ProgramItem,
    ProgramStatus,
    ProgramTemplate,
    ProgramVersion,
    ProgressionSuggestion,
    RunLog,
    SessionEntry,
    SessionLog,
    SuggestionStatus,
    TemplateItem,
    TemplateKind,
    therapist_patients,
)
from programs.rules import load, progression
from programs.versions import diff_items, snapshot_item

LIBRARY_DIR = Path(__file__).resolve().parent / "library"
ITEM_FIELDS = (
    "sets",
    "reps",
    "hold_seconds",
    "load",
    "load_kg",
    "tempo",
    "times_per_week",
    "side",
    "notes",
    "phase",
)


# --- Library -------------------------------------------------------------------------------


def _read_library(name: str) -> dict:
    return json.loads((LIBRARY_DIR / name).read_text(encoding="utf-8"))


def _exercise_fields(data: dict) -> dict:
    return {
        "name": data["name"],
        "category": data["category"],
        "regions": data["regions"],
        "conditions": data["conditions"],
        "tissue": data["tissue"],
        "instructions": data["instructions"],
        "cues": data["cues"],
        "target": data["target"],
        "default_dosage": data["default_dosage"],
        "contraindication_tags": data["contraindication_tags"],
        "illustration": data["illustration"] or "",
        "video_url": data["video_url"] or "",
        "reference": data["reference"] or "",
    }


@transaction.atomic
def library_load(*, update_existing: bool = False) -> dict[str, int]:
    """Load exercises.json and templates.json into the tables; safe to run again.

    Existing exercises keep the managers' edits unless ``update_existing``; templates are
    always refreshed from the files, since they are not edited in the app.
    """
    exercises = _read_library("exercises.json")["exercises"]
    created: set[str] = set()
    by_slug = {}
    for data in exercises:
        exercise, was_created = Exercise.objects.get_or_create(
            slug=data["slug"], defaults=_exercise_fields(data)
        )
        if update_existing and not was_created:
            for field, value in _exercise_fields(data).items():
                setattr(exercise, field, value)
            exercise.save()
        if was_created:
            created.add(exercise.slug)
        by_slug[data["slug"]] = exercise
    for data in exercises:
        if data["slug"] in created or update_existing:
            exercise = by_slug[data["slug"]]
            exercise.progression = by_slug.get(data["progression"] or "")
            exercise.regression = by_slug.get(data["regression"] or "")
            exercise.save(update_fields=["progression", "regression"])
    templates = _read_library("templates.json")["templates"]
    for data in templates:
        _template_load(data, by_slug)
    return {
        "exercises": len(exercises),
        "exercises_created": len(created),
        "templates": len(templates),
    }


def _template_load(data: dict, by_slug: dict[str, Exercise]) -> ProgramTemplate:
    is_walk_run = data["kind"] == TemplateKind.WALK_RUN
    phases = data["stages"] if is_walk_run else data["phases"]
    template, _ = ProgramTemplate.objects.update_or_create(
        slug=data["slug"],
        defaults={
            "name": data["name"],
            "kind": data["kind"],
            "condition": data.get("condition") or "",
            "tissue": data.get("tissue") or "",
            "summary": data.get("summary", ""),
            "reference": data.get("reference", ""),
            "duration_weeks": data.get("duration_weeks"),
            "education": data.get("education", []),
            "phases": [{k: v for k, v in p.items() if k != "items"} for p in phases],
        },
    )
    template.items.all().delete()
    rows = []
    for phase in phases:
        number = phase["stage"] if is_walk_run else phase["phase"]
        for order, item in enumerate(phase["items"]):
            rows.append(
                TemplateItem(
                    template=template,
                    exercise=by_slug[item["exercise"]],
                    # Walk-run stage n is phase n + 1, as phases start at 1.
                    phase=number + 1 if is_walk_run else number,
                    order=order,
                    dosage=item.get("dosage", {}),
                    notes=item.get("note", ""),
                )
            )
    TemplateItem.objects.bulk_create(rows)
    return template


# --- Prescribing ---------------------------------------------------------------------------


def _dosage_fields(exercise: Exercise, override: dict | None = None) -> dict:
    dosage = {**exercise.default_dosage, **(override or {})}
    reps, hold = dosage.get("reps"), dosage.get("hold_seconds")
    if reps is None and hold is None:
        reps = 10
    return {
        "sets": dosage.get("sets") or 1,
        "reps": reps,
        "hold_seconds": hold,
        "load": dosage.get("load") or "",
        "tempo": dosage.get("tempo") or "",
        "times_per_week": dosage.get("times_per_week") or 3,
        "side": dosage.get("side") or "both",
    }


def _check_therapist_patient(therapist, patient) -> None:
    if not therapist_patients(therapist).filter(pk=patient.pk).exists():
        raise ValidationError({"patient": ["Choose one of your patients."]})


@transaction.atomic
def program_create_blank(
    *, patient, therapist, title: str, tissue: str, evaluation=None
) -> Program:
    """A new draft program without items, tied to the patient and optionally an evaluation."""
    _check_therapist_patient(therapist, patient)
    if tissue not in progression.PAIN_RULES:
        raise ValidationError({"tissue": ["Choose a pain rule."]})
    if evaluation is not None and evaluation.patient_id != patient.pk:
        raise ValidationError({"evaluation": ["Choose an evaluation of this runner."]})
    return Program.objects.create(
        patient=patient,
        therapist=therapist,
        title=title.strip() or "Home program",
        tissue=tissue,
        evaluation=evaluation,
    )


@transaction.atomic
def program_create_from_template(
    *,
    patient,
    therapist,
    template: ProgramTemplate,
    tissue: str = "",
    title: str = "",
    evaluation=None,
) -> Program:
    """A new draft program with the template's items, phase by phase (walk-run: stage 1)."""
    tissue = tissue or template.tissue or progression.Tissue.SOFT_TISSUE.value
    program = program_create_blank(
        patient=patient,
        therapist=therapist,
        title=title or template.name,
        tissue=tissue,
        evaluation=evaluation,
    )
    program.template = template
    items = template.items.select_related("exercise")
    if template.kind == TemplateKind.WALK_RUN:
        # Stage 1 of the walk-run plan; the stage advances from the run logs.
        items = items.filter(phase=2)
        program.walk_run_stage = 1
    program.save(update_fields=["template", "walk_run_stage"])
    orders: dict[int, int] = {}
    rows = []
    for t_item in items:
        phase = 1 if template.kind == TemplateKind.WALK_RUN else t_item.phase
        orders[phase] = orders.get(phase, -1) + 1
        rows.append(
            ProgramItem(
                program=program,
                exercise=t_item.exercise,
                phase=phase,
                order=orders[phase],
                notes=t_item.notes,
                **_dosage_fields(t_item.exercise, t_item.dosage),
            )
        )
    ProgramItem.objects.bulk_create(rows)
    return program


@transaction.atomic
def program_update(
    *,
    program: Program,
    title: str,
    tissue: str,
    baseline_pain: int,
    current_phase: int,
    walk_run_stage: int | None,
) -> Program:
    """Change the program's title, pain rule, baseline, phase and walk-run stage (draft)."""
    if tissue not in progression.PAIN_RULES:
        raise ValidationError({"tissue": ["Choose a pain rule."]})
    if not 0 <= baseline_pain <= 10:
        raise ValidationError({"baseline_pain": ["Usual pain is a whole number from 0 to 10."]})
    if current_phase < 1:
        raise ValidationError({"current_phase": ["Phases start at 1."]})
    if walk_run_stage is not None and not 0 <= walk_run_stage <= 8:
        raise ValidationError({"walk_run_stage": ["Walk-run stages are 0 to 8."]})
    program.title = title.strip() or program.title
    program.tissue = tissue
    program.baseline_pain = baseline_pain
    program.current_phase = current_phase
    program.walk_run_stage = walk_run_stage
    program.save()
    return program


def _check_item_values(values: dict) -> None:
    errors = {}
    if values.get("reps") is None and values.get("hold_seconds") is None:
        errors["reps"] = ["Give reps, a hold time, or both."]
    if not values.get("sets") or values["sets"] < 1:
        errors["sets"] = ["At least 1 set."]
    if not 1 <= (values.get("times_per_week") or 0) <= 21:
        errors["times_per_week"] = ["From 1 to 21 times a week (21 is three times a day)."]
    if (values.get("phase") or 0) < 1:
        errors["phase"] = ["Phases start at 1."]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def program_item_add(*, program: Program, exercise: Exercise, phase: int = 1) -> ProgramItem:
    """Add an exercise at the end of a phase, with its default dosage."""
    Program.objects.select_for_update().get(pk=program.pk)
    last = program.items.filter(phase=phase).aggregate(m=Max("order"))["m"]
    values = _dosage_fields(exercise)
    values["phase"] = phase
    _check_item_values(values)
    return ProgramItem.objects.create(
        program=program, exercise=exercise, order=0 if last is None else last + 1, **values
    )


@transaction.atomic
def program_item_update(*, item: ProgramItem, **values) -> ProgramItem:
    """Change an item's dosage, side, notes or phase."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise ValueError(f"Unknown item fields: {sorted(unknown)}")
    merged = {field: getattr(item, field) for field in ITEM_FIELDS} | values
    _check_item_values(merged)
    if merged["phase"] != item.phase:
        last = item.program.items.filter(phase=merged["phase"]).aggregate(m=Max("order"))["m"]
        item.order = 0 if last is None else last + 1
    for field, value in values.items():
        setattr(item, field, value)
    item.save()
    return item


@transaction.atomic
def program_item_remove(*, item: ProgramItem) -> None:
    """Take an item out of the working copy; published versions keep it."""
    item.delete()


@transaction.atomic
def program_items_reorder(*, program: Program, item_ids: list[int]) -> None:
    """Put the program's items in the given order (numbered within each phase)."""
    items = {item.pk: item for item in program.items.select_for_update()}
    if sorted(item_ids) != sorted(items) or len(set(item_ids)) != len(item_ids):
        raise ValidationError({"items": ["Give every item of the program exactly once."]})
    counters: dict[int, int] = {}
    for pk in item_ids:
        item = items[pk]
        item.order = counters.get(item.phase, 0)
        counters[item.phase] = item.order + 1
    ProgramItem.objects.bulk_update(items.values(), ["order"])


@transaction.atomic
def program_item_move(*, item: ProgramItem, direction: str) -> None:
    """Move an item one place up or down within its phase."""
    if direction not in ("up", "down"):
        raise ValidationError({"direction": ["Move up or down."]})
    ids = list(item.program.items.order_by("phase", "order", "id").values_list("pk", "phase"))
    same_phase = [pk for pk, phase in ids if phase == item.phase]
    index = same_phase.index(item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(same_phase):
        same_phase[index], same_phase[target] = same_phase[target], same_phase[index]
    others = [pk for pk, phase in ids if phase != item.phase]
    program_items_reorder(program=item.program, item_ids=others + same_phase)


# --- Publishing ----------------------------------------------------------------------------


def _impact_block_reason(patient_id: int) -> str | None:
    """The screening safety gate of the assessments app (another issue owns it)."""
    from assessments.safety import impact_block_reason

    return impact_block_reason(patient_id=patient_id)


def _safety_gate(program: Program, items: list[ProgramItem]) -> None:
    impact = [item for item in items if set(IMPACT_TAGS) & set(item.exercise.contraindication_tags)]
    if not impact:
        return
    reason = _impact_block_reason(program.patient_id)
    if reason:
        names = ", ".join(item.exercise.name for item in impact)
        raise ValidationError(
            {
                "items": [
                    f"Impact and running exercises cannot be published yet ({names}): {reason} "
                    "Acknowledge the screening first, or remove these exercises."
                ]
            }
        )


@transaction.atomic
def program_publish(*, program: Program, by, note: str = "") -> ProgramVersion:
    """Publish the working copy as a new version; the runner sees it from now on."""
    given, program = (
        program,
        (
            Program.objects.select_for_update(of=("self",))
            .select_related("current_version")
            .get(pk=program.pk)
        ),
    )
    if program.status == ProgramStatus.ENDED:
        raise ValidationError({"__all__": ["This program has ended; prescribe a new one."]})
    items = list(program.items.select_related("exercise").order_by("phase", "order", "id"))
    if not items:
        raise ValidationError({"items": ["Add at least one exercise before publishing."]})
    _safety_gate(program, items)
    if (
        program.status == ProgramStatus.DRAFT
        and Program.objects.filter(patient=program.patient_id, status=ProgramStatus.ACTIVE)
        .exclude(pk=program.pk)
        .exists()
    ):
        raise ValidationError(
            {"__all__": ["This runner already has an active program; end it before publishing."]}
        )
    snapshot = [snapshot_item(item, order) for order, item in enumerate(items)]
    previous = program.current_version
    if previous is not None:
        changes = diff_items(
            previous.items, snapshot, old_phase=previous.phase, new_phase=program.current_phase
        )
        if not changes:
            raise ValidationError({"__all__": ["Nothing changed since the last version."]})
    else:
        changes = ["First version"]
    version = ProgramVersion.objects.create(
        program=program,
        number=(previous.number + 1) if previous else 1,
        published_by=by,
        published_at=timezone.now(),
        phase=program.current_phase,
        note=note.strip()[:300],
        items=snapshot,
        changes=changes,
    )
    program.current_version = version
    program.status = ProgramStatus.ACTIVE
    try:
        with transaction.atomic():
            program.save(update_fields=["current_version", "status"])
    except IntegrityError as exc:
        # Two drafts of one runner published at the same moment: the database keeps one active.
        if "program_one_active_per_patient" not in str(exc):
            raise
        raise ValidationError(
            {"__all__": ["This runner already has an active program; end it before publishing."]}
        ) from exc
    given.current_version, given.status = version, program.status
    return version


@transaction.atomic
def program_end(*, program: Program) -> Program:
    """End a program; the runner keeps their logs, and a new program can be published."""
    if program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"__all__": ["Only an active program can be ended."]})
    program.status = ProgramStatus.ENDED
    program.save(update_fields=["status"])
    ProgressionSuggestion.objects.filter(program=program, status=SuggestionStatus.PENDING).update(
        status=SuggestionStatus.DISMISSED, decided_at=timezone.now()
    )
    return program


# --- The runner's logs ---------------------------------------------------------------------


def _pain(errors: dict, name: str, value) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        errors.setdefault(name, []).append("Pain is a whole number from 0 to 10.")
        return None
    return value


def _check_day(errors: dict, name: str, day: dt.date) -> None:
    today = timezone.localdate()
    if day > today:
        errors.setdefault(name, []).append("The date cannot be in the future.")
    elif day < today - dt.timedelta(days=365):
        errors.setdefault(name, []).append("The date is more than a year ago.")


@transaction.atomic
def session_log(
    *, program: Program, date: dt.date, entries: list[dict], notes: str = ""
) -> SessionLog:
    """Store (or update) the day's session: per item done, pain during/after and difficulty."""
    if program.current_version_id is None or program.status != ProgramStatus.ACTIVE:
        raise ValidationError({"__all__": ["There is no active program to log against."]})
    errors: dict[str, list[str]] = {}
    _check_day(errors, "date", date)
    version = program.current_version
    items = {i["item_id"]: i for i in version.items if i.get("phase", 1) == version.phase}
    rows = {}
    for entry in entries:
        item_id = entry.get("item_id")
        if item_id not in items:
            errors.setdefault("entries", []).append(f"Item {item_id} is not in today's program.")
            continue
        difficulty = entry.get("difficulty") or ""
        if difficulty and difficulty not in Difficulty.values:
            errors.setdefault("difficulty", []).append("Choose easy, about right or hard.")
        rows[item_id] = {
            "done": bool(entry.get("done")),
            "pain_during": _pain(errors, "pain_during", entry.get("pain_during")),
            "pain_after": _pain(errors, "pain_after", entry.get("pain_after")),
            "difficulty": difficulty,
        }
    if not rows and not errors:
        errors["entries"] = ["Log at least one exercise."]
    if errors:
        raise ValidationError(errors)
    session, _ = SessionLog.objects.update_or_create(
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
    errors: dict[str, list[str]] = {}
    value = _pain(errors, "next_morning_pain", pain)
    if value is None and not errors:
        errors["next_morning_pain"] = ["Give the pain this morning, 0 to 10."]
    if errors:
        raise ValidationError(errors)
    session.entries.filter(done=True).update(next_morning_pain=value)
    suggestions_generate(program=session.program)
    return session


def _decimal(errors: dict, name: str, value, *, places: int, top: int) -> Decimal | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError):
        errors.setdefault(name, []).append("Enter a number.")
        return None
    if not number.is_finite() or number <= 0:
        errors.setdefault(name, []).append("Must be more than 0.")
        return None
    if number >= top:
        errors.setdefault(name, []).append(f"Must be less than {top}.")
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
    _check_day(errors, "date", date)
    distance = _decimal(errors, "distance_km", distance_km, places=2, top=1000)
    duration = _decimal(errors, "duration_min", duration_min, places=1, top=10000)
    if rpe not in (None, "") and (
        isinstance(rpe, bool) or not isinstance(rpe, int) or not 1 <= rpe <= 10
    ):
        errors.setdefault("rpe", []).append("Effort is a whole number from 1 to 10.")
    pains = {
        name: _pain(errors, name, value)
        for name, value in (
            ("pain_during", pain_during),
            ("pain_after", pain_after),
            ("next_morning_pain", next_morning_pain),
        )
    }
    if distance is not None and distance == 0:
        errors.setdefault("distance_km", []).append("Must be more than 0.")
    if errors:
        raise ValidationError(errors)
    # Serialise a runner's run logs so two at once compare with the same history.
    from patients.models import Patient

    Patient.objects.select_for_update().get(pk=patient.pk)
    window_start = date - dt.timedelta(days=load.WINDOW_DAYS)
    previous = [
        (day, float(km))
        for day, km in RunLog.objects.filter(
            patient=patient, date__gte=window_start, date__lt=date
        ).values_list("date", "distance_km")
    ]
    warning = load.spike_warning(run_km=float(distance), previous_runs=previous, run_date=date)
    return RunLog.objects.create(
        patient=patient,
        date=date,
        distance_km=distance,
        duration_min=duration,
        rpe=rpe or None,
        load_warning=warning,
        **pains,
    )


@transaction.atomic
def run_next_morning(*, run: RunLog, pain: int) -> RunLog:
    """Record the next-morning pain of a run."""
    errors: dict[str, list[str]] = {}
    value = _pain(errors, "next_morning_pain", pain)
    if value is None and not errors:
        errors["next_morning_pain"] = ["Give the pain this morning, 0 to 10."]
    if errors:
        raise ValidationError(errors)
    run.next_morning_pain = value
    run.save(update_fields=["next_morning_pain"])
    return run


# --- Progression suggestions ---------------------------------------------------------------


def item_tissue(program: Program, item: ProgramItem | None = None) -> str:
    """The pain rule of an item: the program's own rule takes precedence over the exercise's."""
    return program.tissue or (item.exercise.tissue if item else progression.Tissue.GENERAL)


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
    items = program.items.select_related("exercise").filter(pk__in=current_ids)
    entries: dict[int, list[SessionEntry]] = {}
    for entry in (
        SessionEntry.objects.filter(session__program=program, item__in=current_ids)
        .select_related("session")
        .order_by("session__date")
    ):
        entries.setdefault(entry.item_id, []).append(entry)
    pending = set(
        program.suggestions.filter(status=SuggestionStatus.PENDING).values_list("item", flat=True)
    )
    created = []
    for item in items:
        if item.pk in pending:
            continue
        # Only sessions since the item's dosage last changed count towards its progression.
        logs = [
            progression.SessionPain(
                pain_during=e.pain_during,
                pain_after=e.pain_after,
                next_morning_pain=e.next_morning_pain,
                baseline_pain=program.baseline_pain,
                difficulty=e.difficulty or None,
                completed=e.done,
            )
            for e in entries.get(item.pk, [])
            if e.session.date >= _dosage_since(program, item)
        ]
        if not logs:
            continue
        suggestion = progression.suggest(
            tissue=item_tissue(program, item), logs=logs, current=item_dosage(item)
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


def _dosage_since(program: Program, item: ProgramItem) -> dt.date:
    """The day of the last decided suggestion of the item (its dosage changed then), or forever."""
    last = (
        program.suggestions.filter(item=item, status=SuggestionStatus.APPROVED)
        .order_by("-decided_at")
        .values_list("decided_at", flat=True)
        .first()
    )
    return timezone.localdate(last) + dt.timedelta(days=1) if last else dt.date.min


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
