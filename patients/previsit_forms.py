"""The runner's own pre-visit forms: about you, your running, and signing a consent.

Labels and messages are the runner's, in English or Spanish; validation only, the services write.
"""

import datetime as dt
from decimal import Decimal

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.models import DistanceUnit, Language, Patient, Surface, phone_for_people
from patients.units import km_to_miles, miles_to_km

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SURFACES = [
    (Surface.ROAD, _("Road")),
    (Surface.TRACK, _("Track")),
    (Surface.TRAIL, _("Trail")),
    (Surface.TREADMILL, _("Treadmill")),
    (Surface.MIXED, _("Mixed")),
]
LANGUAGES = [(Language.ENGLISH, "English"), (Language.SPANISH, "Español")]
PHONE_HELP = _("US format, e.g. (213) 555-0100")


def _us_phone(raw: str) -> str:
    """A phone number in E.164, from what a runner types; a clear error otherwise."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a valid phone number, e.g. (213) 555-0100."))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class AboutYouForm(forms.Form):
    """Who the runner is and how to reach them and someone close to them."""

    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80)
    date_of_birth = forms.DateField(label=_("Date of birth"), widget=DATE)
    phone = forms.CharField(label=_("Phone"), max_length=32, help_text=PHONE_HELP)
    address = forms.CharField(
        label=_("Home address"), widget=forms.Textarea(attrs={"rows": 2}), max_length=400
    )
    emergency_contact_name = forms.CharField(label=_("Emergency contact's name"), max_length=120)
    emergency_contact_phone = forms.CharField(
        label=_("Emergency contact's phone"), max_length=32, help_text=PHONE_HELP
    )
    preferred_language = forms.ChoiceField(label=_("Language"), choices=LANGUAGES)

    @classmethod
    def for_patient(cls, patient: Patient, data=None) -> "AboutYouForm":
        """The form filled with what the clinic has, phones as people read them."""
        initial = {name: getattr(patient, name) for name in cls.base_fields}
        for name in ("phone", "emergency_contact_phone"):
            initial[name] = phone_for_people(initial[name])
        return cls(data, initial=initial)

    def clean_phone(self):
        return _us_phone(self.cleaned_data["phone"])

    def clean_emergency_contact_phone(self):
        return _us_phone(self.cleaned_data["emergency_contact_phone"])

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born > timezone.localdate():
            raise ValidationError(_("The date of birth cannot be in the future."))
        if born.year < 1900:
            raise ValidationError(_("Check the year of birth."))
        return born


class RunningForm(forms.Form):
    """How the runner trains; distances in the runner's unit, kept in kilometres."""

    runs_per_week = forms.IntegerField(label=_("Runs per week"), min_value=0, max_value=21)
    weekly = forms.DecimalField(min_value=0, max_value=Decimal("999"), decimal_places=1)
    longest = forms.DecimalField(
        min_value=0, max_value=Decimal("999"), decimal_places=1, required=False
    )
    years_running = forms.IntegerField(
        label=_("Years of running"), min_value=0, max_value=90, required=False
    )
    goal_race = forms.CharField(label=_("Goal race"), max_length=120, required=False)
    goal_race_date = forms.DateField(label=_("Date of the goal race"), widget=DATE, required=False)
    surfaces = forms.MultipleChoiceField(
        label=_("Where you run"),
        choices=SURFACES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    current_shoes = forms.CharField(label=_("Current shoes"), max_length=120, required=False)
    shoes = forms.IntegerField(min_value=0, max_value=20000, required=False)
    previous_injuries = forms.CharField(
        label=_("Previous running injuries"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, unit: str = DistanceUnit.MILES, **kwargs):
        super().__init__(*args, **kwargs)
        self.miles = unit == DistanceUnit.MILES
        if self.miles:
            self.fields["weekly"].label = _("Miles per week")
            self.fields["longest"].label = _("Longest run in the last 30 days (miles)")
            self.fields["shoes"].label = _("Miles on your current shoes")
        else:
            self.fields["weekly"].label = _("Kilometers per week")
            self.fields["longest"].label = _("Longest run in the last 30 days (km)")
            self.fields["shoes"].label = _("Kilometers on your current shoes")

    @classmethod
    def for_profile(cls, profile, unit: str, data=None) -> "RunningForm":
        """The form filled from the stored profile, distances shown in the runner's unit."""
        initial = {}
        if profile is not None:
            convert = km_to_miles if unit == DistanceUnit.MILES else (lambda km: km)
            initial = {
                "runs_per_week": profile.runs_per_week,
                "weekly": convert(profile.weekly_km),
                "longest": convert(profile.longest_run_km_30d),
                "years_running": profile.years_running,
                "goal_race": profile.goal_race,
                "goal_race_date": profile.goal_race_date,
                "surfaces": profile.surfaces,
                "current_shoes": profile.current_shoes,
                "shoes": (
                    int(convert(profile.shoes_km).to_integral_value())
                    if profile.shoes_km is not None
                    else None
                ),
                "previous_injuries": profile.previous_injuries,
            }
        return cls(data, initial=initial, unit=unit)

    def clean_goal_race_date(self):
        day = self.cleaned_data["goal_race_date"]
        if day and day < timezone.localdate() - dt.timedelta(days=365):
            raise ValidationError(_("The goal race date looks too far in the past."))
        return day

    def profile_values(self) -> dict:
        """The cleaned answers as the running profile's fields, in kilometres."""
        data = self.cleaned_data
        to_km = miles_to_km if self.miles else (lambda d: d)
        shoes = to_km(data.get("shoes"))
        return {
            "runs_per_week": data["runs_per_week"],
            "weekly_km": to_km(data["weekly"]),
            "longest_run_km_30d": to_km(data.get("longest")),
            "years_running": data.get("years_running"),
            "goal_race": data.get("goal_race") or "",
            "goal_race_date": data.get("goal_race_date"),
            "surfaces": data.get("surfaces") or [],
            "current_shoes": data.get("current_shoes") or "",
            "shoes_km": int(Decimal(shoes).to_integral_value()) if shoes is not None else None,
            "previous_injuries": data.get("previous_injuries") or "",
        }


class ConsentSignForm(forms.Form):
    """The runner's signature on one consent: the text's fingerprint, their typed name, I agree."""

    kind = forms.CharField(widget=forms.HiddenInput)
    shown_sha256 = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    typed_name = forms.CharField(
        label=_("Type your full name to sign"),
        max_length=160,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    agree = forms.BooleanField(
        label=_("I have read this text and I agree"),
        error_messages={"required": _("Tick the box to agree.")},
    )
