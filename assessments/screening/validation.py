"""Validate and normalise screening answers against the question schema."""

import math

from .questions import EXAM_KEYS, QUESTIONS

_EXAM_KEY_SET = frozenset(EXAM_KEYS)
_BOOL_MESSAGE = "Must be true or false."


class ScreeningValidationError(ValueError):
    """Screening answers that break the schema; .errors maps each bad field to its messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {field: list(messages) for field, messages in sorted(errors.items())}
        super().__init__(self._summary())

    def _summary(self):
        """Render every field and message on one line."""
        parts = [f"{field}: {' '.join(messages)}" for field, messages in self.errors.items()]
        return "Invalid screening answers: " + "; ".join(parts)


def _check_boolean(value, _question):
    """Return the bool, or an error message."""
    # bool is checked by type because 0/1 would pass a truthiness or int test.
    if type(value) is bool:
        return value, None
    return None, [_BOOL_MESSAGE]


def _check_choice(value, question):
    """Return the chosen option value, or an error message."""
    if type(value) is str and value in question["_values"]:
        return value, None
    return None, ["Must be one of: " + ", ".join(question["_order"]) + "."]


def _check_multi_choice(value, question):
    """Return the options in schema order, or error messages."""
    if type(value) is not list:
        return None, ["Must be a list."]
    errors = []
    seen = set()
    for item in value:
        if type(item) is not str or item not in question["_values"]:
            errors.append(f"Unknown option {item!r}.")
        elif item in seen:
            errors.append(f"{item!r} is listed more than once.")
        else:
            seen.add(item)
    if not value and question.get("min_items"):
        errors.append("Choose at least one.")
    if errors:
        return None, errors
    return [option for option in question["_order"] if option in seen], None


def _check_integer(value, question):
    """Return the whole number within bounds (max None: no upper bound), or an error message."""
    low, high = question["min"], question["max"]
    if type(value) is int and low <= value and (high is None or value <= high):
        return value, None
    if high is None:
        return None, [f"Must be a whole number, {low} or more."]
    return None, [f"Must be a whole number from {low} to {high}."]


def _check_number(value, question):
    """Return the finite number within bounds (max None: no upper bound), or an error message."""
    low, high = question["min"], question.get("max")
    is_number = type(value) in (int, float) and math.isfinite(value)
    if is_number and value >= low and (high is None or value <= high):
        return value, None
    if high is None:
        return None, [f"Must be a number, {low} or more."]
    return None, [f"Must be a number from {low} to {high}."]


def _check_exam(value, _question):
    """Return the known exam findings in schema order, or dotted-field errors."""
    if type(value) is not dict:
        return None, {"exam": ["Must be an object of exam findings."]}
    errors = {}
    for key, finding in value.items():
        if key not in _EXAM_KEY_SET:
            errors[f"exam.{key}"] = ["Unknown exam finding."]
        elif type(finding) is not bool:
            errors[f"exam.{key}"] = [_BOOL_MESSAGE]
    if errors:
        return None, errors
    return {key: value[key] for key in EXAM_KEYS if key in value}, None


_CHECKS = {
    "boolean": _check_boolean,
    "choice": _check_choice,
    "multi_choice": _check_multi_choice,
    "integer": _check_integer,
    "number": _check_number,
    "exam": _check_exam,
}


def _prepare(question):
    """Attach the option lookups a check needs."""
    prepared = dict(question)
    prepared["_order"] = tuple(option["value"] for option in question["options"])
    prepared["_values"] = frozenset(prepared["_order"])
    prepared["_check"] = _CHECKS[question["type"]]
    return prepared


_SCHEMA = tuple(_prepare(question) for question in QUESTIONS)
_KNOWN_KEYS = frozenset(question["key"] for question in QUESTIONS)


def validate_answers(answers: dict) -> dict:
    """Return normalised answers, or raise ScreeningValidationError naming every bad field."""
    if type(answers) is not dict:
        raise ScreeningValidationError({"answers": ["Must be an object of answers."]})
    errors = {}
    for key in answers:
        if key not in _KNOWN_KEYS:
            errors[str(key)] = ["Unknown question."]
    normalised = {}
    for question in _SCHEMA:
        key = question["key"]
        if key not in answers:
            if question["required"]:
                errors[key] = ["This answer is required."]
            continue
        value, problem = question["_check"](answers[key], question)
        if problem is None:
            normalised[key] = value
        elif isinstance(problem, dict):
            errors.update(problem)
        else:
            errors[key] = problem
    if errors:
        raise ScreeningValidationError(errors)
    return normalised
