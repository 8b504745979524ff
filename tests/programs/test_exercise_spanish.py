"""Exercises in Spanish: the library's Spanish text, its loading, and the runner's cards."""

import json
from html import unescape

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from patients.models import Language, Patient
from programs import services
from programs.models import Exercise
from programs.services import library as library_service
from tests.programs.factories import ExerciseFactory, program_with_items

pytestmark = pytest.mark.django_db


def test_every_library_exercise_loads_with_its_spanish_text():
    """Each of the 69 exercises has a Spanish name, instructions and as many cues as in English."""
    services.library_load()
    exercises = list(Exercise.objects.all())
    assert len(exercises) == 69
    for exercise in exercises:
        assert exercise.name_es and exercise.instructions_es, exercise.slug
        assert len(exercise.cues_es) == len(exercise.cues), exercise.slug
    squat = Exercise.objects.get(slug="box_squat")
    assert squat.name_es == "Sentadilla a un cajón"
    assert "rótula" in squat.instructions_es


def test_reload_fills_spanish_of_older_rows_and_keeps_a_managers_spanish():
    """A row loaded before the Spanish gets it; a manager's own Spanish survives a reload."""
    services.library_load()
    Exercise.objects.filter(slug="clamshell").update(name_es="Almeja con banda")
    Exercise.objects.filter(slug="side_plank").update(name_es="", instructions_es="", cues_es=[])
    services.library_load()
    assert Exercise.objects.get(slug="clamshell").name_es == "Almeja con banda"
    assert Exercise.objects.get(slug="side_plank").name_es == "Plancha lateral"


def test_spanish_file_with_a_missing_cue_is_refused(tmp_path, monkeypatch):
    """A Spanish entry with fewer cues than the English one stops the load, naming it."""
    for name in ("exercises.json", "templates.json"):
        (tmp_path / name).write_text(
            (library_service.LIBRARY_DIR / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    spanish = json.loads((library_service.LIBRARY_DIR / "exercises_es.json").read_text())
    spanish["exercises"]["clamshell"]["cues"].pop()
    (tmp_path / "exercises_es.json").write_text(json.dumps(spanish), encoding="utf-8")
    monkeypatch.setattr(library_service, "LIBRARY_DIR", tmp_path)
    with pytest.raises(ValueError, match="clamshell: 2 Spanish cues for 3"):
        services.library_load()
    assert not Exercise.objects.exists()


def test_localized_text_follows_the_active_language():
    """Spanish when the language is Spanish and the text exists; English otherwise."""
    exercise = ExerciseFactory(
        name="Wall sit", name_es="Sentadilla en la pared", cues=["Back flat"], cues_es=[]
    )
    with translation.override("es"):
        assert exercise.localized("name") == "Sentadilla en la pared"
        assert exercise.localized("cues") == ["Back flat"]  # no Spanish: the English cue
        html = Template('{% load exercise_text %}{{ e|localized:"name" }}').render(
            Context({"e": exercise})
        )
        assert html == "Sentadilla en la pared"
    with translation.override("en"):
        assert exercise.localized("name") == "Wall sit"
    with pytest.raises(ValueError):
        exercise.localized("target")


def test_spanish_runner_reads_exercise_cards_in_spanish(client, therapist, runner):
    """The runner home shows each exercise's Spanish name, instructions and cues."""
    program_with_items(
        therapist=therapist,
        patient=runner.patient,
        count=1,
        name="Wall sit",
        name_es="Sentadilla en la pared",
        instructions="Lean your back against a wall.",
        instructions_es="Recargue la espalda en una pared.",
        cues=["Back flat on the wall"],
        cues_es=["Espalda plana contra la pared"],
    )
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    client.force_login(runner)
    html = unescape(client.get(reverse("programs:home")).content.decode())
    assert "Sentadilla en la pared" in html
    assert "Recargue la espalda en una pared." in html
    assert "Espalda plana contra la pared" in html
    assert "Lean your back against a wall." not in html


def test_english_runner_reads_the_same_cards_in_english(client, therapist, runner):
    """An English-reading runner sees the English text of the same exercise."""
    program_with_items(
        therapist=therapist,
        patient=runner.patient,
        count=1,
        name="Wall sit",
        name_es="Sentadilla en la pared",
        instructions="Lean your back against a wall.",
        instructions_es="Recargue la espalda en una pared.",
    )
    client.force_login(runner)
    html = unescape(client.get(reverse("programs:home")).content.decode())
    assert "Lean your back against a wall." in html
    assert "Recargue la espalda" not in html
