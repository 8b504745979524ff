"""The exercise library and program templates, loaded from programs/library/*.json."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from programs.models import Exercise, ProgramTemplate, TemplateItem, TemplateKind

LIBRARY_DIR = Path(__file__).resolve().parent.parent / "library"


def _read_library(name: str) -> dict:
    return json.loads((LIBRARY_DIR / name).read_text(encoding="utf-8"))


def _spanish_fields(exercises: list[dict]) -> dict[str, dict]:
    """exercises_es.json by slug as model fields; every exercise needs its Spanish, cue for cue."""
    spanish = _read_library("exercises_es.json")["exercises"]
    slugs = {data["slug"] for data in exercises}
    problems = [f"{slug}: not in exercises.json" for slug in sorted(set(spanish) - slugs)]
    problems += [f"{slug}: no Spanish text" for slug in sorted(slugs - set(spanish))]
    for data in exercises:
        text = spanish.get(data["slug"], {})
        if text and len(text["cues"]) != len(data["cues"]):
            problems.append(
                f"{data['slug']}: {len(text['cues'])} Spanish cues for {len(data['cues'])}"
            )
        if text and not (text["name"].strip() and text["instructions"].strip()):
            problems.append(f"{data['slug']}: blank Spanish name or instructions")
    if problems:
        raise ValueError("exercises_es.json: " + "; ".join(problems))
    return {
        slug: {"name_es": t["name"], "instructions_es": t["instructions"], "cues_es": t["cues"]}
        for slug, t in spanish.items()
    }


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
    """Load exercises.json (with its Spanish, exercises_es.json) and templates.json; safe to
    run again.

    Existing exercises keep the managers' edits unless ``update_existing``; templates are
    always refreshed from the files, since they are not edited in the app.
    """
    exercises = _read_library("exercises.json")["exercises"]
    spanish = _spanish_fields(exercises)
    created: set[str] = set()
    by_slug = {}
    for data in exercises:
        fields = _exercise_fields(data) | spanish[data["slug"]]
        exercise, was_created = Exercise.objects.get_or_create(slug=data["slug"], defaults=fields)
        if update_existing and not was_created:
            for field, value in fields.items():
                setattr(exercise, field, value)
            exercise.save()
        elif not was_created and not exercise.name_es:
            # An exercise loaded before the Spanish existed gets it; a manager's Spanish is kept.
            for field, value in spanish[data["slug"]].items():
                setattr(exercise, field, value)
            exercise.save(update_fields=list(spanish[data["slug"]]))
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
            "tissue_by_condition": data.get("tissue_by_condition") or {},
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
