"""Forms of the reminders pages."""

from django import forms

from patients.reminders.models import ReminderPreference, ReminderStatus


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
        widgets = {"nudge_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}


class ReminderFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "All")] + [(s.value, s.label) for s in ReminderStatus], required=False
    )
