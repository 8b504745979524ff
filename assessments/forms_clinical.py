"""Forms of clinical records: validate and normalise input; services do the writing."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from assessments.clinical import exam as exam_fields
from assessments.models_clinical import (
    ClinicalCondition,
    Evaluation,
    EvaluationAddendum,
    GaitAnalysis,
)
from assessments.proms import INSTRUMENTS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = forms.Textarea(attrs={"rows": 3})

RUNNING_PROFILE = (
    ("weekly_km", "Weekly distance (km)", forms.DecimalField, {"min_value": 0, "max_value": 500}),
    ("runs_per_week", "Runs per week", forms.IntegerField, {"min_value": 0, "max_value": 21}),
    (
        "longest_run_km_30d",
        "Longest run, last 30 days (km)",
        forms.DecimalField,
        {"min_value": 0, "max_value": 300},
    ),
    ("years_running", "Years running", forms.IntegerField, {"min_value": 0, "max_value": 90}),
    ("goal_race", "Goal race", forms.CharField, {"max_length": 120}),
    ("current_shoes", "Current shoes", forms.CharField, {"max_length": 120}),
)


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


class EvaluationForm(forms.ModelForm):
    """A SOAP note; the structured exam and running profile are flattened into form fields."""

    class Meta:
        model = Evaluation
        fields = [
            "kind",
            "evaluated_on",
            "appointment",
            "screening",
            "history",
            "objective_notes",
            "working_diagnosis",
            "icd10",
            "assessment_notes",
            "goals",
            "visits_per_week",
            "plan_weeks",
            "plan_notes",
        ]
        widgets = {
            "evaluated_on": DATE,
            "history": TEXT,
            "objective_notes": TEXT,
            "assessment_notes": TEXT,
            "goals": TEXT,
            "plan_notes": TEXT,
        }
        labels = {
            "history": "History (subjective)",
            "objective_notes": "Other findings",
            "assessment_notes": "Clinical reasoning",
            "visits_per_week": "Visits per week",
            "plan_weeks": "Plan duration (weeks)",
            "icd10": "ICD-10 code (optional)",
        }

    def __init__(self, *args, patient, profile_initial: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["appointment"].queryset = patient.appointments.order_by("-start")
        self.fields["screening"].queryset = patient.screenings.order_by("-created_at")
        self.fields[
            "working_diagnosis"
        ].help_text = "Pattern the findings are consistent with; decision support, not a diagnosis."
        profile = profile_initial if profile_initial is not None else self.instance.running_profile
        for key, label, field_class, options in RUNNING_PROFILE:
            self.fields[f"profile_{key}"] = field_class(
                label=label, required=False, initial=(profile or {}).get(key), **options
            )
        self._add_exam_fields(self.instance.exam or {})

    def _add_exam_fields(self, exam: dict) -> None:
        for group, rows in (("rom", exam_fields.ROM), ("strength", exam_fields.STRENGTH)):
            for key, label in rows:
                for side in exam_fields.SIDES:
                    initial = ((exam.get(group) or {}).get(key) or {}).get(side)
                    self.fields[f"{group}_{key}_{side}"] = forms.DecimalField(
                        label=f"{label} — {side}",
                        required=False,
                        min_value=-90,
                        max_value=500,
                        decimal_places=1,
                        initial=initial,
                    )
        for key, label in exam_fields.SPECIAL_TESTS:
            self.fields[f"test_{key}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Not tested"), *exam_fields.TEST_RESULTS],
                initial=(exam.get("special_tests") or {}).get(key, ""),
            )

    def clean_icd10(self):
        return self.cleaned_data["icd10"].strip().upper()

    def exam_rows(self):
        """Bound fields grouped for the template: ROM and strength rows with both sides."""
        groups = []
        for group, title, rows in (
            ("rom", "Range of motion", exam_fields.ROM),
            ("strength", "Strength", exam_fields.STRENGTH),
        ):
            groups.append(
                {
                    "title": title,
                    "rows": [
                        (label, self[f"{group}_{key}_left"], self[f"{group}_{key}_right"])
                        for key, label in rows
                    ],
                }
            )
        return groups

    def special_test_fields(self):
        return [self[f"test_{key}"] for key, _ in exam_fields.SPECIAL_TESTS]

    def profile_fields(self):
        return [self[f"profile_{key}"] for key, *_ in RUNNING_PROFILE]

    def service_fields(self) -> dict:
        """The cleaned data in the shape evaluation_create/update take."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["running_profile"] = {
            key: _number(self.cleaned_data[f"profile_{key}"])
            for key, *_ in RUNNING_PROFILE
            if self.cleaned_data[f"profile_{key}"] not in (None, "")
        }
        exam: dict = {"rom": {}, "strength": {}, "special_tests": {}}
        for group, rows in (("rom", exam_fields.ROM), ("strength", exam_fields.STRENGTH)):
            for key, _ in rows:
                sides = {
                    side: _number(self.cleaned_data[f"{group}_{key}_{side}"])
                    for side in exam_fields.SIDES
                    if self.cleaned_data[f"{group}_{key}_{side}"] is not None
                }
                if sides:
                    exam[group][key] = sides
        for key, _ in exam_fields.SPECIAL_TESTS:
            if self.cleaned_data[f"test_{key}"]:
                exam["special_tests"][key] = self.cleaned_data[f"test_{key}"]
        data["exam"] = {group: values for group, values in exam.items() if values}
        return data


class AddendumForm(forms.ModelForm):
    class Meta:
        model = EvaluationAddendum
        fields = ["text"]
        widgets = {"text": TEXT}
        labels = {"text": "Addendum"}


class GaitAnalysisForm(forms.ModelForm):
    """The §8 gait record; video links are one URL per line."""

    video_links_text = forms.CharField(
        label="Video links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One link per line (sagittal and posterior views).",
    )

    class Meta:
        model = GaitAnalysis
        fields = [
            "recorded_on", "surface", "speed_kmh", "incline_pct", "cadence_spm",
            "foot_strike_left", "foot_strike_right", "overstride_cm", "shank_angle_deg",
            "pelvic_drop_left_deg", "pelvic_drop_right_deg", "hip_adduction_left_deg",
            "hip_adduction_right_deg", "knee_valgus_left_deg", "knee_valgus_right_deg",
            "trunk_lean_forward_deg", "trunk_lean_lateral_deg", "step_width", "step_width_cm",
            "arm_swing", "vertical_oscillation_cm", "contact_time_left_ms", "contact_time_right_ms",
            "shoes", "shoe_km", "cues", "target_cadence_spm", "findings_match_presentation",
            "summary", "follow_up_on",
        ]  # fmt: skip
        widgets = {
            "recorded_on": DATE,
            "follow_up_on": DATE,
            "cues": TEXT,
            "summary": TEXT,
            "findings_match_presentation": forms.Select(
                choices=[("", "Not stated"), (True, "Yes"), (False, "No")]
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.fields["video_links_text"].initial = "\n".join(self.instance.video_links or [])

    def clean_video_links_text(self):
        links = [
            line.strip()
            for line in self.cleaned_data["video_links_text"].splitlines()
            if line.strip()
        ]
        validate = URLValidator(schemes=["http", "https"])
        for link in links:
            try:
                validate(link)
            except forms.ValidationError as exc:
                raise forms.ValidationError(f"Not a web link: {link[:60]}") from exc
        return links

    def service_fields(self) -> dict:
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name in {f.name for f in GaitAnalysis._meta.fields}
        }
        data["video_links"] = self.cleaned_data["video_links_text"]
        return data


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A model choice among objects loaded once: rendering and validating run no query.

    ``load(objects)`` sets the choices; the queryset stays as the field's description. Errors
    are the ModelChoiceField's own.
    """

    def load(self, objects) -> None:
        self._loaded = {str(obj.pk): obj for obj in objects}
        self.choices = [("", self.empty_label)] + [
            (obj.pk, self.label_from_instance(obj)) for obj in objects
        ]

    def to_python(self, value):
        if value in self.empty_values:
            return None
        self.validate_no_null_characters(value)
        if isinstance(value, self.queryset.model):
            value = value.pk
        found = self._loaded.get(str(value))
        if found is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return found


class GaitCompareForm(forms.Form):
    before = LoadedModelChoiceField(queryset=GaitAnalysis.objects.none())
    after = LoadedModelChoiceField(queryset=GaitAnalysis.objects.none())

    def __init__(self, *args, patient, analyses=None, **kwargs):
        """``analyses``: the patient's analyses, newest first, when the caller has them loaded."""
        super().__init__(*args, **kwargs)
        queryset = patient.gait_analyses.order_by("-recorded_on", "-id")
        if analyses is None:
            analyses = list(queryset)
        for name in ("before", "after"):
            self.fields[name].queryset = queryset
            self.fields[name].load(analyses)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("before") and cleaned.get("before") == cleaned.get("after"):
            raise forms.ValidationError("Choose two different analyses.")
        return cleaned


class ScheduleForm(forms.Form):
    condition = forms.ChoiceField(choices=ClinicalCondition.choices)
    starts_on = forms.DateField(label="Baseline date", widget=DATE)


class DischargeForm(forms.Form):
    discharge_on = forms.DateField(label="Discharge date", widget=DATE)


class PromAnswersForm(forms.Form):
    """One radio question per item of an instrument, built from ``describe()``.

    Sum-scored instruments need every item (one of each branch group, e.g. VISA-A 8A/8B/8C);
    FAAM may leave items blank, as its missing-item rule allows. Option values keep their JSON
    type: the submitted string is mapped back to the option value.
    """

    def __init__(self, *args, definition: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.definition = definition
        instrument = INSTRUMENTS[definition["instrument"]]
        self.branches = instrument.branches()
        needs_all = instrument.scoring.method == "sum"
        self._values: dict[str, dict[str, object]] = {}
        for item in definition["items"]:
            self._values[item["id"]] = {str(o["value"]): o["value"] for o in item["options"]}
            self.fields[item["id"]] = forms.ChoiceField(
                label=item["label"],
                required=needs_all and not instrument.item(item["id"]).branch,
                widget=forms.RadioSelect,
                choices=[(str(o["value"]), o["label"]) for o in item["options"]],
            )

    def clean(self):
        cleaned = super().clean()
        for group in self.branches.values():
            answered = [item.id for item in group if cleaned.get(item.id)]
            if len(answered) != 1:
                names = ", ".join(item.id.upper() for item in group)
                raise forms.ValidationError(f"Answer exactly one of: {names}.")
        return cleaned

    def answers(self) -> dict:
        """Answers as the scoring engine takes them (blank items left out)."""
        return {
            item_id: self._values[item_id][raw]
            for item_id, raw in self.cleaned_data.items()
            if raw not in ("", None)
        }

    def add_service_errors(self, exc) -> None:
        """Show a service ValidationError at the item it names."""
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            field = key.removeprefix("answers.")
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
