"""Forms of evaluations: the SOAP note with its structured exam, and addenda."""

from decimal import Decimal
from zoneinfo import ZoneInfo

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.formats import date_format

from assessments import exam as exam_fields
from assessments.forms.widgets import DATE, TEXT
from assessments.models import EVALUATION_FIELDS, Evaluation, EvaluationAddendum
from assessments.note_fields import stored_exam, stored_running_profile
from dangpt import clinical_ranges
from dangpt.dates import format_for
from dangpt.staff_units import MilesField

# Numbers take their field from the range table (dangpt/clinical_ranges.py); None: text.
RUNNING_PROFILE = (
    ("weekly_km", "Weekly distance (miles)", None),
    ("runs_per_week", "Runs per week", None),
    ("longest_run_km_30d", "Longest run, last 30 days (miles)", None),
    ("years_running", "Years running", None),
    ("goal_race", "Goal race", 120),
    ("current_shoes", "Current shoes", 120),
)
# Distances kept in kilometres, typed in miles: the key's form field is named for the miles.
PROFILE_MILES = {"weekly_km": "weekly_miles", "longest_run_km_30d": "longest_run_miles_30d"}
# The note's own numbers and their ranges.
PLAN_RANGES = {
    "visits_per_week": "evaluation.visits_per_week",
    "plan_weeks": "evaluation.plan_weeks",
}


def profile_field(key: str) -> str:
    """The form field of a running-profile key: "profile_weekly_miles" for "weekly_km"."""
    return f"profile_{PROFILE_MILES.get(key, key)}"


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


class EvaluationForm(forms.ModelForm):
    """A SOAP note; the structured exam and running profile are flattened into form fields."""

    class Meta:
        model = Evaluation
        fields = [f for f in EVALUATION_FIELDS if f not in ("running_profile", "exam")]
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

    def __init__(
        self,
        *args,
        patient,
        profile_initial: dict | None = None,
        exam_hints: dict[str, str] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Visits that happened or are booked, newest first, named by their local date and type.
        visits = patient.appointments.exclude(status__in=["cancelled", "no_show"])
        self.fields["appointment"].queryset = visits.select_related(
            "appointment_type", "location"
        ).order_by("-start")
        self.fields["appointment"].label_from_instance = visit_label
        self.fields["screening"].queryset = patient.screenings.order_by("-created_at")
        self.fields["screening"].label_from_instance = screening_label
        self.fields[
            "working_diagnosis"
        ].help_text = "Pattern the findings are consistent with; decision support, not a diagnosis."
        profile = profile_initial
        if profile is None:
            profile = stored_running_profile(self.instance.running_profile)
        for key, label, max_length in RUNNING_PROFILE:
            value = (profile or {}).get(key)
            if key in PROFILE_MILES:
                field = MilesField(
                    f"running_profile.{key}", label=label, required=False, initial_km=value
                )
            elif max_length is None:
                field = clinical_ranges.form_field(
                    f"running_profile.{key}", label=label, required=False, initial=value
                )
            else:
                field = forms.CharField(
                    max_length=max_length, label=label, required=False, initial=value
                )
            self.fields[profile_field(key)] = field
        clinical_ranges.bind_form(self, PLAN_RANGES)
        # A new note's exam starts empty: earlier values are hints beside the inputs
        # (``exam_hints``, "last: 9 / 11 cm, Oct 23, 2026"), never today's measurements.
        self.exam_hints = exam_hints or {}
        exam = stored_exam(self.instance.exam) if self.instance.pk else {}
        self._add_exam_fields(exam)

    def _add_exam_fields(self, exam: dict) -> None:
        for group, rows in (("rom", exam_fields.ROM), ("strength", exam_fields.STRENGTH)):
            for key, label in rows:
                for side in exam_fields.SIDES:
                    initial = ((exam.get(group) or {}).get(key) or {}).get(side)
                    self.fields[f"{group}_{key}_{side}"] = clinical_ranges.form_field(
                        f"exam.{group}.{key}",
                        label=f"{label} — {side}",
                        required=False,
                        initial=initial,
                    )
        for key, label in exam_fields.SPECIAL_TESTS:
            self.fields[f"test_{key}"] = forms.ChoiceField(
                label=label,
                required=False,
                choices=[("", "Not tested"), *exam_fields.TEST_RESULTS],
                initial=(exam.get("special_tests") or {}).get(key, ""),
            )

    def clean_evaluated_on(self):
        """A note records a visit that happened: not a day after today."""
        day = self.cleaned_data["evaluated_on"]
        problem = clinical_ranges.visit_date_problem(day)
        if problem:
            raise forms.ValidationError(problem)
        return day

    def clean_icd10(self):
        """ICD-10 codes are kept upper case without spaces around them."""
        return self.cleaned_data["icd10"].strip().upper()

    def exam_rows(self):
        """Bound fields grouped for the template: ROM and strength rows with both sides and the
        earlier value's hint ("" without one)."""
        groups = []
        for group, title, rows in (
            ("rom", "Range of motion", exam_fields.ROM),
            ("strength", "Strength", exam_fields.STRENGTH),
        ):
            groups.append(
                {
                    "title": title,
                    "rows": [
                        (
                            label,
                            self[f"{group}_{key}_left"],
                            self[f"{group}_{key}_right"],
                            self.exam_hints.get(f"{group}.{key}", ""),
                        )
                        for key, label in rows
                    ],
                }
            )
        return groups

    def special_test_fields(self):
        """Bound fields of the special tests, in the exam's order."""
        return [self[f"test_{key}"] for key, _ in exam_fields.SPECIAL_TESTS]

    def profile_fields(self):
        """Bound fields of the running-profile snapshot."""
        return [self[profile_field(key)] for key, *_ in RUNNING_PROFILE]

    def service_fields(self) -> dict:
        """The cleaned data in the shape evaluation_create/update take."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["running_profile"] = {
            key: _number(self.cleaned_data[profile_field(key)])
            for key, *_ in RUNNING_PROFILE
            if self.cleaned_data[profile_field(key)] not in (None, "")
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
    """A dated addition to a signed note."""

    class Meta:
        model = EvaluationAddendum
        fields = ["text"]
        widgets = {"text": TEXT}
        labels = {"text": "Addendum"}


def visit_label(appointment) -> str:
    """A visit as the therapist knows it, in its location's time zone: "Fri, Dec 18, 2026,
    9:00 AM · Follow-up"."""
    local = timezone.localtime(appointment.start, ZoneInfo(appointment.location.time_zone))
    when = date_format(local, f"{format_for('weekday_year')}, {format_for('time')}")
    return f"{when} · {appointment.appointment_type.name}"


def screening_label(screening) -> str:
    """A screening by its date: "Screening of Dec 4, 2026"."""
    return (
        f"Screening of {date_format(timezone.localdate(screening.created_at), format_for('date'))}"
    )
