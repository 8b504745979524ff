"""Screening engine: red-flag gate, region gate, feature points, bone-stress override, bands."""

from dataclasses import dataclass

from .compiler import Compiler, RulesetError, load_rules
from .validation import validate_answers

BSI = "bone_stress_injury"
GATE_REASON = "region_not_typical"


@dataclass(frozen=True, slots=True)
class Feature:
    """One weighted answer pattern of a condition."""

    id: str
    points: int
    when: object
    only_if: object  # None, or a predicate that must hold for the feature to apply at all


@dataclass(frozen=True, slots=True)
class Condition:
    """A condition with its region gate (None: every region) and features."""

    code: str
    gate: frozenset | None
    features: tuple


@dataclass(frozen=True, slots=True)
class RedFlag:
    """A referral rule with its urgency and decision-support message."""

    code: str
    urgency: str
    rank: int
    message: str
    when: object
    suppressed_by: frozenset
    # High-risk sites: (name, bone-sign predicate, risk-factor predicate) and the message parts
    # that name the sites that fired; empty for a flag with a fixed message.
    sites: tuple = ()
    site_messages: tuple = ()

    def message_for(self, answers):
        """The flag's message, naming the sites that fired and what fired there."""
        if not self.sites:
            return self.message
        signs = [name for name, sign, _ in self.sites if sign(answers) is True]
        risks = [
            name
            for name, sign, risk in self.sites
            if sign(answers) is not True and risk(answers) is True
        ]
        sign_text, risk_text = self.site_messages
        parts = [
            text.format(sites=_join(names))
            for text, names in ((sign_text, signs), (risk_text, risks))
            if names
        ]
        return self.message.format(findings="; ".join(parts) or "Signs at a high-risk site")


def _join(names):
    """Join site names in plain English: "a", "a and b", "a, b and c"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _compile_feature(compiler, spec):
    """Compile one weighted feature."""
    only_if = spec.get("only_if")
    return Feature(
        id=spec["id"],
        points=spec["points"],
        when=compiler.compile(spec["when"]),
        only_if=None if only_if is None else compiler.compile(only_if),
    )


def _compile_ruleset(rules):
    """Turn the rules data into the structures the engine runs on."""
    compiler = Compiler(rules["definitions"])
    urgency_rank = {urgency: index for index, urgency in enumerate(rules["urgency_order"])}
    conditions = tuple(
        Condition(
            code=spec["code"],
            gate=None if spec["region_gate"] is None else frozenset(spec["region_gate"]),
            features=tuple(_compile_feature(compiler, f) for f in spec["features"]),
        )
        for spec in rules["conditions"]
    )
    red_flags = tuple(
        RedFlag(
            code=spec["code"],
            urgency=spec["urgency"],
            rank=urgency_rank[spec["urgency"]],
            message=spec["message"],
            when=compiler.compile(spec["when"]),
            suppressed_by=frozenset(spec.get("suppressed_by", ())),
            sites=tuple(
                (
                    site["name"],
                    compiler.compile(site["bone_sign"]),
                    compiler.compile(site["risk_factor"]),
                )
                for site in spec.get("sites", ())
            ),
            site_messages=(
                (spec["site_messages"]["bone_sign"], spec["site_messages"]["risk_factor"])
                if "sites" in spec
                else ()
            ),
        )
        for spec in rules["red_flags"]
    )
    override = rules["bone_stress_override"]
    triggers = tuple(
        (trigger["id"], compiler.compile(trigger["when"])) for trigger in override["hard_triggers"]
    )
    _check_ruleset(rules, conditions, red_flags, urgency_rank)
    return conditions, red_flags, triggers


def _check_ruleset(rules, conditions, red_flags, urgency_rank):
    """Refuse rules data that would break the result contract."""
    codes = tuple(condition.code for condition in conditions)
    # The codes themselves are the clinic's six (dangpt.conditions): the app's system check
    # compares them, so this package stays free of Django.
    if len(set(codes)) != len(codes) or set(rules["tie_break_order"]) != set(codes):
        raise RulesetError("Rules must define each condition once, all of them in tie_break_order")
    if tuple(urgency_rank) != ("same_day", "prompt", "routine"):
        raise RulesetError("urgency_order must be same_day, prompt, routine")
    flag_codes = [flag.code for flag in red_flags]
    if len(set(flag_codes)) != len(flag_codes):
        raise RulesetError("Red-flag codes must be unique")
    for flag in red_flags:
        if not flag.suppressed_by <= set(flag_codes):
            raise RulesetError(f"{flag.code} is suppressed by an unknown flag")
    if rules["bone_stress_override"]["urgency"] not in urgency_rank:
        raise RulesetError("bone_stress_override.urgency is not a known urgency")


RULES = load_rules()
RULESET_VERSION = RULES["ruleset_version"]
_CONDITIONS, _RED_FLAGS, _BSI_TRIGGERS = _compile_ruleset(RULES)
CONDITION_CODES = tuple(condition.code for condition in _CONDITIONS)
_HIGH = RULES["bands"]["high"]
_MODERATE = RULES["bands"]["moderate"]
_MIXED_WITHIN = RULES["mixed_within_pct"]
_BSI_THRESHOLD = RULES["bone_stress_override"]["score_threshold"]
_BSI_URGENCY = RULES["bone_stress_override"]["urgency"]
_URGENCY_RANK = {urgency: index for index, urgency in enumerate(RULES["urgency_order"])}
_TIE_RANK = {code: index for index, code in enumerate(RULES["tie_break_order"])}
SUSPECTED_BSI_MESSAGE = RULES["bone_stress_override"]["message"]
FEATURE_LABELS = {
    spec["code"]: {feature["id"]: feature["label"] for feature in spec["features"]}
    for spec in RULES["conditions"]
}


def _band(score_pct):
    """Map a percentage to high, moderate or low."""
    if score_pct >= _HIGH:
        return "high"
    return "moderate" if score_pct >= _MODERATE else "low"


def _score(condition, answers):
    """Return (raw points, percent of the points reachable from what was answered, reasons)."""
    if condition.gate is not None and condition.gate.isdisjoint(answers["regions"]):
        return 0, 0, [{"feature": GATE_REASON, "points": 0}]
    raw = possible = 0
    reasons = []
    for feature in condition.features:
        if feature.only_if is not None and feature.only_if(answers) is not True:
            continue  # not applicable to this presentation
        present = feature.when(answers)
        if present is None:
            continue  # not asked: neither evidence for nor against
        if feature.points > 0:
            possible += feature.points
        if present:
            raw += feature.points
            reasons.append({"feature": feature.id, "points": feature.points})
    # Integer round-half-up of max(0, raw) / possible, so 0-100 without float drift.
    percent = (200 * max(0, raw) + possible) // (2 * possible) if possible else 0
    return raw, percent, reasons


def _red_flags(answers):
    """Return fired red flags, most urgent first, minus those a more specific flag covers."""
    fired = {flag.code: flag for flag in _RED_FLAGS if flag.when(answers) is True}
    kept = [flag for flag in fired.values() if flag.suppressed_by.isdisjoint(fired)]
    kept.sort(key=lambda flag: flag.rank)  # stable: rule order within one urgency
    return [{"code": f.code, "urgency": f.urgency, "message": f.message_for(answers)} for f in kept]


def _bone_stress(raw, answers, reasons):
    """Return whether bone stress is suspected, listing the hard triggers that fired."""
    triggers = [name for name, when in _BSI_TRIGGERS if when(answers) is True]
    reasons.extend({"feature": f"trigger_{name}", "points": 0} for name in triggers)
    return raw >= _BSI_THRESHOLD or bool(triggers)


def _evaluate(answers):
    """Screen answers that validate_answers has already normalised."""
    red_flags = _red_flags(answers)
    ranked = []
    suspected_bsi = False
    for condition in _CONDITIONS:
        raw, percent, reasons = _score(condition, answers)
        if condition.code == BSI:
            suspected_bsi = _bone_stress(raw, answers, reasons)
        band = _band(percent)
        ranked.append(
            {"code": condition.code, "score_pct": percent, "band": band, "reasons": reasons}
        )
    ranked.sort(key=lambda entry: (-entry["score_pct"], _TIE_RANK[entry["code"]]))
    urgencies = [flag["urgency"] for flag in red_flags]
    if suspected_bsi:
        urgencies.append(_BSI_URGENCY)
    close = ranked[0]["score_pct"] - ranked[1]["score_pct"] <= _MIXED_WITHIN
    return {
        "ruleset_version": RULESET_VERSION,
        "disposition": "refer" if urgencies else "treat",
        "urgency": min(urgencies, key=_URGENCY_RANK.__getitem__) if urgencies else None,
        "suspected_bsi": suspected_bsi,
        "red_flags": red_flags,
        "pattern": "mixed" if close else "clear",
        "conditions": ranked,
    }


def screen(answers: dict) -> dict:
    """Validate screening answers and return the DESIGN.md screening result."""
    return _evaluate(validate_answers(answers))
