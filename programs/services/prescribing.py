"""Prescribing: a therapist's draft program, its items, publishing versions and ending it."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from assessments import safety
from dangpt import clinical_ranges
from dangpt.conditions import Condition
from dangpt.text import text_within
from programs.models import (
    DOSE_FIELDS,
    ITEM_RANGES,
    REPS_OR_HOLD_MESSAGE,
    Exercise,
    Program,
    ProgramItem,
    ProgramStatus,
    ProgramTemplate,
    ProgramVersion,
    ProgressionSuggestion,
    SuggestionStatus,
    TemplateKind,
    therapist_patients,
)
from programs.rules import progression
from programs.versions import diff_items, snapshot_item

SETTINGS_RANGES = {
    "baseline_pain": "program.baseline_pain",
    "current_phase": "program.current_phase",
    "walk_run_stage": "program.walk_run_stage",
}

# The database's rule that a runner has one active program (programs.Program's constraints).
ONE_ACTIVE = "program_one_active_per_patient"
ONE_ACTIVE_MESSAGE = "This runner already has an active program; end it before publishing."


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


BONE_RULE_MESSAGE = (
    "After a possible or diagnosed bone stress injury the walk-run plan uses the bone rule "
    "(no pain during, after or the next morning)."
)


def _bone_stress(patient_id: int) -> bool:
    return safety.bone_stress_status(patient_id=patient_id) is not None


def _walk_run_tissue(template: ProgramTemplate, patient, evaluation, tissue: str) -> str:
    """The walk-run plan's pain rule: the template's rule for the runner's condition."""
    condition = evaluation.working_diagnosis if evaluation is not None else ""
    if _bone_stress(patient.pk):
        condition = Condition.BSI
    by_condition = template.tissue_by_condition.get(condition)
    if condition == Condition.BSI and tissue and tissue != by_condition:
        raise ValidationError({"tissue": [BONE_RULE_MESSAGE]})
    return tissue or by_condition or progression.Tissue.SOFT_TISSUE.value


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
    """A new draft program with the template's items, phase by phase.

    Walk-run: the pain rule comes from the template's ``tissue_by_condition`` (bone after a bone
    stress injury), and the plan starts at stage 0 (prerequisites) while running is blocked.
    """
    if template.kind == TemplateKind.WALK_RUN:
        tissue = _walk_run_tissue(template, patient, evaluation, tissue)
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
        # The stage-1 session; the stage advances from the run logs once running is allowed.
        items = items.filter(phase=2)
        blocked = safety.LoadingKind.RUNNING in safety.loading_blocks(patient_id=patient.pk)
        program.walk_run_stage = 0 if blocked else 1
        program.walk_run_stage_since = timezone.localdate()
    program.save(update_fields=["template", "walk_run_stage", "walk_run_stage_since"])
    ProgramItem.objects.bulk_create(_items_from_template(program, items, template.kind))
    return program


def _items_from_template(program: Program, template_items, kind: str) -> list[ProgramItem]:
    """The program's items for the template's, numbered per phase (walk-run: all in phase 1)."""
    orders: dict[int, int] = {}
    rows = []
    for t_item in template_items:
        phase = 1 if kind == TemplateKind.WALK_RUN else t_item.phase
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
    return rows


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
    errors = clinical_ranges.problems(
        {
            "baseline_pain": baseline_pain,
            "current_phase": current_phase,
            "walk_run_stage": walk_run_stage,
        },
        SETTINGS_RANGES,
    )
    if errors:
        raise ValidationError(errors)
    _walk_run_gate(program, walk_run_stage=walk_run_stage, tissue=tissue)
    program.title = title.strip() or program.title
    program.tissue = tissue
    program.baseline_pain = baseline_pain
    program.current_phase = current_phase
    if walk_run_stage != program.walk_run_stage:
        # Runs logged before the stage was set do not count toward it.
        program.walk_run_stage_since = timezone.localdate() if walk_run_stage is not None else None
    program.walk_run_stage = walk_run_stage
    # Saving the settings is the therapist's review of a plan that stepped back on its own.
    program.walk_run_review = ""
    program.save()
    return program


def _walk_run_gate(program: Program, *, walk_run_stage: int | None, tissue: str) -> None:
    """Refuse a walk-run stage past 0 while running is blocked, and a soft rule after a BSI."""
    if walk_run_stage is None:
        return
    if tissue != progression.Tissue.BONE and _bone_stress(program.patient_id):
        raise ValidationError({"tissue": [BONE_RULE_MESSAGE]})
    if walk_run_stage == 0:
        return
    reason = safety.loading_blocks(patient_id=program.patient_id).get(safety.LoadingKind.RUNNING)
    if reason:
        raise ValidationError(
            {
                "walk_run_stage": [
                    f"Walk-run stage {walk_run_stage} cannot be given yet: {reason} "
                    "Stage 0 (prerequisites) can be set meanwhile."
                ]
            }
        )


def _check_item_values(values: dict) -> None:
    errors = clinical_ranges.problems(
        values, {name: f"program_item.{name}" for name in ITEM_RANGES}
    )
    for name, null in ITEM_RANGES.items():
        if not null and values.get(name) is None:
            errors.setdefault(
                name, [f"{clinical_ranges.bound(f'program_item.{name}').label} is required."]
            )
    if values.get("reps") is None and values.get("hold_seconds") is None:
        errors.setdefault("reps", [REPS_OR_HOLD_MESSAGE])
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
    unknown = set(values) - set(DOSE_FIELDS)
    if unknown:
        raise ValueError(f"Unknown item fields: {sorted(unknown)}")
    merged = {field: getattr(item, field) for field in DOSE_FIELDS} | values
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


def _shown_items(program: Program, items: list[ProgramItem]) -> list[ProgramItem]:
    """The items a published version shows the runner: those of the current phase."""
    return [item for item in items if item.phase == program.current_phase]


def _template_phase(program: Program) -> dict:
    if program.template is None or program.template.kind != TemplateKind.PROGRAM:
        return {}
    phases = {p.get("phase"): p for p in program.template.phases}
    return phases.get(program.current_phase, {})


def _loading_problems(program: Program, items: list[ProgramItem], blocks: dict) -> list[str]:
    blocked = [item for item in items if item.exercise.loading_kinds & blocks.keys()]
    if not blocked:
        return []
    kinds = sorted(set().union(*(item.exercise.loading_kinds & blocks.keys() for item in blocked)))
    names = ", ".join(item.exercise.name for item in blocked)
    what = "; ".join(safety.LOADING_WORDS[safety.LoadingKind(kind)] for kind in kinds)
    reasons = " ".join(dict.fromkeys(blocks[kind] for kind in kinds))
    return [
        f"These exercises cannot be published yet ({names}), as {what} is blocked: {reasons} "
        "Remove them, or resolve the block first."
    ]


def _safety_gate(program: Program, items: list[ProgramItem]) -> None:
    """Refuse to publish loading that a red flag or an uncleared bone stress injury blocks."""
    blocks = safety.loading_blocks(patient_id=program.patient_id)
    problems = _loading_problems(program, _shown_items(program, items), blocks)
    stage = program.walk_run_stage or 0
    if (
        program.walk_run_stage is not None
        and program.tissue != progression.Tissue.BONE
        and _bone_stress(program.patient_id)
    ):
        problems.append(BONE_RULE_MESSAGE)
    if stage >= 1 and safety.LoadingKind.RUNNING in blocks:
        problems.append(f"Walk-run stage {stage} cannot be given yet: {blocks['running']}")
    if _template_phase(program).get("clearance_required") and not _cleared(program):
        problems.append(
            f"Phase {program.current_phase} of this template starts only after a return-to-run "
            "clearance is recorded on the runner's chart."
        )
    if problems:
        raise ValidationError({"items": problems})


def _cleared(program: Program) -> bool:
    return safety.return_to_run_clearance(patient_id=program.patient_id) is not None


def _constraint_name(exc: IntegrityError) -> str | None:
    return getattr(getattr(exc.__cause__, "diag", None), "constraint_name", None)


def _publishable_items(program: Program) -> list[ProgramItem]:
    """The working copy's items, once the program may be published (locked by the caller)."""
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
        raise ValidationError({"__all__": [ONE_ACTIVE_MESSAGE]})
    return items


def _changes_since(previous: ProgramVersion | None, snapshot: list[dict], phase: int) -> list[str]:
    if previous is None:
        return ["First version"]
    changes = diff_items(previous.items, snapshot, old_phase=previous.phase, new_phase=phase)
    if not changes:
        raise ValidationError({"__all__": ["Nothing changed since the last version."]})
    return changes


def _save_published(program: Program) -> None:
    try:
        with transaction.atomic():
            program.save(update_fields=["current_version", "status"])
    except IntegrityError as exc:
        # Two drafts of one runner published at the same moment: the database keeps one active.
        # The constraint's name comes from the driver, as booking reads it, never from the text.
        if _constraint_name(exc) != ONE_ACTIVE:
            raise
        raise ValidationError({"__all__": [ONE_ACTIVE_MESSAGE]}) from exc


@transaction.atomic
def program_publish(*, program: Program, by, note: str = "") -> ProgramVersion:
    """Publish the working copy as a new version; the runner sees it from now on."""
    locked = (
        Program.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .get(pk=program.pk)
    )
    snapshot = [snapshot_item(item, n) for n, item in enumerate(_publishable_items(locked))]
    previous = locked.current_version
    version = ProgramVersion.objects.create(
        program=locked,
        number=(previous.number + 1) if previous else 1,
        published_by=by,
        published_at=timezone.now(),
        phase=locked.current_phase,
        note=text_within(note, limit=300, field="note"),
        items=snapshot,
        changes=_changes_since(previous, snapshot, locked.current_phase),
    )
    locked.current_version = version
    locked.status = ProgramStatus.ACTIVE
    _save_published(locked)
    program.current_version, program.status = version, locked.status
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
