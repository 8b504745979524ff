"""Forms of screening: the questionnaire (runner and therapist), acknowledgement, diagnosis."""

from django import forms
from django.utils.translation import gettext, gettext_noop

from assessments.screening import EXAM_FINDINGS, NO_SELF_PRESS_REGIONS, QUESTIONS
from dangpt.conditions import Diagnosis

KNEE_REGIONS = ("anterior_knee", "lateral_knee", "medial_knee", "posterior_knee")
LOWER_LEG_REGIONS = ("medial_shin", "anterior_shin", "calf")
ACHILLES_REGIONS = ("achilles", "posterior_heel", "calf")

# Questions that only make sense for some answers. Shown or hidden by static/assessments/
# screening.js; without JavaScript every question is shown, and every answer given is kept, so a
# red-flag answer is never dropped.
SHOW_WHEN = {
    "onset_pop": {"onset": ("sudden", "trauma")},
    "weak_push_off": {"regions": ACHILLES_REGIONS},
    "locking_or_giving_way": {"regions": KNEE_REGIONS},
    "exertional_burning_tightness": {"regions": LOWER_LEG_REGIONS},
    "tendon_thickening": {"regions": ACHILLES_REGIONS},
    "recent_fluoroquinolone": {"regions": ACHILLES_REGIONS},
}

# The runner is never asked to hop or jump. A gentle one-finger press is asked everywhere, high-risk
# sites included (issue 15 #8: at the groin, front of the shin and top of the midfoot the high-risk
# patterns need it), except where one cannot press one spot of one's own bone: there the self-check
# is hidden, and its answer is ignored if given anyway (no JavaScript).
RUNNER_SELF_CHECKS = ("focal_bone_tenderness",)
RUNNER_LABELS = {
    "focal_bone_tenderness": gettext_noop(
        "Can you point to one spot on the bone that hurts when you press it gently with one "
        "finger? Skip this for the pubic bone and for the buttock or base of the spine."
    ),
}
RUNNER_HELP = {
    "focal_bone_tenderness": gettext_noop(
        "Do not hop or jump to test it. If unsure, choose Not sure."
    ),
    "aggravators": gettext_noop(
        "Tick only what you have already noticed. Please do not try anything to check."
    ),
}
RUNNER_OPTION_LABELS = {"hopping": gettext_noop("Hopping or jumping (only if you have noticed it)")}

GROUPS = (
    (
        gettext_noop("Where and when"),
        ("regions", "side", "onset", "onset_pop", "weak_push_off", "duration_weeks"),
    ),
    (gettext_noop("How much it hurts"), ("pain_now", "pain_worst_24h", "pain_running")),
    (gettext_noop("What it is like"), ("timing", "aggravators", "swelling")),
    (gettext_noop("Self-check"), ("focal_bone_tenderness",)),
)
OTHER_QUESTIONS = gettext_noop("Other questions")

EXAM_PREFIX = "exam_"
EXAM_CHOICES = (("", "Not tested"), ("yes", "Positive"), ("no", "Negative"))
YES_NO = (("yes", gettext_noop("Yes")), ("no", gettext_noop("No")))
# Questions the therapist form shows that are not on the screening schema's answer list.
ANSWER_QUESTIONS = tuple(q for q in QUESTIONS if q["type"] != "exam")


def _choice_value(value):
    """Form value of an option (booleans become yes/no)."""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    return value


def _runner_text(text: str) -> str:
    """The runner's wording in the active language (the English text is the catalogue key)."""
    return gettext(text) if text else text


def _field_for(question, *, runner: bool) -> forms.Field:
    """Build the form field that asks one question; the runner's in their language."""
    key, kind = question["key"], question["type"]
    if runner:
        label = _runner_text(RUNNER_LABELS.get(key, question["label"]))
        help_text = _runner_text(RUNNER_HELP.get(key, question["help"]))
    else:
        label, help_text = question["label"], question["help"]
    common = {"label": label, "help_text": help_text, "required": question["required"]}
    if kind == "boolean":
        yes_no = [(value, _runner_text(text)) for value, text in YES_NO] if runner else YES_NO
        return forms.ChoiceField(choices=yes_no, widget=forms.RadioSelect, **common)
    if kind in ("choice", "multi_choice"):
        choices = [
            (
                _choice_value(o["value"]),
                _runner_text(RUNNER_OPTION_LABELS.get(o["value"], o["label"]))
                if runner
                else o["label"],
            )
            for o in question["options"]
        ]
        if kind == "choice":
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "integer":
        return forms.IntegerField(min_value=question["min"], max_value=question["max"], **common)
    return forms.DecimalField(
        min_value=question["min"],
        max_value=question.get("max"),
        max_digits=5,
        decimal_places=1,
        **common,
    )


class ScreeningAnswersForm(forms.Form):
    """The screening questions; the therapist's version adds the exam findings."""

    def __init__(self, *args, runner: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.runner = runner
        for question in ANSWER_QUESTIONS:
            self.fields[question["key"]] = _field_for(question, runner=runner)
        if not runner:
            for finding in EXAM_FINDINGS:
                self.fields[EXAM_PREFIX + finding["key"]] = forms.ChoiceField(
                    label=finding["label"],
                    choices=EXAM_CHOICES,
                    required=False,
                    widget=forms.RadioSelect,
                )

    @classmethod
    def initial_from(cls, answers: dict) -> dict:
        """Form initial data from stored answers."""
        initial = {}
        for key, value in answers.items():
            if key == "exam":
                for finding, found in value.items():
                    initial[EXAM_PREFIX + finding] = _choice_value(found)
            elif isinstance(value, list):
                initial[key] = [_choice_value(v) for v in value]
            else:
                initial[key] = _choice_value(value)
        return initial

    def answers(self) -> dict:
        """The cleaned answers in the engine's format; an unanswered question is left out."""
        answers = {}
        for question in ANSWER_QUESTIONS:
            key, kind = question["key"], question["type"]
            value = self.cleaned_data.get(key)
            if kind == "multi_choice":
                answers[key] = list(value or [])  # shown and asked: none ticked means none apply
            elif value in (None, ""):
                continue
            elif kind == "boolean":
                answers[key] = value == "yes"
            elif kind == "number":
                answers[key] = int(value) if value == value.to_integral_value() else float(value)
            else:
                answers[key] = value
        if self.runner and NO_SELF_PRESS_REGIONS.intersection(answers.get("regions", ())):
            for key in RUNNER_SELF_CHECKS:
                answers.pop(key, None)
        exam = {
            f["key"]: self.cleaned_data[EXAM_PREFIX + f["key"]] == "yes"
            for f in EXAM_FINDINGS
            if self.cleaned_data.get(EXAM_PREFIX + f["key"])
        }
        if exam:
            answers["exam"] = exam
        return answers

    def add_engine_errors(self, errors: dict) -> None:
        """Attach the engine's field errors to the matching form fields."""
        for field, messages in errors.items():
            name = field.replace("exam.", EXAM_PREFIX)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)

    def sections(self) -> list[dict]:
        """Bound fields grouped for display, each with its show-when rule for the script."""
        placed = set()
        sections = []
        for title, keys in GROUPS:
            title = _runner_text(title) if self.runner else title
            section = {"title": title, "fields": [self._item(k) for k in keys]}
            if self.runner and set(keys) <= set(RUNNER_SELF_CHECKS):
                # The whole self-check section disappears at a high-risk site, heading and all.
                section["hide_regions"] = " ".join(sorted(NO_SELF_PRESS_REGIONS))
                for item in section["fields"]:
                    item["hide_regions"] = ""
            sections.append(section)
            placed.update(keys)
        rest = [self._item(q["key"]) for q in ANSWER_QUESTIONS if q["key"] not in placed]
        other = _runner_text(OTHER_QUESTIONS) if self.runner else OTHER_QUESTIONS
        sections.append({"title": other, "fields": rest})
        if not self.runner:
            exam = [self._item(EXAM_PREFIX + f["key"]) for f in EXAM_FINDINGS]
            sections.append({"title": "Exam findings", "fields": exam, "exam": True})
        return sections

    def _item(self, name: str) -> dict:
        """One bound field with the data attributes that drive conditional display."""
        rule = SHOW_WHEN.get(name, {})
        return {
            "field": self[name],
            "show_onset": " ".join(rule.get("onset", ())),
            "show_regions": " ".join(rule.get("regions", ())),
            "hide_regions": " ".join(sorted(NO_SELF_PRESS_REGIONS))
            if self.runner and name in RUNNER_SELF_CHECKS
            else "",
        }


class PatientChoiceForm(forms.Form):
    """Which patient a new therapist screening is for."""

    patient = forms.ModelChoiceField(queryset=None, label="Patient")

    def __init__(self, *args, patients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["patient"].queryset = patients


class AcknowledgeForm(forms.Form):
    """A therapist's acknowledgement of a referral or suspected bone stress injury."""

    note = forms.CharField(
        label="What was done",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="E.g. referred to urgent care today; runner told to stop running.",
    )


class DiagnosisForm(forms.Form):
    """The therapist's final working diagnosis."""

    diagnosis = forms.ChoiceField(
        label="Working diagnosis", choices=[("", "Choose…"), *Diagnosis.choices]
    )
    note = forms.CharField(
        label="Details",
        required=False,
        max_length=250,
        help_text="Required when choosing other.",
    )

    def clean(self):
        """Other needs a description."""
        cleaned = super().clean()
        if cleaned.get("diagnosis") == Diagnosis.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", "Describe the working diagnosis when choosing other.")
        return cleaned
