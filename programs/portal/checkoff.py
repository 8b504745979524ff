"""The runner home's session check-off: its form, and its selects rendered by hand.

The page has 30 selects with 330 options; resolving those through bound fields in the template
cost more than the rest of the page together, so the rows are built here as ready strings.
"""

from __future__ import annotations

import functools

from django import forms
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from programs.forms import PAIN_CHOICES
from programs.models import DifficultyChoice

# Each exercise's check-off fields: (name prefix, visible label, choices). The exercise's name is
# shown once, on its card; each label carries it only for screen readers, so every control
# still has a name of its own ("Pain during, Calf raise").
SCORE_FIELDS = (
    ("pain_during", _("Pain during"), PAIN_CHOICES),
    ("pain_after", _("Pain after"), PAIN_CHOICES),
    ("difficulty", _("How hard"), None),
)


def _difficulty_choices() -> list[tuple[str, str]]:
    return [("", "–"), *((value, _(label)) for value, label in DifficultyChoice.choices)]


@functools.cache
def _option_text(prefix: str, language: str) -> tuple[tuple[str, str], ...]:
    """A field's choices as text pairs in ``language``, made once (and part of the tags' key)."""
    choices = _difficulty_choices() if prefix == "difficulty" else PAIN_CHOICES
    return tuple((str(value), str(text)) for value, text in choices)


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
    language = get_language()
    rows = []
    for item in items:
        name = item.name
        done = f"done_{item.item_id}"
        scores = []
        for prefix, label, _choices in SCORE_FIELDS:
            field = f"{prefix}_{item.item_id}"
            options = _option_text(prefix, language)
            scores.append(
                {
                    "name": field,
                    "id": f"id_{field}",
                    "label": str(label),
                    "hidden": name,
                    "options": _option_tags(options, _as_text(values.get(field))),
                    "errors": errors.get(field, []),
                }
            )
        rows.append(
            {
                "item": item,
                "done": {
                    "name": done,
                    "id": f"id_{done}",
                    "label": _("I did it"),
                    "hidden": name,
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
            name = item.name
            self.fields[f"done_{pk}"] = forms.BooleanField(required=False, label=name)
            for prefix, label, choices in SCORE_FIELDS:
                shared = {"required": False, "label": f"{label}, {name}"}
                self.fields[f"{prefix}_{pk}"] = (
                    forms.TypedChoiceField(choices=choices, coerce=int, empty_value=None, **shared)
                    if choices is PAIN_CHOICES
                    else forms.ChoiceField(choices=_difficulty_choices(), **shared)
                )

    def rows(self) -> list[dict]:
        """The rows of ``session_rows`` with what was submitted and the errors."""
        values = {name: self[name].value() for name in self.fields}
        return session_rows(self.items, values, self.errors)

    def clean(self):
        data = super().clean()
        if not any(data.get(f"done_{item.item_id}") for item in self.items):
            raise forms.ValidationError(_("Tick at least one exercise you did."))
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
