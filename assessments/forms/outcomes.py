"""Forms of outcome measures: a PROM's items, and the schedule of measures."""

from django import forms

from assessments.forms.widgets import DATE
from assessments.proms import INSTRUMENTS
from dangpt.conditions import Condition


class ScheduleForm(forms.Form):
    """The condition and baseline date of a new measure schedule."""

    condition = forms.ChoiceField(choices=Condition.choices)
    starts_on = forms.DateField(label="Baseline date", widget=DATE)


class DischargeForm(forms.Form):
    """The discharge date of a measure schedule."""

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
