"""Property tests of the screening engine over random valid and invalid answers."""

import json
import math

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assessments.screening import (
    CONDITION_CODES,
    EXAM_FINDINGS,
    QUESTIONS,
    RULESET_VERSION,
    ScreeningValidationError,
    screen,
    validate_answers,
)
from assessments.screening.engine import RULES

URGENCIES = ("same_day", "prompt", "routine")
URGENCY_RANK = {urgency: index for index, urgency in enumerate(URGENCIES)}
TIE_RANK = {code: index for index, code in enumerate(RULES["tie_break_order"])}
EXAM_KEYS = [finding["key"] for finding in EXAM_FINDINGS]
BOOLEAN_KEYS = [q["key"] for q in QUESTIONS if q["type"] == "boolean"]
# Exam findings that only ever add to red flags or bone-stress suspicion.
RED_FLAG_EXAM_FINDINGS = [
    "thompson_positive",
    "hop_pain",
    "hip_internal_rotation_pain",
    "n_spot_tenderness",
    "calcaneal_squeeze_pain",
]
# Answers each of which raises a red flag on its own, whatever else was answered.
SELF_SUFFICIENT_RED_FLAG_ANSWERS = [
    ("calf_swelling_warmth", True),
    ("fever_or_unwell", True),
    ("unexplained_weight_loss", True),
    ("history_of_cancer", True),
    ("unable_to_bear_weight", True),
    ("exertional_burning_tightness", True),
    ("numbness_tingling", True),
    ("missed_periods_3_months", True),
    ("restrictive_eating_or_weight_loss", True),
    ("periods_never_started_by_15", True),
    ("low_libido_or_morning_erections", True),
    ("previous_bone_stress_injury", True),
    ("bone_stress_injury_hip_pelvis_2y", True),
    ("bone_stress_injuries_2y", 1),
    ("bone_stress_injuries_2y", 2),
    ("locking_or_giving_way", True),
    ("foot_cold_pale_or_weak", True),
    ("swelling", "joint"),
    ("timing", "at_rest"),
    ("timing", "at_night"),
    ("exam.thompson_positive", True),
]
SETTINGS = settings(
    database=None, max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None
)


def _values(question):
    """Return the option values of a question."""
    return [option["value"] for option in question["options"]]


def _value_strategy(question):
    """Return a strategy of valid values for one question."""
    kind = question["type"]
    if kind == "boolean":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from(_values(question))
    if kind == "multi_choice":
        return st.lists(
            st.sampled_from(_values(question)), unique=True, min_size=question.get("min_items", 0)
        )
    if kind == "integer":
        return st.integers(question["min"], question["max"])
    if kind == "number":
        finite = st.floats(0, 520, allow_nan=False, allow_infinity=False)
        return st.one_of(st.integers(0, 520), finite)
    return st.dictionaries(st.sampled_from(EXAM_KEYS), st.booleans())


valid_answers = st.fixed_dictionaries(
    {q["key"]: _value_strategy(q) for q in QUESTIONS if q["required"]},
    optional={q["key"]: _value_strategy(q) for q in QUESTIONS if not q["required"]},
)


def assert_valid_result(result):
    """Check a screening result against the DESIGN.md contract, strictly."""
    assert list(result) == [
        "ruleset_version",
        "disposition",
        "urgency",
        "suspected_bsi",
        "red_flags",
        "pattern",
        "conditions",
    ]
    assert result["ruleset_version"] == RULESET_VERSION
    assert result["disposition"] in ("treat", "refer")
    assert type(result["suspected_bsi"]) is bool
    assert result["pattern"] in ("clear", "mixed")
    _assert_red_flags(result["red_flags"])
    _assert_conditions(result["conditions"])
    urgencies = [flag["urgency"] for flag in result["red_flags"]]
    if result["suspected_bsi"]:
        urgencies.append("prompt")
    if urgencies:
        assert result["disposition"] == "refer"
        assert result["urgency"] == min(urgencies, key=URGENCY_RANK.__getitem__)
    else:
        assert result["disposition"] == "treat"
        assert result["urgency"] is None
    scores = [condition["score_pct"] for condition in result["conditions"]]
    assert (result["pattern"] == "mixed") == (scores[0] - scores[1] <= RULES["mixed_within_pct"])
    assert json.loads(json.dumps(result)) == result


def _assert_red_flags(red_flags):
    """Red flags carry a code, a known urgency and a message, most urgent first."""
    assert type(red_flags) is list
    for flag in red_flags:
        assert set(flag) == {"code", "urgency", "message"}
        assert type(flag["code"]) is str and flag["code"]
        assert flag["urgency"] in URGENCIES
        assert type(flag["message"]) is str and flag["message"]
    ranks = [URGENCY_RANK[flag["urgency"]] for flag in red_flags]
    assert ranks == sorted(ranks)
    assert len({flag["code"] for flag in red_flags}) == len(red_flags)


def _assert_conditions(conditions):
    """All six conditions, integer scores 0-100 with matching bands, sorted, fixed tie-break."""
    assert type(conditions) is list
    assert sorted(condition["code"] for condition in conditions) == sorted(CONDITION_CODES)
    for condition in conditions:
        assert list(condition) == ["code", "score_pct", "band", "reasons"]
        score = condition["score_pct"]
        assert type(score) is int and 0 <= score <= 100
        expected_band = "high" if score >= 70 else "moderate" if score >= 40 else "low"
        assert condition["band"] == expected_band
        for reason in condition["reasons"]:
            assert list(reason) == ["feature", "points"]
            assert type(reason["feature"]) is str and reason["feature"]
            assert type(reason["points"]) is int
        if score > 0:
            assert sum(reason["points"] for reason in condition["reasons"]) > 0
    keys = [(-c["score_pct"], TIE_RANK[c["code"]]) for c in conditions]
    assert keys == sorted(keys)


@SETTINGS
@given(valid_answers)
def test_any_valid_answers_give_a_valid_result(answers):
    """Every valid answer set screens to a result that keeps the contract."""
    assert_valid_result(screen(answers))


@SETTINGS
@given(valid_answers)
def test_validation_is_idempotent_and_screening_uses_it(answers):
    """Normalised answers validate to themselves and screen the same as the raw answers."""
    normalised = validate_answers(answers)
    assert validate_answers(normalised) == normalised
    assert screen(normalised) == screen(answers)


@SETTINGS
@given(valid_answers, st.sampled_from(SELF_SUFFICIENT_RED_FLAG_ANSWERS))
def test_a_red_flag_answer_always_refers(answers, change):
    """Each red-flag answer refers on its own, never less urgently than before it was given."""
    before = screen(answers)
    after = screen(_with_answer(answers, *change))
    assert after["disposition"] == "refer"
    assert after["red_flags"]
    if before["urgency"] is not None and change[0] != "swelling":
        assert URGENCY_RANK[after["urgency"]] <= URGENCY_RANK[before["urgency"]]


@SETTINGS
@given(
    valid_answers,
    st.sampled_from(BOOLEAN_KEYS + [f"exam.{key}" for key in RED_FLAG_EXAM_FINDINGS]),
)
def test_saying_yes_never_turns_refer_into_treat(answers, key):
    """Answering yes to any yes/no question or red-flag exam finding keeps a referral."""
    before = screen(answers)
    after = screen(_with_answer(answers, key, True))
    if before["disposition"] == "refer":
        assert after["disposition"] == "refer"
    if before["suspected_bsi"]:
        assert after["suspected_bsi"]


def _with_answer(answers, key, value):
    """Return a copy of answers with one answer set (or added to a list answer)."""
    changed = dict(answers)
    if key.startswith("exam."):
        changed["exam"] = {**answers.get("exam", {}), key[5:]: value}
    elif key in ("timing", "regions"):
        changed[key] = sorted({*answers.get(key, []), value})
    else:
        changed[key] = value
    return changed


def _wrong_value(question):
    """Return a strategy of values of the wrong type or out of range for a question."""
    kind = question["type"]
    if kind == "boolean":
        return st.sampled_from([0, 1, "true", "yes", None, [True]])
    if kind == "choice":
        return st.sampled_from(["", "LEFT", "maybe", 1, True, None, ["left"]])
    if kind == "multi_choice":
        bad_items = st.sampled_from(["nowhere", 3, None, ""])
        return st.one_of(st.just("anterior_knee"), st.lists(bad_items, min_size=1), st.just({}))
    if kind == "integer":
        out_of_range = st.one_of(st.integers(max_value=question["min"] - 1), st.integers(11, 10**6))
        if question["key"] == "age_years":
            out_of_range = st.one_of(st.integers(max_value=-1), st.integers(121, 10**6))
        if question["max"] is None:
            out_of_range = st.integers(max_value=question["min"] - 1)
        return st.one_of(out_of_range, st.sampled_from([5.0, "5", True, None, 2.5]))
    if kind == "number":
        negative = st.floats(max_value=-0.001, allow_nan=False, allow_infinity=False)
        return st.one_of(negative, st.sampled_from([math.nan, math.inf, "4", True, None]))
    return st.sampled_from([[], "none", None, True])


corruptions = st.one_of(
    st.sampled_from(QUESTIONS).flatmap(
        lambda q: _wrong_value(q).map(lambda value, key=q["key"]: (key, key, value))
    ),
    st.text(min_size=1)
    .filter(lambda key: key not in {q["key"] for q in QUESTIONS})
    .map(lambda key: (key, key, True)),
    st.sampled_from(EXAM_KEYS).flatmap(
        lambda key: st.sampled_from([0, 1, "yes", None]).map(
            lambda value, key=key: (f"exam.{key}", "exam", {key: value})
        )
    ),
    st.just(("exam.x_ray_done", "exam", {"x_ray_done": True})),
)


@SETTINGS
@given(valid_answers, st.lists(corruptions, min_size=1, max_size=4, unique_by=lambda c: c[1]))
def test_invalid_answers_name_every_bad_field(answers, changes):
    """Unknown keys, wrong types and out-of-range values raise, naming each bad field."""
    corrupted = dict(answers)
    for _field, key, value in changes:
        corrupted[key] = value
    with pytest.raises(ScreeningValidationError) as caught:
        screen(corrupted)
    for field, _key, _value in changes:
        assert field in caught.value.errors
        assert all(type(message) is str and message for message in caught.value.errors[field])
        assert field in str(caught.value)


@SETTINGS
@given(valid_answers, st.sampled_from([q["key"] for q in QUESTIONS if q["required"]]))
def test_missing_required_answer_is_named(answers, key):
    """Leaving out a required answer names it."""
    incomplete = {k: v for k, v in answers.items() if k != key}
    with pytest.raises(ScreeningValidationError) as caught:
        validate_answers(incomplete)
    assert list(caught.value.errors) == [key]


@pytest.mark.parametrize("regions", [[], ["anterior_knee", "anterior_knee"], ["knee"]])
def test_bad_regions_are_named(regions):
    """Empty, duplicated or unknown regions name the regions field."""
    answers = {
        "regions": regions,
        "side": "left",
        "onset": "gradual",
        "pain_now": 1,
        "pain_worst_24h": 2,
        "pain_running": 3,
    }
    with pytest.raises(ScreeningValidationError) as caught:
        screen(answers)
    assert list(caught.value.errors) == ["regions"]


# Bone-stress monotonicity (issue 15): more bone-stress evidence never lowers the concern.
BONE_STRESS_ADDITIONS = [
    ("timing", "with_walking"),
    ("timing", "at_rest"),
    ("timing", "at_night"),
    ("timing", "start_of_run_eases"),
    ("timing", "first_steps_morning"),
    ("timing", "morning_stiffness"),
    ("missed_periods_3_months", True),
    ("restrictive_eating_or_weight_loss", True),
    ("periods_never_started_by_15", True),
    ("previous_bone_stress_injury", True),
    ("bone_stress_injuries_2y", 1),
    ("bone_stress_injuries_2y", 3),
    ("bone_stress_injury_hip_pelvis_2y", True),
    ("low_libido_or_morning_erections", True),
]


def _bone_stress(result):
    """Return the bone-stress entry's raw points and percent."""
    entry = next(c for c in result["conditions"] if c["code"] == "bone_stress_injury")
    return sum(reason["points"] for reason in entry["reasons"]), entry["score_pct"]


@SETTINGS
@given(valid_answers, st.sampled_from(BONE_STRESS_ADDITIONS))
@example(
    {
        "regions": ["medial_shin"],
        "side": "left",
        "onset": "gradual",
        "pain_now": 2,
        "pain_worst_24h": 4,
        "pain_running": 5,
        "timing": ["with_walking"],
        "recent_load_increase": True,
    },
    ("timing", "start_of_run_eases"),
)
def test_bone_stress_evidence_never_lowers_the_concern(answers, change):
    """More bone-stress evidence never lowers its score, suspected BSI, referral or urgency."""
    answers = {**answers, "timing": answers.get("timing", [])}
    key, value = change
    if key == "bone_stress_injuries_2y" and answers.get(key, 0) >= value:
        value = answers[key] + 1
    before = screen(answers)
    after = screen(_with_answer(answers, key, value))
    raw_before, pct_before = _bone_stress(before)
    raw_after, pct_after = _bone_stress(after)
    assert raw_after >= raw_before
    assert pct_after >= pct_before
    if before["suspected_bsi"]:
        assert after["suspected_bsi"]
    if before["disposition"] == "refer":
        assert after["disposition"] == "refer"
        assert URGENCY_RANK[after["urgency"]] <= URGENCY_RANK[before["urgency"]]


@SETTINGS
@given(valid_answers, st.sampled_from(["medial_ankle", "ankle_joint", "under_big_toe"]))
def test_adding_a_new_high_risk_region_never_lowers_the_concern(answers, region):
    """Adding a medial malleolus, talus or sesamoid region keeps a referral and a suspected BSI."""
    before = screen(answers)
    after = screen(_with_answer(answers, "regions", region))
    if before["disposition"] == "refer":
        assert after["disposition"] == "refer"
        assert URGENCY_RANK[after["urgency"]] <= URGENCY_RANK[before["urgency"]]
    if before["suspected_bsi"]:
        assert after["suspected_bsi"]
