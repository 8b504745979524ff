"""Forms of the reminders pages."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from patients.models import DistanceUnit
from patients.reminders.models import ReminderPreference, ReminderStatus


class RunnerSettingsForm(forms.Form):
    """The runner's language (each named in itself) and distance unit."""

    # Not required: a post without them (an older page) keeps what is saved.
    preferred_language = forms.ChoiceField(
        label=_("Language"), choices=settings.LANGUAGES, widget=forms.RadioSelect, required=False
    )
    distance_unit = forms.ChoiceField(
        label=_("Show distances in"),
        choices=[(DistanceUnit.MILES, _("Miles")), (DistanceUnit.KILOMETRES, _("Kilometers"))],
        widget=forms.RadioSelect,
        required=False,
    )


class ReminderPreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = [
            "confirmation",
            "reminder_24h",
            "cancellation",
            "questionnaire_due",
            "program_nudge",
            "nudge_time",
        ]
        # The runner's words, in their language; the model's labels are the desk's.
        labels = {
            "confirmation": _("Booking confirmations"),
            "reminder_24h": _("Reminder the day before"),
            "cancellation": _("Cancellation notices"),
            "questionnaire_due": _("Questionnaire due"),
            "program_nudge": _("Daily nudge when I have not logged my exercises"),
            "nudge_time": _("Nudge time (clinic time zone)"),
        }
        widgets = {
            "nudge_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            # The time matters only while the nudge is on: static/js/app.js hides it otherwise.
            "program_nudge": forms.CheckboxInput(attrs={"data-reveals": "id_nudge_time"}),
        }


class ReminderFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All")] + [(s.value, s.label) for s in ReminderStatus], required=False
    )
