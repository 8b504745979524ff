"""Load rules.json and compile its conditions into fast three-valued predicates.

A predicate returns True, False or None. None means "not known": the answers it needs were not
asked (or were answered "not sure"), so a feature built on it neither scores nor counts towards the
maximum, and a red flag built on it does not fire.
"""

import json
from pathlib import Path

from .questions import EXAM_KEYS, QUESTIONS_BY_KEY

RULES_PATH = Path(__file__).with_name("rules.json")

_VALUE_OPS = {"is": "boolean", "in": "choice", "has_any": "multi_choice"}
_NUMBER_OPS = {"gte", "between"}


class RulesetError(Exception):
    """The rules data refers to a question, option or definition that does not exist."""


def load_rules(path=RULES_PATH):
    """Read the ruleset data from disk."""
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _getter(key):
    """Return a function that reads one answer (dotted keys read exam findings)."""
    if key.startswith("exam."):
        finding = key[len("exam.") :]
        if finding not in EXAM_KEYS:
            raise RulesetError(f"Unknown exam finding in rules: {key}")

        def get_exam(answers):
            exam = answers.get("exam")
            return None if exam is None else exam.get(finding)

        return get_exam, {"type": "boolean", "options": ()}
    if key not in QUESTIONS_BY_KEY:
        raise RulesetError(f"Unknown question in rules: {key}")
    return (lambda answers: answers.get(key)), QUESTIONS_BY_KEY[key]


def _check_values(key, question, values):
    """Fail fast when rules name an option the question does not offer."""
    known = {option["value"] for option in question["options"]}
    unknown = [value for value in values if value not in known]
    if unknown:
        raise RulesetError(f"Unknown option(s) {unknown} for {key}")


def _compile_leaf(spec):
    """Compile a comparison on one answer."""
    key = spec["key"]
    get, question = _getter(key)
    ops = [op for op in (*_VALUE_OPS, *_NUMBER_OPS) if op in spec]
    if len(ops) != 1:
        raise RulesetError(f"Rule on {key} needs exactly one operator: {spec}")
    op = ops[0]
    expected_type = _VALUE_OPS.get(op)
    if expected_type and question["type"] != expected_type:
        raise RulesetError(f"Operator {op} does not fit {key} ({question['type']})")
    if op in _NUMBER_OPS and question["type"] not in ("integer", "number"):
        raise RulesetError(f"Operator {op} needs a number question, not {key}")

    if op == "is":
        wanted = spec["is"]
        if type(wanted) is not bool:
            raise RulesetError(f"'is' needs true or false on {key}")
        return lambda answers: None if (value := get(answers)) is None else value is wanted
    if op == "gte":
        low = spec["gte"]
        return lambda answers: None if (value := get(answers)) is None else value >= low
    if op == "between":
        low, high = spec["between"]
        return lambda answers: None if (value := get(answers)) is None else low <= value <= high

    values = frozenset(spec[op])
    _check_values(key, question, values)
    if op == "has_any":
        return lambda answers: (
            None if (chosen := get(answers)) is None else not values.isdisjoint(chosen)
        )
    unknown = frozenset(o["value"] for o in question["options"] if o.get("unknown"))
    return lambda answers: (
        None if (value := get(answers)) is None or value in unknown else value in values
    )


def _all(parts):
    """False if any part is False, True if all are True, otherwise None."""

    def evaluate(answers):
        result = True
        for part in parts:
            value = part(answers)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    return evaluate


def _any(parts):
    """True if any part is True, False if all are False, otherwise None."""

    def evaluate(answers):
        result = False
        for part in parts:
            value = part(answers)
            if value is True:
                return True
            if value is None:
                result = None
        return result

    return evaluate


def _not(part):
    """Negate, keeping None as None."""
    return lambda answers: None if (value := part(answers)) is None else not value


def _unless(part):
    """True unless the part is known to hold: unknown counts as not holding.

    For exclusions that need a recorded finding, such as a negative calcaneal squeeze: an
    exam not done must never cancel a referral.
    """
    return lambda answers: part(answers) is not True


def _at_least(count, parts):
    """True once count parts are True, False once that can no longer happen, else None."""

    def evaluate(answers):
        results = [part(answers) for part in parts]
        hits = results.count(True)
        if hits >= count:
            return True
        return False if hits + results.count(None) < count else None

    return evaluate


class Compiler:
    """Compile predicate specs, resolving named definitions once each."""

    def __init__(self, definitions):
        self._definitions = definitions
        self._compiled = {}
        self._in_progress = set()

    def compile(self, spec):
        """Return a predicate for one spec."""
        if "use" in spec:
            return self._use(spec["use"])
        if "all" in spec:
            return _all([self.compile(part) for part in spec["all"]])
        if "any" in spec:
            return _any([self.compile(part) for part in spec["any"]])
        if "not" in spec:
            return _not(self.compile(spec["not"]))
        if "unless" in spec:
            return _unless(self.compile(spec["unless"]))
        if "at_least" in spec:
            return _at_least(spec["at_least"], [self.compile(part) for part in spec["of"]])
        return _compile_leaf(spec)

    def _use(self, name):
        """Compile a named definition, refusing unknown names and cycles."""
        if name in self._compiled:
            return self._compiled[name]
        if name not in self._definitions:
            raise RulesetError(f"Unknown definition: {name}")
        if name in self._in_progress:
            raise RulesetError(f"Definition refers to itself: {name}")
        self._in_progress.add(name)
        self._compiled[name] = self.compile(self._definitions[name])
        self._in_progress.discard(name)
        return self._compiled[name]
