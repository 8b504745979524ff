"""Forms of the programs app: validate and normalise input; the services do the writes."""

from __future__ import annotations

import functools

from django import forms
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from assessments.models import Evaluation
from programs.models import (
    Category,
    Condition,
    Difficulty,
    Exercise,
    ProgramItem,
    ProgramTemplate,
    Region,
    TissueChoice,
    therapist_patients,
)

PAIN_CHOICES = [("", "–")] + [(str(n), str(n)) for n in range(11)]
DIFFICULTY_CHOICES = [("", "–"), *Difficulty.choices]


class LibrarySearchForm(forms.Form):
    q = forms.CharField(required=False, label="Search", max_length=80)
    region = forms.ChoiceField(required=False, choices=[("", "Any region"), *Region.choices])
    condition = forms.ChoiceField(
        required=False, choices=[("", "Any condition"), *Condition.choices]
    )
    category = forms.ChoiceField(required=False, choices=[("", "Any category"), *Category.choices])


class EvaluationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.patient.first_name} {obj.patient.last_name} · {obj}"


class ProgramCreateForm(forms.Form):
    patient = forms.ModelChoiceField(queryset=None, label="Runner")
    template = forms.ModelChoiceField(
        queryset=ProgramTemplate.objects.all(),
        required=False,
        empty_label="Blank program",
        help_text="Start from a condition template, or from nothing.",
    )
    title = forms.CharField(max_length=160, required=False, help_text="Defaults to the template.")
    tissue = forms.ChoiceField(
        choices=[("", "As the template (soft tissue for a blank program)"), *TissueChoice.choices],
        required=False,
        label="Pain rule",
    )
    evaluation = EvaluationChoiceField(
        queryset=None,
        required=False,
        empty_label="Not linked to an evaluation",
        help_text="The evaluation whose plan this program carries out (same runner).",
    )

    def __init__(self, *args, therapist, **kwargs):
        super().__init__(*args, **kwargs)
        patients = therapist_patients(therapist)
        self.fields["patient"].queryset = patients.order_by("last_name", "first_name")
        self.fields["evaluation"].queryset = (
            Evaluation.objects.filter(patient__in=patients)
            .select_related("patient")
            .order_by("-evaluated_on", "-id")
        )


class ProgramSettingsForm(forms.Form):
    title = forms.CharField(max_length=160)
    tissue = forms.ChoiceField(choices=TissueChoice.choices, label="Pain rule")
    baseline_pain = forms.IntegerField(
        min_value=0, max_value=10, label="Usual pain (0–10)", help_text="Next-morning yardstick."
    )
    current_phase = forms.IntegerField(min_value=1, max_value=20, label="Current phase")
    walk_run_stage = forms.IntegerField(
        min_value=0, max_value=8, required=False, label="Walk-run stage (0–8)"
    )


class ItemForm(forms.ModelForm):
    class Meta:
        model = ProgramItem
        fields = [
            "sets",
            "reps",
            "hold_seconds",
            "load",
            "load_kg",
            "tempo",
            "times_per_week",
            "side",
            "phase",
            "notes",
        ]
        labels = {"hold_seconds": "Hold (s)", "load_kg": "Load (kg)"}

    def clean(self):
        data = super().clean()
        if data.get("reps") is None and data.get("hold_seconds") is None:
            self.add_error("reps", "Give reps, a hold time, or both.")
        return data


class ItemAddForm(forms.Form):
    exercise = forms.ModelChoiceField(queryset=Exercise.objects.filter(is_active=True))
    phase = forms.IntegerField(min_value=1, max_value=20, initial=1)


class PublishForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, label="Note for the record")


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


class MorningForm(forms.Form):
    next_morning_pain = forms.TypedChoiceField(
        choices=PAIN_CHOICES[1:], coerce=int, label="Pain this morning (0–10)"
    )


class RunForm(forms.Form):
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    distance_km = forms.DecimalField(
        min_value=0.01, max_value=999, decimal_places=2, label="Distance (km)"
    )
    duration_min = forms.DecimalField(
        min_value=0.1, max_value=9999, decimal_places=1, label="Duration (minutes)"
    )
    rpe = forms.TypedChoiceField(
        choices=[("", "–")] + [(str(n), str(n)) for n in range(1, 11)],
        coerce=int,
        empty_value=None,
        required=False,
        label="Effort (1–10)",
    )
    pain_during = forms.TypedChoiceField(
        choices=PAIN_CHOICES, coerce=int, empty_value=None, required=False, label="Pain during"
    )
    pain_after = forms.TypedChoiceField(
        choices=PAIN_CHOICES, coerce=int, empty_value=None, required=False, label="Pain after"
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
