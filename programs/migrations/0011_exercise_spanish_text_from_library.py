"""Give the exercises already in the database their Spanish text from exercises_es.json (a
manager's own Spanish is kept); the reverse blanks it again."""

import json
from pathlib import Path

from django.db import migrations

SPANISH = Path(__file__).resolve().parent.parent / "library" / "exercises_es.json"


def fill_spanish(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    texts = json.loads(SPANISH.read_text(encoding="utf-8"))["exercises"]
    for exercise in Exercise.objects.filter(slug__in=list(texts), name_es=""):
        text = texts[exercise.slug]
        exercise.name_es = text["name"]
        exercise.instructions_es = text["instructions"]
        exercise.cues_es = text["cues"]
        exercise.save(update_fields=["name_es", "instructions_es", "cues_es"])


def blank_spanish(apps, schema_editor):
    Exercise = apps.get_model("programs", "Exercise")
    Exercise.objects.update(name_es="", instructions_es="", cues_es=[])


class Migration(migrations.Migration):
    dependencies = [("programs", "0010_exercise_spanish_text")]

    operations = [migrations.RunPython(fill_spanish, blank_spanish)]
