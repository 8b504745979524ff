"""Loading the exercise library and templates."""

import pytest

from programs import services
from programs.models import Exercise, ProgramTemplate

pytestmark = pytest.mark.django_db


def test_library_load_is_idempotent_and_keeps_manager_edits():
    """Loading twice gives the same rows; a manager's edit survives a reload."""
    first = services.library_load()
    Exercise.objects.filter(slug="clamshell").update(name="Clamshell (banded)")
    second = services.library_load()
    assert first["exercises_created"] == 69 and second["exercises_created"] == 0
    assert Exercise.objects.count() == 69 and ProgramTemplate.objects.count() == 11
    assert Exercise.objects.get(slug="clamshell").name == "Clamshell (banded)"
    squat = Exercise.objects.get(slug="bodyweight_squat")
    assert squat.regression.slug == "box_squat" and squat.progression.slug == "goblet_squat"
