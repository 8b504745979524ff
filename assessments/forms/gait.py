"""Forms of gait analyses: the gait record and the choice of two analyses to compare."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from assessments.forms.widgets import DATE, TEXT
from assessments.models import GAIT_FIELDS, GAIT_NUMBERS, GaitAnalysis
from dangpt import clinical_ranges
from dangpt.staff_units import MilesField

# Kept in km/h and km, typed in mph and miles: model field and its form field.
GAIT_MILES = {"speed_kmh": "speed_mph", "shoe_km": "shoe_miles"}


class GaitAnalysisForm(forms.ModelForm):
    """The §8 gait record; video links are one URL per line; speed in mph, shoe age in miles."""

    video_links_text = forms.CharField(
        label="Video links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One link per line (sagittal and posterior views).",
    )

    class Meta:
        model = GaitAnalysis
        fields = [
            "recorded_on", "surface", "incline_pct", "cadence_spm",
            "foot_strike_left", "foot_strike_right", "overstride_cm", "shank_angle_deg",
            "pelvic_drop_left_deg", "pelvic_drop_right_deg", "hip_adduction_left_deg",
            "hip_adduction_right_deg", "knee_valgus_left_deg", "knee_valgus_right_deg",
            "trunk_lean_forward_deg", "trunk_lean_lateral_deg", "step_width", "step_width_cm",
            "arm_swing", "vertical_oscillation_cm", "contact_time_left_ms", "contact_time_right_ms",
            "shoes", "cues", "target_cadence_spm", "findings_match_presentation",
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
        self.fields[
            "cadence_spm"
        ].help_text = "Leave empty to measure it on video by marking foot contacts."
        clinical_ranges.bind_form(self, {name: f"gait.{name}" for name in GAIT_NUMBERS})
        stored = self.instance if self.instance.pk else None
        miles_fields = {
            "speed_mph": MilesField(
                "gait.speed_kmh",
                per_hour=True,
                label="Speed (mph)",
                initial_km=getattr(stored, "speed_kmh", None),
            ),
            "shoe_miles": MilesField(
                "gait.shoe_km",
                label="Shoe age (miles)",
                required=False,
                initial_km=getattr(stored, "shoe_km", None),
            ),
        }
        # Each takes the place of its kilometre field in the form's order.
        order = list(self.fields)
        order.insert(order.index("surface") + 1, "speed_mph")
        order.insert(order.index("shoes") + 1, "shoe_miles")
        self.fields.update(miles_fields)
        self.order_fields(order)

    def clean_recorded_on(self):
        """A recording that happened: not a day after today."""
        day = self.cleaned_data["recorded_on"]
        problem = clinical_ranges.visit_date_problem(day, what="The recording date")
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean_video_links_text(self):
        """One web link per line; blank lines are dropped."""
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
        """The cleaned data in the shape gait_create/update take."""
        data = {name: value for name, value in self.cleaned_data.items() if name in GAIT_FIELDS}
        data["video_links"] = self.cleaned_data["video_links_text"]
        for stored, typed in GAIT_MILES.items():
            data[stored] = self.cleaned_data[typed]
        return data


class LoadedModelChoiceField(forms.ModelChoiceField):
    """A model choice among objects loaded once: rendering and validating run no query.

    ``load(objects)`` sets the choices; the queryset stays as the field's description. Errors
    are the ModelChoiceField's own.
    """

    def load(self, objects) -> None:
        """Offer these objects as the choices."""
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
    """Two analyses of one patient to compare."""

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
        """Two different analyses."""
        cleaned = super().clean()
        if cleaned.get("before") and cleaned.get("before") == cleaned.get("after"):
            raise forms.ValidationError("Choose two different analyses.")
        return cleaned
