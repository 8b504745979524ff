"""The runner home's session check-off: its form, and its selects rendered by hand.

The page has 30 selects with 330 options; resolving those through bound fields in the template
cost more than the rest of the page together, so the rows are built here as ready strings.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from programs.forms import PAIN_CHOICES
from programs.models import DifficultyChoice

DIFFICULTY_CHOICES = [("", "–"), *DifficultyChoice.choices]

# Each exercise's check-off fields: (name prefix, label with the exercise name, choices).
SCORE_FIELDS = (
    ("pain_during", "Pain during {}", PAIN_CHOICES),
    ("pain_after", "Pain after {}", PAIN_CHOICES),
    ("difficulty", "How hard was {}", DIFFICULTY_CHOICES),
)
# The same choices as text pairs, made once, for the <option> tags (and their cache key).
_OPTION_TEXT = {
    prefix: tuple((str(value), str(text)) for value, text in choices)
    for prefix, _, choices in SCORE_FIELDS
}


@functools.cache
def _option_tags(choices: tuple[tuple[str, str], ...], current: str) -> str:
    """A select's <option> tags with the current value selected."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, mark_safe(" selected") if choice == current else "", label)  # noqa: S308
            for choice, label in choices
        ),
    )


def _as_text(value) -> str:
    return "" if value is None else str(value)


def session_rows(items: list, values: dict, errors: dict | None = None) -> list[dict]:
    """What the runner home prints for each exercise's check-off, as ready strings.

    Built in Python, not from bound fields in the template: the page has 30 selects with 330
    options, and resolving those through form fields in the template cost more than the rest of
    the page together. ``values`` maps field names to current values (a bound form's data or the
    initial values from today's entries); ``errors`` maps field names to their messages.
    """
    errors = errors or {}
    rows = []
    for item in items:
        name = item.data["exercise_name"]
        done = f"done_{item.item_id}"
        scores = []
        for prefix, label, _ in SCORE_FIELDS:
            field = f"{prefix}_{item.item_id}"
            scores.append(
                {
                    "name": field,
                    "id": f"id_{field}",
                    "label": label.format(name),
                    "options": _option_tags(_OPTION_TEXT[prefix], _as_text(values.get(field))),
                    "errors": errors.get(field, []),
                }
            )
        rows.append(
            {
                "item": item,
                "done": {
                    "name": done,
                    "id": f"id_{done}",
                    "label": f"Done: {name}",
                    "checked": bool(values.get(done)),
                },
                "scores": scores,
            }
        )
    return rows


class SessionForm(forms.Form):
    """Per exercise of today: done, pain during and after (0–10) and difficulty."""

    def __init__(self, *args, items: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            pk = item.item_id
            name = item.data["exercise_name"]
            self.fields[f"done_{pk}"] = forms.BooleanField(required=False, label=f"Done: {name}")
            for prefix, label, choices in SCORE_FIELDS:
                shared = {"choices": choices, "required": False, "label": label.format(name)}
                self.fields[f"{prefix}_{pk}"] = (
                    forms.TypedChoiceField(coerce=int, empty_value=None, **shared)
                    if choices is PAIN_CHOICES
                    else forms.ChoiceField(**shared)
                )

    def rows(self) -> list[dict]:
        """The rows of ``session_rows`` with what was submitted and the errors."""
        values = {name: self[name].value() for name in self.fields}
        return session_rows(self.items, values, self.errors)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"done_{item.item_id}") for item in self.items):
            raise forms.ValidationError("Tick at least one exercise you did.")
        return data

    def entries(self) -> list[dict]:
        """The cleaned data as the entries ``session_log`` takes."""
        data = self.cleaned_data
        return [
            {
                "item_id": item.item_id,
                "done": data.get(f"done_{item.item_id}", False),
                "pain_during": data.get(f"pain_during_{item.item_id}"),
                "pain_after": data.get(f"pain_after_{item.item_id}"),
                "difficulty": data.get(f"difficulty_{item.item_id}") or "",
            }
            for item in self.items
            if data.get(f"done_{item.item_id}")
        ]
