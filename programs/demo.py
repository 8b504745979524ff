"""Demo data for seed_demo: the library, templates, and an active program with logs per runner."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from programs import services
from programs.models import Program, ProgramStatus, ProgramTemplate, RunLog

# runner, therapist, template, weeks of logs, pain during per session (oldest first).
DEMO_PROGRAMS = [
    ("runner1", "therapist1", "pfps_hip_knee", [1, 2, 1, 2, 1, 1, 2, 1, 1]),
    ("runner2", "therapist1", "achilles_hsr", [3, 4, 3, 4, 3, 4, 3, 4, 6]),
]
# Days ago and km: runner1's longest run of the last 30 days is 8 km.
DEMO_RUNS = {
    "runner1": [
        (26, 5.0),
        (23, 6.0),
        (19, 5.5),
        (16, 7.0),
        (12, 6.0),
        (9, 8.0),
        (5, 6.5),
        (2, 7.0),
    ],
    "runner2": [(20, 4.0), (13, 5.0), (6, 4.5)],
}


def _program_for(patient, therapist, template: ProgramTemplate) -> Program:
    existing = Program.objects.filter(patient=patient, template=template).first()
    if existing is not None:
        return existing
    program = services.program_create_from_template(
        patient=patient, therapist=therapist, template=template
    )
    try:
        services.program_publish(program=program, by=therapist, note="Demo program")
    except ValidationError:
        # The runner's screening blocks some loading: publish without it, as a therapist would.
        for item in program.items.select_related("exercise"):
            if item.exercise.loading_kinds:
                services.program_item_remove(item=item)
        services.program_publish(program=program, by=therapist, note="Demo program")
    return program


def _logs(program: Program, pains: list[int], today: dt.date) -> None:
    if program.sessions.exists():
        return
    # Three sessions a week (Mon/Wed/Fri pattern) going back from the day before yesterday.
    days = [today - dt.timedelta(days=2 + 2 * n + n // 3) for n in range(len(pains))][::-1]
    items = [i for i in program.current_version.items if i["phase"] == program.current_phase]
    for day, pain in zip(days, pains, strict=True):
        entries = [
            {
                "item_id": item["item_id"],
                "done": True,
                "pain_during": pain,
                "pain_after": pain,
                "difficulty": "ok",
            }
            for item in items
        ]
        session = services.session_log(program=program, date=day, entries=entries)
        # Settled by the next morning unless the session went over the tendon limit.
        services.session_next_morning(session=session, pain=0 if pain <= 5 else 2)


def _runs(patient, runs: list[tuple[int, float]], today: dt.date) -> None:
    if RunLog.objects.filter(patient=patient).exists():
        return
    for days_ago, km in runs:
        services.run_log(
            patient=patient,
            date=today - dt.timedelta(days=days_ago),
            distance_km=km,
            duration_min=round(km * 6, 1),
            rpe=4,
            pain_during=1,
            pain_after=1,
            next_morning_pain=0,
        )


@transaction.atomic
def seed(*, password: str) -> list[str]:
    """Load the library and give each demo runner an active program with logs; safe to rerun."""
    counts = services.library_load()
    users = get_user_model().objects.select_related("patient")
    today = timezone.localdate()
    lines = [f"Exercise library: {counts['exercises']} exercises, {counts['templates']} templates."]
    for runner_name, therapist_name, slug, pains in DEMO_PROGRAMS:
        runner = users.filter(username=runner_name).first()
        therapist = users.filter(username=therapist_name).first()
        patient = getattr(runner, "patient", None) if runner else None
        if patient is None or therapist is None:
            continue
        template = ProgramTemplate.objects.get(slug=slug)
        if Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).exclude(
            template=template
        ):
            continue
        program = _program_for(patient, therapist, template)
        _logs(program, pains, today)
        _runs(patient, DEMO_RUNS[runner_name], today)
        services.suggestions_generate(program=program)
        lines.append(f"  {runner_name}: active program “{program.title}” with logs.")
    return lines
