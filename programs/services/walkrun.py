"""The walk-run plan as the runner follows it: the stage's runs, the next step, stepping back."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone, translation

from assessments import safety
from dangpt.dates import shown
from programs.models import Program, ProgramStatus, RunLog
from programs.rules import walkrun


def walk_run_counts_from(program: Program) -> dt.date | None:
    """The first day whose runs count toward the current stage (published, and stage set)."""
    days = [
        day
        for day in (
            # The clinic's day of publishing (UTC's runs a day ahead after 4 PM in Los Angeles).
            timezone.localdate(program.current_version.published_at)
            if program.current_version
            else None,
            program.walk_run_stage_since,
        )
        if day is not None
    ]
    return max(days, default=None)


def walk_run_suggestion(program: Program, runs) -> walkrun.StageSuggestion:
    """What to do next at the program's stage, from the runs logged since the stage started."""
    since = walk_run_counts_from(program)
    logs = [
        walkrun.RunPain(
            pain_during=r.pain_during,
            pain_after=r.pain_after,
            next_morning_pain=r.next_morning_pain,
            baseline_pain=program.baseline_pain,
            on=r.date,
        )
        for r in sorted(runs, key=lambda r: (r.date, r.pk))
        if since is None or r.date >= since
    ]
    return walkrun.suggest_advance(stage=program.walk_run_stage, logs=logs, tissue=program.tissue)


@transaction.atomic
def walk_run_follow(*, patient, run: RunLog) -> walkrun.StageSuggestion | None:
    """Step the stored stage back when a run broke the pain rule (clinical.md §7.5), and flag it.

    A step back is stored, so the runs before it never count toward the stage again: the runner
    builds up from the lower stage. Bone pain, or a breach that asks for a review, is flagged to
    the therapist on the program page. Returns the step back, or None when the plan goes on.
    """
    program = (
        Program.objects.select_for_update(of=("self",))
        .select_related("current_version")
        .filter(patient=patient, status=ProgramStatus.ACTIVE, walk_run_stage__gte=1)
        .first()
    )
    if program is None:
        return None
    since = walk_run_counts_from(program)
    if since is not None and run.date < since:
        return None
    runs = RunLog.objects.filter(patient=patient, date__gte=since or dt.date.min)
    suggestion = walk_run_suggestion(program, runs)
    if suggestion.action is not walkrun.StageAction.BACK:
        return None
    stage = suggestion.stage
    # The same gate as the settings: no stage past 0 while running is blocked.
    if stage >= 1 and safety.LoadingKind.RUNNING in safety.loading_blocks(patient_id=patient.pk):
        stage = 0
    if suggestion.code == "bone_pain" or suggestion.therapist_review:
        with translation.override("en"):  # the review note is staff text, in English
            on_day = shown(run.date)
        program.walk_run_review = (
            f"The run of {on_day} broke the pain rule at stage "
            f"{program.walk_run_stage}: the plan went back to stage {stage}. "
            + (
                "Bone pain: review the runner (and refer for imaging if it recurs) before "
                "the next run."
                if suggestion.code == "bone_pain"
                else "Review the runner."
            )
        )[:600]
    program.walk_run_stage = stage
    # The rest days do not count either: the lower stage starts after them.
    program.walk_run_stage_since = run.date + dt.timedelta(days=suggestion.rest_days + 1)
    program.save(update_fields=["walk_run_stage", "walk_run_stage_since", "walk_run_review"])
    return suggestion
