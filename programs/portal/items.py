"""The exercises of a version as the runner sees them, each card's HTML rendered once."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.translation import get_language

from programs.dose import dose_text
from programs.library_words import in_language
from programs.models import Exercise

CARD_TEMPLATE = "programs/_exercise_card_body.html"


@dataclass
class TodayItem:
    """One exercise of the current version, with its library entry and the dose in words."""

    data: dict
    exercise: Exercise | None
    dose: str
    entry: object | None = None

    @property
    def item_id(self) -> int:
        return self.data["item_id"]

    @property
    def name(self) -> str:
        """The exercise's name in the runner's language (the published name in English)."""
        if self.exercise is not None and self.exercise.localized("name") != self.exercise.name:
            return self.exercise.localized("name")
        return self.data["exercise_name"]

    @property
    def instructions(self) -> str:
        """How to do it, in the runner's language."""
        return self.exercise.localized("instructions") if self.exercise else ""

    @property
    def cues(self) -> tuple[str, ...]:
        """The coaching cues, in the runner's language."""
        return tuple(self.exercise.localized("cues") or ()) if self.exercise else ()

    @property
    def notes(self) -> str:
        """The therapist's note, in the runner's language when it is the library's own note."""
        return in_language(self.data.get("notes") or "")

    @property
    def card_html(self) -> str:
        """The exercise's card (name, dose, notes, picture, how-to), rendered once per process
        for the same content and language: the runner home shows ten of them on every visit."""
        exercise = self.exercise
        return _card_html(
            self.name,
            self.dose,
            self.notes,
            exercise is not None,
            exercise.illustration if exercise else "",
            self.instructions,
            self.cues,
            exercise.video_url if exercise else "",
            get_language(),
        )


@functools.lru_cache(maxsize=4096)
def _card_html(
    name, dose, notes, has_exercise, illustration, instructions, cues, video_url, language
):
    """A pure function of what the card shows, so a cached copy is never stale."""
    card = {
        "name": name,
        "dose": dose,
        "notes": notes,
        "has_exercise": has_exercise,
        "illustration": illustration,
        "instructions": instructions,
        "cues": cues,
        "video_url": video_url,
    }
    return render_to_string(CARD_TEMPLATE, {"card": card})


# What an exercise card shows (TodayItem.card_html): all the runner home loads of the library.
CARD_FIELDS = (
    "illustration",
    "name",
    "instructions",
    "cues",
    "name_es",
    "instructions_es",
    "cues_es",
    "video_url",
)


def version_items(
    version, *, phase_only: bool = True, exercise_fields: tuple[str, ...] | None = None
) -> list[TodayItem]:
    """The items of a version (of its current phase), with their exercises in one query
    (only ``exercise_fields`` of them when given)."""
    if version is None:
        return []
    data = [i for i in version.items if not phase_only or i.get("phase", 1) == version.phase]
    exercises = Exercise.objects.all()
    if exercise_fields:
        exercises = exercises.only(*exercise_fields)
    exercises = exercises.in_bulk([i["exercise_id"] for i in data])
    return [
        TodayItem(data=i, exercise=exercises.get(i["exercise_id"]), dose=dose_text(i)) for i in data
    ]
