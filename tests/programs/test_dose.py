"""The dose in words: one function for staff pages, documents and the runner's portal."""

from html import unescape

import pytest
from django.urls import reverse
from django.utils import translation

from patients.models import Language, Patient
from programs.dose import dose_text
from tests.programs.factories import program_with_items

HOLD = {"sets": 3, "reps": None, "hold_seconds": 30, "times_per_week": 7, "side": "both"}


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (
            {"sets": 3, "reps": 10, "side": "each", "tempo": "3 s down", "times_per_week": 3},
            "3 sets of 10 reps, each side, 3 s down · 3 times a week",
        ),
        ({"sets": 1, "reps": 8, "hold_seconds": 120, "times_per_week": 1}, None),
        (HOLD, "3 sets, hold 30 seconds · every day"),
        (
            {"sets": 2, "reps": 15, "load_kg": 5.0, "load": "backpack", "times_per_week": 14},
            "2 sets of 15 reps, 11 lb (5 kg), backpack · twice a day",
        ),
        ({"sets": 4, "reps": 6, "side": "affected", "times_per_week": 21}, None),
    ],
)
def test_dose_in_whole_words(item, words):
    """Staff pages, letters, the record and the runner read whole words, pounds first."""
    expected = (
        words
        or {
            1: "1 set of 8 reps, hold each 2 minutes · once a week",
            4: "4 sets of 6 reps, on the painful side · 3 times a day",
        }[item["sets"]]
    )
    with translation.override("en"):
        assert dose_text(item) == expected


def test_the_same_dose_in_spanish_for_the_portal():
    """The active language decides the words; documents in English can ask for English."""
    item = {"sets": 1, "reps": 12, "hold_seconds": 5, "side": "left", "times_per_week": 3}
    with translation.override("es"):
        assert dose_text(item) == (
            "1 serie de 12 repeticiones, sostenga cada una 5 segundos, lado izquierdo · "
            "3 veces a la semana"
        )
        assert dose_text(HOLD) == "3 series, sostenga 30 segundos · todos los días"
        assert dose_text(HOLD, language="en") == "3 sets, hold 30 seconds · every day"


@pytest.mark.django_db
def test_runner_and_therapist_read_one_dose(client, therapist, runner):
    """The runner's card and the therapist's library page say the same dose, each in its
    reader's language (the runner's page had its own copy of the words before)."""
    program = program_with_items(
        therapist=therapist, patient=runner.patient, count=1, default_dosage=HOLD
    )
    exercise = program.items.get().exercise
    client.force_login(runner)
    english = unescape(client.get(reverse("programs:home")).content.decode())
    assert "3 sets, hold 30 seconds · every day" in english
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    client.force_login(runner)
    spanish = unescape(client.get(reverse("programs:home")).content.decode())
    assert "3 series, sostenga 30 segundos · todos los días" in spanish
    client.force_login(therapist)
    page = client.get(reverse("programs:exercise", args=[exercise.slug]))
    assert "3 sets, hold 30 seconds · every day" in unescape(page.content.decode())
