"""Forms of the programs app: validate and normalise input; the services do the writes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from assessments.interface import linkable_evaluations
from dangpt import clinical_ranges, units
from dangpt.conditions import Condition
from programs.models import (
    DOSE_FIELDS,
    ITEM_RANGES,
    REPS_OR_HOLD_MESSAGE,
    Category,
    Exercise,
    ProgramItem,
    ProgramTemplate,
    Region,
    TissueChoice,
    therapist_patients,
)

PAIN_CHOICES = [("", "–")] + [(str(n), str(n)) for n in range(11)]


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
        self.fields["evaluation"].queryset = linkable_evaluations(patients)


class ProgramSettingsForm(forms.Form):
    title = forms.CharField(max_length=160)
    tissue = forms.ChoiceField(choices=TissueChoice.choices, label="Pain rule")
    baseline_pain = clinical_ranges.form_field(
        "program.baseline_pain", label="Usual pain (0–10)", help_text="Next-morning yardstick."
    )
    current_phase = clinical_ranges.form_field("program.current_phase", label="Current phase")
    walk_run_stage = clinical_ranges.form_field(
        "program.walk_run_stage", required=False, label="Walk-run stage (0–8)"
    )


class ItemForm(forms.ModelForm):
    class Meta:
        model = ProgramItem
        fields = list(DOSE_FIELDS)  # what a therapist edits is what a version keeps
        labels = {"hold_seconds": "Hold (s)", "load_kg": "Load (kg)"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinical_ranges.bind_form(self, {name: f"program_item.{name}" for name in ITEM_RANGES})

    def clean(self):
        data = super().clean()
        if (
            data.get("reps") is None
            and data.get("hold_seconds") is None
            and not {"reps", "hold_seconds"} & self.errors.keys()
        ):
            self.add_error("reps", REPS_OR_HOLD_MESSAGE)
        return data


class ItemAddForm(forms.Form):
    exercise = forms.ModelChoiceField(queryset=Exercise.objects.filter(is_active=True))
    phase = clinical_ranges.form_field("program_item.phase", initial=1)


class PublishForm(forms.Form):
    note = forms.CharField(max_length=300, required=False, label="Note for the record")


class MorningForm(forms.Form):
    next_morning_pain = forms.TypedChoiceField(
        choices=PAIN_CHOICES[1:], coerce=int, label=_("Pain this morning (0–10)")
    )


DISTANCE_LABELS = {units.MILES: _("Distance (miles)"), units.KILOMETRES: _("Distance (km)")}


class RunForm(forms.Form):
    """A run as the runner types it: the distance in their unit (miles or km), stored in km."""

    # ISO in every language: a date input only takes YYYY-MM-DD.
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    distance = forms.DecimalField(min_value=0.01, max_value=999, decimal_places=2)
    duration_min = forms.DecimalField(
        min_value=0.1, max_value=9999, decimal_places=1, label=_("Duration (minutes)")
    )
    rpe = forms.TypedChoiceField(
        choices=[("", "–")] + [(str(n), str(n)) for n in range(1, 11)],
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Effort (1–10)"),
        help_text=_("1 = very easy, 10 = as hard as you can."),
    )
    pain_during = forms.TypedChoiceField(
        choices=PAIN_CHOICES, coerce=int, empty_value=None, required=False, label=_("Pain during")
    )
    pain_after = forms.TypedChoiceField(
        choices=PAIN_CHOICES, coerce=int, empty_value=None, required=False, label=_("Pain after")
    )

    def __init__(self, *args, unit: str = units.MILES, today: dt.date, **kwargs):
        kwargs.setdefault("initial", {"date": today})
        super().__init__(*args, **kwargs)
        self.unit = unit
        self.today = today
        self.fields["distance"].label = DISTANCE_LABELS[unit]
        # The picker offers no day after the runner's today; the server checks it all the same.
        self.fields["date"].widget.attrs["max"] = today.isoformat()

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day > self.today:
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day

    def run_values(self) -> dict:
        """The cleaned run as ``run_log`` takes it: the distance in kilometres."""
        data = dict(self.cleaned_data)
        distance = data.pop("distance")
        data["distance_km"] = units.to_km(distance, self.unit).quantize(Decimal("0.01"))
        return data
