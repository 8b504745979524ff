"""Forms of outcome measures: a PROM's items, and the schedule of measures."""

from django import forms
from django.utils.translation import gettext, gettext_lazy

from assessments.forms.widgets import DATE
from assessments.proms import INSTRUMENTS
from dangpt.conditions import Condition
from dangpt.dates import DayField

# Items with this many answer options or fewer, sharing them with the item before, go in one grid
# (LEFS 5, FAAM 6); longer scales (NPRS and VISA-A 0-10) are a row of choices of their own.
GRID_MAX_OPTIONS = 6


class ScheduleForm(forms.Form):
    """The condition and baseline date of a new measure schedule."""

    condition = forms.ChoiceField(choices=Condition.choices)
    starts_on = DayField(label="Baseline date", widget=DATE)


class DischargeForm(forms.Form):
    """The discharge date of a measure schedule."""

    discharge_on = DayField(label="Discharge date", widget=DATE)


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
        self._numbers: dict[str, int] = {}
        for number, item in enumerate(definition["items"], 1):
            self._values[item["id"]] = {str(o["value"]): o["value"] for o in item["options"]}
            self._numbers[item["id"]] = number
            self.fields[item["id"]] = forms.ChoiceField(
                label=item["label"],
                required=needs_all and not instrument.item(item["id"]).branch,
                widget=forms.RadioSelect,
                choices=[(str(o["value"]), o["label"]) for o in item["options"]],
                error_messages={"required": gettext_lazy("Choose an answer.")},
            )

    def clean(self):
        cleaned = super().clean()
        for group in self.branches.values():
            answered = [item.id for item in group if cleaned.get(item.id)]
            if len(answered) != 1:
                names = ", ".join(item.id.upper() for item in group)
                raise forms.ValidationError(
                    gettext("Answer exactly one of: %(names)s.") % {"names": names}
                )
        return cleaned

    def answers(self) -> dict:
        """Answers as the scoring engine takes them (blank items left out)."""
        return {
            item_id: self._values[item_id][raw]
            for item_id, raw in self.cleaned_data.items()
            if raw not in ("", None)
        }

    def blocks(self) -> list[dict]:
        """Items in order; neighbours with the same few answer options share one grid.

        A grid block has column ids and, per row, each radio with the ids of its row and column
        headers, which give the radio its accessible name (question, then answer).
        """
        blocks: list[dict] = []
        for item in self.definition["items"]:
            labels = tuple(o["label"] for o in item["options"])
            if blocks and blocks[-1]["labels"] == labels and len(labels) <= GRID_MAX_OPTIONS:
                blocks[-1]["rows"].append(self._row(item["id"]))
            else:
                blocks.append({"labels": labels, "rows": [self._row(item["id"])]})
        for index, block in enumerate(blocks):
            block["grid"] = len(block["rows"]) > 1
            block["columns"] = [
                {"id": f"prom-b{index}-c{column}", "label": label}
                for column, label in enumerate(block["labels"])
            ]
            for row in block["rows"]:
                row["cells"] = [
                    {"choice": choice, "labelledby": f"{row['header_id']} {column['id']}"}
                    for choice, column in zip(row["field"], block["columns"], strict=True)
                ]
        return blocks

    def _row(self, item_id: str) -> dict:
        field = self[item_id]
        return {
            "field": field,
            "number": self._numbers[item_id],
            "header_id": f"{field.auto_id}_question",
            "error_id": f"{field.auto_id}_error",
        }

    def error_summary(self) -> list[dict]:
        """Each unanswered or invalid item, in order, with a link to its first answer."""
        return [
            {
                "href": f"#{self[item_id].auto_id}_0",
                "number": self._numbers[item_id],
                "label": self.fields[item_id].label,
                "message": " ".join(self.errors[item_id]),
            }
            for item_id in self._numbers
            if item_id in self.errors
        ]
