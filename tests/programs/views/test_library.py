"""The exercise library pages."""

import pytest
from django.urls import reverse

from tests.programs.factories import ExerciseFactory

pytestmark = pytest.mark.django_db


def test_library_search_filters_by_region_condition_and_category(client_for, manager):
    """Filters narrow the list; the manager gets the admin links."""
    ExerciseFactory(name="Calf raise", regions=["ankle"], conditions=["achilles_tendinopathy"])
    ExerciseFactory(name="Clamshell", regions=["hip"], conditions=["itbs"], category="core")
    client = client_for(manager)
    body = client.get(reverse("programs:library"), {"region": "ankle"}).content.decode()
    assert "Calf raise" in body and "Clamshell" not in body
    body = client.get(
        reverse("programs:library"), {"condition": "itbs", "category": "core"}
    ).content.decode()
    assert "Clamshell" in body and "Calf raise" not in body
    body = client.get(reverse("programs:library"), {"q": "zzz"}).content.decode()
    assert "No exercise matches" in body


def test_library_is_not_for_runners(client_for, runner):
    """Runners get 404 for the library."""
    assert client_for(runner).get(reverse("programs:library")).status_code == 404


def test_exercise_page_names_regions_conditions_and_cautions(client_for, therapist):
    """An exercise reads in words: no condition codes or loading tags."""
    exercise = ExerciseFactory(
        name="Seated heel raise",
        regions=["ankle"],
        conditions=["achilles_tendinopathy", "pfps"],
        contraindication_tags=["tendon_load", "new_tag"],
    )
    body = client_for(therapist).get(reverse("programs:exercise", args=[exercise.slug]))
    text = body.content.decode()
    assert "Achilles tendinopathy; Patellofemoral pain (runner&#x27;s knee)" in text
    assert "Tendon loading, New tag" in text
    assert "· Ankle ·" in text
    for code in ("achilles_tendinopathy", "pfps", "tendon_load", "new_tag"):
        assert f">{code}" not in text and f" {code}" not in text
