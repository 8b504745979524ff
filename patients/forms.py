"""Forms of the front desk and the manager: validate and normalise input only."""

import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from dangpt import clinical_ranges
from dangpt.dates import DayField, InstantField
from dangpt.staff_units import MilesField
from patients.consents import CONSENT_TEXTS
from patients.models import (
    AppointmentType,
    BookingPolicy,
    ConsentKind,
    Language,
    Location,
    Patient,
    ReferringProvider,
    RunningProfile,
    Surface,
    TimeOff,
    WaitlistEntry,
    Weekday,
    WorkingHours,
)
from patients.services import normalise_phone
from patients.slots import therapists

DATE = forms.DateInput(attrs={"type": "date"})
TIME = forms.TimeInput(attrs={"type": "time", "step": 900}, format="%H:%M")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class PatientForm(forms.ModelForm):
    confirm_duplicate = forms.BooleanField(
        required=False,
        label="I checked: this is a different person, register anyway",
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Patient
        fields = list(Patient.INTAKE_FIELDS)
        widgets = {"date_of_birth": DATE, "address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["preferred_location"].queryset = Location.objects.filter(is_active=True)
        # The language the runner reads; a form posted without it keeps English (the default).
        self.fields["preferred_language"].required = False
        self.fields["preferred_language"].label = "Runner's language (portal, emails, forms)"
        if self.instance.pk and not self.is_bound:  # stored E.164, shown as people read it
            self.initial["phone"] = self.instance.phone_display
            self.initial["emergency_contact_phone"] = self.instance.emergency_contact_phone_display

    def _phone(self, field: str) -> str:
        try:
            return normalise_phone(self.cleaned_data[field], field=field)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict[field]) from exc

    def clean_phone(self):
        return self._phone("phone")

    def clean_emergency_contact_phone(self):
        return self._phone("emergency_contact_phone")

    def clean_preferred_language(self):
        return self.cleaned_data["preferred_language"] or Language.ENGLISH

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        problem = clinical_ranges.birth_date_problem(born)
        if problem:
            raise ValidationError(problem)
        return born


# Kept in kilometres, typed in miles: stored field, its form field and label.
PROFILE_MILES = {
    "weekly_km": ("weekly_miles", "Weekly distance (miles)"),
    "longest_run_km_30d": ("longest_run_miles_30d", "Longest run in the last 30 days (miles)"),
    "shoes_km": ("shoes_miles", "Miles on current shoes"),
}


class RunningProfileForm(forms.ModelForm):
    """The running profile at the desk: distances typed in miles, cleaned to kilometres
    (cleaned_data has the stored names, e.g. "weekly_km")."""

    surfaces = forms.MultipleChoiceField(
        choices=Surface.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RunningProfile
        fields = [f for f in RunningProfile.INTAKE_FIELDS if f not in PROFILE_MILES]
        widgets = {"goal_race_date": DATE, "previous_injuries": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        clinical_ranges.bind_form(
            self, {name: f"running_profile.{name}" for name in RunningProfile.NUMBERS}
        )
        stored = self.instance if self.instance.pk else None
        for key, (name, label) in PROFILE_MILES.items():
            self.fields[name] = MilesField(
                f"running_profile.{key}",
                label=label,
                required=False,
                initial_km=getattr(stored, key, None),
            )
        # The intake order, each miles field in its kilometre field's place.
        self.order_fields([PROFILE_MILES.get(f, (f,))[0] for f in RunningProfile.INTAKE_FIELDS])

    def clean(self):
        cleaned = super().clean()
        for key, (name, _label) in PROFILE_MILES.items():
            if name in cleaned:
                cleaned[key] = cleaned.pop(name)
        return cleaned

    def clean_goal_race_date(self):
        """A goal race still to come; a date kept from an earlier visit may have passed."""
        day = self.cleaned_data["goal_race_date"]
        if "goal_race_date" in self.changed_data:
            problem = clinical_ranges.goal_race_date_problem(day)
            if problem:
                raise ValidationError(problem)
        return day


class ReferringProviderForm(forms.ModelForm):
    """Who referred the runner; optional as a whole, but a name when anything is given."""

    class Meta:
        model = ReferringProvider
        fields = list(ReferringProvider.FIELDS)
        # Each label names the provider: the intake page also asks the runner's own name,
        # email and phone, and two fields called "Email" are one name for two things.
        labels = {
            "name": "Provider's name",
            "practice": "Practice",
            "phone": "Provider's phone",
            "fax": "Provider's fax",
            "email": "Provider's email",
        }
        help_texts = {"phone": "e.g. (213) 555-0100", "fax": "e.g. (213) 555-0101"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        if self.instance.pk:
            self.initial["phone"] = self.instance.phone_display
            self.initial["fax"] = self.instance.fax_display

    def _phone(self, field: str) -> str:
        try:
            return normalise_phone(self.cleaned_data[field], field=field)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict[field]) from exc

    def clean_phone(self):
        return self._phone("phone")

    def clean_fax(self):
        return self._phone("fax")

    def clean(self):
        data = super().clean()
        others = any(data.get(name) for name in ReferringProvider.FIELDS if name != "name")
        if others and not (data.get("name") or "").strip():
            self.add_error("name", "Enter the referring provider's name.")
        return data

    def _post_clean(self):
        # The service writes the row (or removes it when every field is blank); a blank name
        # must not fail the model's own validation here.
        pass

    def values(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in ReferringProvider.FIELDS}


def consent_version_shown(version: str) -> str:
    """A consent text's version code ("2026-01") as people read it: "version of January 2026"."""
    try:
        year, month = (int(part) for part in version.split("-")[:2])
        return f"version of {dt.date(year, month, 1):%B %Y}"
    except ValueError:
        return "earlier version"


class ConsentForm(forms.Form):
    """One tick box per consent: ticked and locked when given for the current text; when only an
    older text was given, it says so and is left unticked, as the runner must be asked again."""

    def __init__(self, *args, given=(), **kwargs):
        super().__init__(*args, **kwargs)
        given = set(given)  # (kind, text_version) of the patient's consents
        for kind, (version, texts) in CONSENT_TEXTS.items():
            current = (kind.value, version) in given
            older = sorted(v for k, v in given if k == kind.value and v != version)
            label = f"{ConsentKind(kind).label} ({consent_version_shown(version)})"
            if current:
                label += " — signed, current"
            elif older:
                label += (
                    f" — outdated: signed the {consent_version_shown(older[-1])},"
                    " the text has changed since"
                )
            self.fields[kind.value] = forms.BooleanField(
                required=False,
                label=label,
                help_text=texts[Language.ENGLISH],
                initial=current,
                disabled=current,
            )

    def kinds(self) -> list[str]:
        """The consents ticked now; those already given for the current text are not among them."""
        return [
            name
            for name, ticked in self.cleaned_data.items()
            if ticked and not self.fields[name].disabled
        ]


class BookingForm(forms.Form):
    """The booking choices, read from the query string as the desk steps through them."""

    appointment_type = forms.ModelChoiceField(
        AppointmentType.objects.filter(is_active=True), empty_label="Choose a type"
    )
    therapist = forms.ModelChoiceField(queryset=None, required=False, empty_label="First available")
    date = DayField(widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists()
        self.fields["therapist"].label_from_instance = lambda u: u.get_full_name() or u.username


class ReviewForm(forms.Form):
    """The booking under review: what the desk picked, a scheduling note and how often."""

    patient = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    appointment_type = forms.ModelChoiceField(
        AppointmentType.objects.filter(is_active=True), widget=forms.HiddenInput
    )
    therapist = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    start = InstantField(widget=forms.HiddenInput)
    note = forms.CharField(
        max_length=200,
        required=False,
        label="Scheduling note (optional)",
        help_text="For the desk: parking, a ride, a preferred room. Nothing clinical.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    repeat_weeks = forms.TypedChoiceField(
        choices=[(1, "Just this one")] + [(n, f"Weekly × {n}") for n in range(2, 13)],
        coerce=int,
        initial=1,
        required=False,
        label="Repeat",
    )

    def __init__(self, *args, patients=None, locations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients
        self.fields["therapist"].queryset = therapists()
        self.fields["location"].queryset = locations

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start is not None and start.tzinfo is None:
            raise forms.ValidationError("Give the start time with its time zone offset.")
        return start


class MoveForm(forms.Form):
    """Where a visit goes: a start instant and, optionally, another therapist."""

    start = InstantField()
    therapist = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists()


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=200, required=False, label="Reason (scheduling only)")


class RescheduleForm(forms.Form):
    date = DayField(widget=DATE)
    time = forms.TimeField(widget=TIME, help_text="Local time of the location, 15-minute grid")

    def local_start(self, tz) -> dt.datetime:
        return dt.datetime.combine(self.cleaned_data["date"], self.cleaned_data["time"], tzinfo=tz)


class WaitlistForm(forms.ModelForm):
    preferred_weekdays = forms.TypedMultipleChoiceField(
        choices=Weekday.choices, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WaitlistEntry
        fields = list(WaitlistEntry.REQUEST_FIELDS)
        widgets = {"earliest_time": TIME, "latest_time": TIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].queryset = AppointmentType.objects.filter(is_active=True)
        self.fields["preferred_therapist"].queryset = therapists()
        self.fields["preferred_therapist"].label_from_instance = lambda u: (
            u.get_full_name() or u.username
        )


class LocationForm(forms.ModelForm):
    class Meta:
        model = Location
        fields = ["name", "time_zone", "address", "phone", "is_active"]
        help_texts = {"phone": "e.g. (213) 555-0100"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["phone"] = self.instance.phone_display

    def clean_phone(self):
        """Stored in E.164 (tel: links dial it); shown as "(213) 555-0100"."""
        try:
            return normalise_phone(self.cleaned_data["phone"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["phone"]) from exc

    def clean_time_zone(self):
        import zoneinfo

        name = self.cleaned_data["time_zone"]
        if name not in zoneinfo.available_timezones():
            raise ValidationError("Use an IANA time zone such as America/Los_Angeles.")
        return name


class WorkingHoursForm(forms.ModelForm):
    class Meta:
        model = WorkingHours
        fields = ["therapist", "location", "weekday", "start_time", "end_time"]
        widgets = {"start_time": TIME, "end_time": TIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists()

    def clean(self):
        data = super().clean()
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", "The end must be after the start.")
        return data


class TimeOffForm(forms.ModelForm):
    class Meta:
        model = TimeOff
        fields = ["therapist", "start", "end", "reason"]
        widgets = {"start": DATETIME, "end": DATETIME}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists()

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", "The end must be after the start.")
        return data


class AppointmentTypeForm(forms.ModelForm):
    class Meta:
        model = AppointmentType
        fields = ["name", "duration_minutes", "colour", "is_active"]
        widgets = {"colour": forms.TextInput(attrs={"type": "color"})}

    def clean_duration_minutes(self):
        minutes = self.cleaned_data["duration_minutes"]
        if minutes < 15 or minutes % 5:
            raise ValidationError("At least 15 minutes, in steps of 5 minutes.")
        return minutes


class BookingPolicyForm(forms.ModelForm):
    """A location's booking policy, with each limit explained at its field."""

    class Meta:
        model = BookingPolicy
        fields = [
            "online_booking_enabled",
            "horizon_days",
            "min_notice_hours",
            "cancel_cutoff_hours",
            "reschedule_cutoff_hours",
            "hold_minutes",
        ]

    LIMITS = {
        "horizon_days": (1, 365, "Choose between 1 and 365 days."),
        "min_notice_hours": (0, 336, "Choose between 0 and 336 hours (14 days)."),
        "cancel_cutoff_hours": (0, 336, "Choose between 0 and 336 hours (14 days)."),
        "reschedule_cutoff_hours": (0, 336, "Choose between 0 and 336 hours (14 days)."),
        "hold_minutes": (5, 120, "Choose between 5 and 120 minutes, or leave it empty."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default = settings.SELF_BOOKING_HOLD_MINUTES
        self.fields["hold_minutes"].help_text = f"Leave empty for the default of {default} minutes."

    def clean(self):
        data = super().clean()
        for name, (low, high, message) in self.LIMITS.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, message)
        return data


class OnlineTypeForm(forms.ModelForm):
    """Whether runners can book a visit type online, and which kind of visit it is."""

    class Meta:
        model = AppointmentType
        fields = ["bookable_online", "visit_kind"]


OnlineTypeFormSet = forms.modelformset_factory(
    AppointmentType, form=OnlineTypeForm, extra=0, can_delete=False
)
