"""Unit tests of the screening engine: validation, gates, scoring, overrides and rules data."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assessments.forms.screening import ScreeningAnswersForm
from assessments.screening import (
    CONDITION_CODES,
    EXAM_FINDINGS,
    FEATURE_LABELS,
    HIGH_RISK_REGIONS,
    QUESTIONS,
    RULESET_VERSION,
    SUSPECTED_BSI_MESSAGE,
    ScreeningValidationError,
    bench,
    screen,
    validate_answers,
)
from assessments.screening.compiler import Compiler, RulesetError
from assessments.screening.engine import RULES
from tests.assessments.test_screening_properties import assert_valid_result

PACKAGE = Path(__file__).resolve().parents[2] / "assessments" / "screening"


def knee(**extra):
    """Return minimal valid answers for anterior knee pain, with extra answers."""
    answers = {
        "regions": ["anterior_knee"],
        "side": "left",
        "onset": "gradual",
        "pain_now": 2,
        "pain_worst_24h": 4,
        "pain_running": 5,
    }
    answers.update(extra)
    return answers


def condition(result, code):
    """Return one condition entry of a result."""
    return next(entry for entry in result["conditions"] if entry["code"] == code)


def flag_codes(result):
    """Return the red-flag codes of a result."""
    return [flag["code"] for flag in result["red_flags"]]


# Public API


def test_public_constants():
    """The package exposes the fixed condition codes, version and high-risk regions."""
    assert CONDITION_CODES == (
        "pfps",
        "mtss",
        "achilles_tendinopathy",
        "plantar_fasciitis",
        "itbs",
        "bone_stress_injury",
    )
    assert re.fullmatch(r"\d{4}\.\d+\.\d+", RULESET_VERSION)
    assert {
        "groin_hip",
        "dorsal_midfoot",
        "anterior_shin",
        "outer_midfoot",
        "pubic_bone",
        "buttock_sacrum",
        "medial_ankle",
        "ankle_joint",
        "under_big_toe",
    } == HIGH_RISK_REGIONS
    assert SUSPECTED_BSI_MESSAGE.startswith("Pattern consistent with")


def test_minimal_answers_screen_to_a_valid_result():
    """Only the required answers give a full, valid result."""
    result = screen(knee())
    assert_valid_result(result)
    assert result["conditions"][0]["code"] == "pfps"
    assert result["disposition"] == "treat"


def test_package_has_no_django_imports():
    """The engine imports and runs without Django."""
    code = (
        "import sys, assessments.screening as s; "
        "s.screen({'regions': ['calf'], 'side': 'left', 'onset': 'gradual', "
        "'pain_now': 0, 'pain_worst_24h': 0, 'pain_running': 0}); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    root = PACKAGE.parents[1]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
    for source in PACKAGE.glob("*.py"):
        assert not re.search(r"^\s*(from|import)\s+django", source.read_text(), re.M), source.name


# Validation


def test_validate_returns_normalised_copy():
    """Lists come back in schema order, exam in finding order; input untouched, absent kept out."""
    answers = knee(
        regions=["lateral_knee", "anterior_knee"],
        timing=["after_running", "first_steps_morning"],
        exam={"squat_pain": True, "patellar_palpation_pain": False},
    )
    original = json.loads(json.dumps(answers))
    normalised = validate_answers(answers)
    assert normalised["regions"] == ["anterior_knee", "lateral_knee"]
    assert normalised["timing"] == ["first_steps_morning", "after_running"]
    assert list(normalised["exam"]) == ["patellar_palpation_pain", "squat_pain"]
    assert "aggravators" not in normalised
    assert answers == original


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"limp": 1}, "limp"),
        ({"limp": 0}, "limp"),
        ({"limp": "false"}, "limp"),
        ({"limp": None}, "limp"),
        ({"pain_now": 11}, "pain_now"),
        ({"pain_now": -1}, "pain_now"),
        ({"pain_now": 5.0}, "pain_now"),
        ({"pain_now": True}, "pain_now"),
        ({"pain_running": "3"}, "pain_running"),
        ({"duration_weeks": -0.5}, "duration_weeks"),
        ({"duration_weeks": float("nan")}, "duration_weeks"),
        ({"duration_weeks": "2"}, "duration_weeks"),
        ({"duration_weeks": True}, "duration_weeks"),
        ({"regions": []}, "regions"),
        ({"regions": ["anterior_knee", "anterior_knee"]}, "regions"),
        ({"regions": ["knee"]}, "regions"),
        ({"regions": "anterior_knee"}, "regions"),
        ({"side": "middle"}, "side"),
        ({"onset": None}, "onset"),
        ({"timing": ["sometimes"]}, "timing"),
        ({"aggravators": "squatting"}, "aggravators"),
        ({"focal_bone_tenderness": True}, "focal_bone_tenderness"),
        ({"swelling": "lots"}, "swelling"),
        ({"age_years": 121}, "age_years"),
        ({"exam": []}, "exam"),
        ({"exam": None}, "exam"),
        ({"exam": {"hop_pain": 1}}, "exam.hop_pain"),
        ({"exam": {"x_ray": True}}, "exam.x_ray"),
        ({"favourite_shoe": "x"}, "favourite_shoe"),
    ],
)
def test_each_bad_answer_is_named(changes, field):
    """A wrong type, out-of-range value or unknown key names exactly that field."""
    with pytest.raises(ScreeningValidationError) as caught:
        validate_answers(knee(**changes))
    assert list(caught.value.errors) == [field]
    assert field in str(caught.value)


def test_all_errors_are_collected():
    """Every bad field is reported at once, not only the first."""
    answers = knee(pain_now=11, limp=1, regions=[], exam={"hop_pain": "yes", "bogus": True})
    del answers["side"]
    answers["extra"] = 1
    with pytest.raises(ScreeningValidationError) as caught:
        screen(answers)
    assert set(caught.value.errors) == {
        "pain_now",
        "limp",
        "regions",
        "exam.hop_pain",
        "exam.bogus",
        "side",
        "extra",
    }
    assert str(caught.value).startswith("Invalid screening answers: ")


def test_answers_must_be_an_object():
    """A list or string instead of an answers object is an error, not a crash."""
    for bad in ([], "answers", None):
        with pytest.raises(ScreeningValidationError) as caught:
            screen(bad)
        assert list(caught.value.errors) == ["answers"]


def test_error_is_a_value_error():
    """Callers that catch ValueError also catch validation errors."""
    assert issubclass(ScreeningValidationError, ValueError)
    assert ScreeningValidationError({"a": ["b"]}).errors == {"a": ["b"]}


# Scoring


def test_missing_answers_mean_not_asked_not_no():
    """An unasked question leaves the score alone; answering 'none of these' lowers it."""
    not_asked = condition(screen(knee(aggravators=["squatting"])), "pfps")
    said_no = condition(screen(knee(aggravators=["squatting"], timing=[])), "pfps")
    assert not_asked == said_no  # timing does not feed PFP, so asking it changes nothing
    no_exam = condition(screen(knee(aggravators=["squatting"])), "pfps")
    negative_exam = condition(
        screen(
            knee(
                aggravators=["squatting"],
                exam={
                    "squat_pain": False,
                    "resisted_knee_extension_pain": False,
                    "patellar_palpation_pain": False,
                },
            )
        ),
        "pfps",
    )
    assert no_exam["score_pct"] > negative_exam["score_pct"]
    assert no_exam["reasons"] == negative_exam["reasons"]


def test_unsure_counts_as_not_asked():
    """'Not sure' about a tender spot weighs the same as not being asked."""
    unsure = screen(knee(focal_bone_tenderness="unsure", recent_load_increase=True))
    absent = screen(knee(recent_load_increase=True))
    assert unsure == absent


def test_score_is_normalised_over_answered_items():
    """PFP with every answered PFP item present scores 100."""
    result = screen(knee(aggravators=["squatting", "stairs_down", "prolonged_sitting", "downhill"]))
    pfps = condition(result, "pfps")
    assert pfps["score_pct"] == 100
    assert pfps["band"] == "high"
    assert {"feature": "pain_with_squatting", "points": 2} in pfps["reasons"]


def test_negative_points_are_listed_and_floor_at_zero():
    """Points against a condition are listed as reasons and the score never goes below zero."""
    result = screen(knee(onset="trauma", locking_or_giving_way=True, swelling="joint"))
    pfps = condition(result, "pfps")
    assert {"feature": "locking_or_giving_way", "points": -3} in pfps["reasons"]
    assert pfps["score_pct"] == 0


def test_region_gate_zeroes_other_conditions():
    """Conditions whose regions were not chosen score 0 with the gate as the reason."""
    result = screen(knee(aggravators=["squatting"]))
    for code in ("mtss", "achilles_tendinopathy", "plantar_fasciitis", "itbs"):
        gated = condition(result, code)
        assert gated["score_pct"] == 0
        assert gated["reasons"] == [{"feature": "region_not_typical", "points": 0}]


def test_equal_scores_keep_the_fixed_order():
    """With nothing to go on every condition scores 0 and bone stress comes first."""
    result = screen(knee(regions=["other"]))
    assert [c["code"] for c in result["conditions"]] == RULES["tie_break_order"]
    assert result["pattern"] == "mixed"


def test_close_top_two_is_mixed():
    """Two conditions within 10 points make a mixed pattern."""
    result = screen(
        knee(
            regions=["anterior_knee", "lateral_knee"],
            timing=["builds_at_predictable_distance"],
            aggravators=["squatting", "stairs_down", "downhill"],
            recent_load_increase=False,
            new_shoes_or_surface=False,
        )
    )
    assert {c["code"] for c in result["conditions"][:2]} == {"pfps", "itbs"}
    assert result["pattern"] == "mixed"


# Red flags and bone stress


def test_most_urgent_flag_sets_urgency_and_comes_first():
    """Several flags: urgency is the most urgent, and flags are listed most urgent first."""
    result = screen(knee(numbness_tingling=True, history_of_cancer=True, calf_swelling_warmth=True))
    assert result["urgency"] == "same_day"
    assert flag_codes(result) == ["suspected_dvt", "history_of_cancer", "numbness_or_tingling"]


def test_specific_flag_replaces_general_one():
    """Fever with a swollen joint shows the septic-joint flag, not the general ones."""
    result = screen(knee(fever_or_unwell=True, swelling="joint"))
    assert flag_codes(result) == ["suspected_joint_infection"]
    assert result["urgency"] == "same_day"


def test_suspected_bsi_alone_refers_promptly():
    """A tender spot on the bone with hop pain refers promptly with no red flag."""
    result = screen(
        knee(regions=["medial_shin"], focal_bone_tenderness="yes", exam={"hop_pain": True})
    )
    assert result["red_flags"] == []
    assert result["suspected_bsi"] is True
    assert (result["disposition"], result["urgency"]) == ("refer", "prompt")
    reasons = condition(result, "bone_stress_injury")["reasons"]
    assert {"feature": "trigger_focal_tenderness_with_hop_pain", "points": 0} in reasons


def test_suspected_bsi_raises_routine_urgency_to_prompt():
    """A routine flag with suspected bone stress refers promptly."""
    result = screen(
        knee(regions=["forefoot"], exam={"clinician_bone_tenderness": True}, numbness_tingling=True)
    )
    assert flag_codes(result) == ["numbness_or_tingling"]
    assert result["urgency"] == "prompt"


def test_groin_pain_in_runs_alone_raises_a_prompt_femoral_neck_flag():
    """Groin pain only while running still raises a femoral-neck flag, prompt (issue 15 #1)."""
    result = screen(knee(regions=["groin_hip"], timing=["during_whole_run"], limp=False))
    assert flag_codes(result) == ["possible_femoral_neck_bsi"]
    assert result["urgency"] == "prompt"
    assert result["suspected_bsi"] is False


@pytest.mark.parametrize(
    "risk",
    [
        {"previous_bone_stress_injury": True},
        {"bone_stress_injuries_2y": 1},
        {"missed_periods_3_months": True},
        {"restrictive_eating_or_weight_loss": True},
        {"periods_never_started_by_15": True},
    ],
)
def test_groin_pain_in_runs_with_a_bsi_risk_factor_is_same_day(risk):
    """Groin pain in runs with a previous BSI or a REDs indicator is a same-day concern."""
    result = screen(knee(regions=["groin_hip"], timing=["after_running"], **risk))
    assert flag_codes(result)[0] == "suspected_femoral_neck_bsi"
    assert "possible_femoral_neck_bsi" not in flag_codes(result)
    assert result["urgency"] == "same_day"
    assert result["suspected_bsi"] is True


def test_walking_pain_at_the_heel_only_weighs_little():
    """At the heel alone, walking pain (a plantar heel pain feature) adds 1 point, not 3."""
    result = screen(knee(regions=["plantar_heel"], timing=["first_steps_morning", "with_walking"]))
    reasons = condition(result, "bone_stress_injury")["reasons"]
    assert {"feature": "pain_progressing_to_walking_or_rest", "points": 3} not in reasons
    assert {"feature": "walking_pain_at_heel", "points": 1} in reasons
    assert result["disposition"] == "treat"


@pytest.mark.parametrize("region", ["plantar_heel", "achilles", "posterior_heel"])
@pytest.mark.parametrize("timing", [["with_walking"], ["with_walking", "after_running"]])
def test_walking_pain_at_the_heel_without_first_step_pain_counts_in_full(region, timing):
    """Without the first-step or morning pattern, walking pain at the heel scores 3 for bone."""
    result = screen(knee(regions=[region], timing=timing, recent_load_increase=True))
    reasons = condition(result, "bone_stress_injury")["reasons"]
    assert {"feature": "pain_progressing_to_walking_or_rest", "points": 3} in reasons
    assert not any(reason["feature"] == "walking_pain_at_heel" for reason in reasons)
    assert result["suspected_bsi"] is True
    assert result["disposition"] == "refer"


@pytest.mark.parametrize("region", ["plantar_heel", "achilles", "posterior_heel"])
@pytest.mark.parametrize("pattern", ["first_steps_morning", "morning_stiffness"])
def test_self_reported_spot_with_walking_pain_at_the_heel_refers(region, pattern):
    """A self-reported bony spot with walking pain at the heel refers even with first-step pain."""
    answers = knee(regions=[region], timing=[pattern, "with_walking"])
    assert screen(answers)["disposition"] == "treat"
    result = screen({**answers, "focal_bone_tenderness": "yes"})
    assert result["suspected_bsi"] is True
    assert result["disposition"] == "refer"


def test_groin_pain_in_runs_alone_advises_no_running_until_seen():
    """The prompt femoral-neck flag says no running and no hop testing; its urgency is a choice."""
    result = screen(knee(regions=["groin_hip"], timing=["after_running"]))
    flag = next(f for f in result["red_flags"] if f["code"] == "possible_femoral_neck_bsi")
    assert "advise no running and no hop testing until seen" in flag["message"]
    assert rule("possible_femoral_neck_bsi")["tag"] == "D"
    assert rule("possible_femoral_neck_bsi")["note"].startswith("D:")


def test_reds_consensus_is_cited_on_reds_items_only():
    """Stellingwerff 2023 (REDs CAT2) backs REDs items; the femoral-neck upgrade is a choice."""
    for item in all_rules():
        if "Stellingwerff" in item["ref"]:
            name = item.get("id", item.get("code"))
            # CAT2 also names the pelvis and sacrum as high-risk BSI sites (clinician review).
            assert "reds" in name or "(pelvis and sacrum" in item["ref"], item
    femoral_neck = rule("suspected_femoral_neck_bsi")
    assert "Robertson & Wood 2017" in femoral_neck["ref"]
    assert "D: groin pain in runs with a previous bone stress injury" in femoral_neck["note"]


def test_achilles_weights_cite_the_achilles_guideline():
    """Heel and Achilles walking-pain weights cite Martin 2018 beside Koc 2023 (plantar heel)."""
    assert "Martin 2018" in rule("walking_pain_at_heel")["ref"]
    assert "Martin 2018" in rule("walking_pain_at_heel")["note"]
    assert "Martin 2018" in rule("focal_bony_tenderness")["note"]


@pytest.mark.parametrize(
    "warm_up", ["start_of_run_eases", "first_steps_morning", "morning_stiffness"]
)
def test_a_warm_up_tick_never_cancels_walking_pain(warm_up):
    """Shin pain with walking counts toward bone stress whatever else is ticked (issue 15 #3)."""
    answers = knee(regions=["medial_shin"], recent_load_increase=True)
    walking = screen({**answers, "timing": ["with_walking"]})
    both = screen({**answers, "timing": [warm_up, "with_walking"]})
    reasons = condition(both, "bone_stress_injury")["reasons"]
    assert {"feature": "pain_progressing_to_walking_or_rest", "points": 3} in reasons
    assert both["suspected_bsi"] is walking["suspected_bsi"] is True
    assert both["disposition"] == "refer"


def test_self_reported_bony_spot_alone_stays_below_the_threshold():
    """A runner's own press is 2 points; the clinician's palpation reaches the threshold."""
    self_report = screen(knee(regions=["arch"], focal_bone_tenderness="yes"))
    assert self_report["suspected_bsi"] is False
    assert self_report["disposition"] == "treat"
    clinician = screen(knee(regions=["arch"], exam={"clinician_bone_tenderness": True}))
    assert clinician["suspected_bsi"] is True
    assert clinician["urgency"] == "prompt"


@pytest.mark.parametrize("extra", [["forefoot"], ["forefoot", "arch"]])
def test_self_reported_spot_at_the_forefoot_keeps_full_weight(extra):
    """At the front of the foot (metatarsals, sesamoids) a runner's own press refers as before."""
    result = screen(knee(regions=extra, timing=["after_running"], focal_bone_tenderness="yes"))
    reasons = condition(result, "bone_stress_injury")["reasons"]
    assert {"feature": "focal_bony_tenderness_forefoot", "points": 4} in reasons
    assert not any(reason["feature"] == "focal_bony_tenderness" for reason in reasons)
    assert result["suspected_bsi"] is True
    assert result["disposition"] == "refer"
    assert result["urgency"] == "prompt"


@pytest.mark.parametrize("region", ["plantar_heel", "posterior_heel", "achilles", "lateral_knee"])
def test_self_reported_spot_at_a_soft_tissue_insertion_adds_nothing(region):
    """At the fascia, Achilles or ITB insertions a self-reported spot does not score for bone."""
    result = screen(knee(regions=[region], focal_bone_tenderness="yes", recent_load_increase=True))
    reasons = condition(result, "bone_stress_injury")["reasons"]
    assert not any(reason["feature"] == "focal_bony_tenderness" for reason in reasons)
    assert result["suspected_bsi"] is False


@pytest.mark.parametrize(
    "answers",
    [
        {"onset": "gradual", "onset_pop": True, "weak_push_off": True},
        {"onset": "sudden", "onset_pop": True},
        {"onset": "trauma", "onset_pop": True, "weak_push_off": False},
    ],
)
def test_pop_with_weak_push_off_or_sudden_onset_is_same_day_rupture(answers):
    """No Thompson test and weight bearing possible: still a same-day rupture concern."""
    result = screen(knee(regions=["achilles"], unable_to_bear_weight=False, **answers))
    assert flag_codes(result)[0] == "suspected_achilles_rupture"
    assert "achilles_pop_at_onset" not in flag_codes(result)
    assert result["urgency"] == "same_day"


@pytest.mark.parametrize("onset", ["sudden", "trauma"])
@pytest.mark.parametrize("region", ["achilles", "calf", "posterior_heel"])
def test_sudden_weak_push_off_without_a_pop_is_same_day_rupture(onset, region):
    """A sudden or injury onset with weak push-off at the Achilles or calf needs no pop."""
    result = screen(knee(regions=[region], onset=onset, onset_pop=False, weak_push_off=True))
    assert flag_codes(result)[0] == "suspected_achilles_rupture"
    assert result["urgency"] == "same_day"


@pytest.mark.parametrize("onset", ["gradual", "sudden"])
def test_a_knee_pop_with_weak_push_off_is_not_an_achilles_rupture(onset):
    """Pop and weak push-off away from the Achilles, calf and heel raise no rupture flag."""
    result = screen(knee(onset=onset, onset_pop=True, weak_push_off=True))
    assert "suspected_achilles_rupture" not in flag_codes(result)
    assert "achilles_pop_at_onset" not in flag_codes(result)


def test_weak_push_off_question_asks_about_the_leg_alone():
    """The push-off question asks about weakness on that leg alone since it started."""
    label = next(q["label"] for q in QUESTIONS if q["key"] == "weak_push_off")
    assert label == (
        "Since it started, is pushing off or rising onto your toes on that leg alone weak or "
        "impossible?"
    )
    runner_form = ScreeningAnswersForm(runner=True)
    assert runner_form.fields["weak_push_off"].label == label


def test_weak_push_off_without_a_pop_is_routine_with_a_thompson_test():
    """Weak push-off on a gradual onset without a pop: a Thompson test at the visit, routine."""
    result = screen(knee(regions=["achilles"], weak_push_off=True))
    assert flag_codes(result) == ["achilles_weak_push_off"]
    assert result["urgency"] == "routine"
    assert "Thompson test" in result["red_flags"][0]["message"]


def test_referral_messages_are_decision_support():
    """Red-flag messages suggest, never diagnose."""
    for flag in RULES["red_flags"]:
        message = flag["message"].lower()
        assert "consider" in message, flag["code"]
        assert "you have" not in message and "diagnosis:" not in message


# Rules data and questions


def test_every_rule_and_weight_carries_a_reference():
    """Each feature, trigger and red flag cites a source and an evidence tag."""
    rules = [f for c in RULES["conditions"] for f in c["features"]]
    rules += RULES["bone_stress_override"]["hard_triggers"] + RULES["red_flags"]
    for rule in rules:
        assert rule["ref"].strip(), rule
        assert rule["tag"] in ("S", "K", "D"), rule
    urgencies = {flag["urgency"] for flag in RULES["red_flags"]}
    assert urgencies == {"same_day", "prompt", "routine"}


def all_rules():
    """Return every feature, hard trigger and red flag of the ruleset."""
    rules = [f for c in RULES["conditions"] for f in c["features"]]
    return rules + RULES["bone_stress_override"]["hard_triggers"] + RULES["red_flags"]


def rule(rule_id):
    """Return the bone-stress feature, hard trigger or red flag with this id or code."""
    bone_stress = next(c for c in RULES["conditions"] if c["code"] == "bone_stress_injury")
    candidates = bone_stress["features"] + RULES["bone_stress_override"]["hard_triggers"]
    candidates += RULES["red_flags"]
    return next(r for r in candidates if r.get("id", r.get("code")) == rule_id)


def test_palpation_cites_the_prediction_rule_not_schneiders():
    """Schneiders 2012 reviewed ultrasound and tuning forks, so palpation cites the BSI CPR."""
    assert not any("Schneiders" in r["ref"] for r in all_rules())
    for rule_id in (
        "clinician_bone_tenderness",
        "focal_bony_tenderness",
        "focal_tenderness_with_walking_or_rest_pain",
    ):
        assert "BSI clinical prediction rule (PMC7485018)" in rule(rule_id)["ref"], rule_id
    for rule_id in ("focal_bony_tenderness", "focal_tenderness_with_walking_or_rest_pain"):
        assert rule(rule_id)["tag"] == "D"
        assert "downgraded" in rule(rule_id)["note"], rule_id


def test_every_question_option_and_finding_has_a_label():
    """The questionnaire UI gets a plain-language label for every key and option."""
    for question in QUESTIONS:
        assert question["label"] and question["type"]
        for option in question["options"]:
            assert option["label"], (question["key"], option)
    assert len(EXAM_FINDINGS) == 16
    assert all(finding["label"] for finding in EXAM_FINDINGS)
    assert set(FEATURE_LABELS) == set(CONDITION_CODES)


def test_compiler_rejects_broken_rules():
    """Typos in the rules data fail at import, not silently at screening time."""
    compiler = Compiler({"loop": {"use": "loop"}})
    broken = [
        {"key": "no_such_question", "is": True},
        {"key": "exam.no_such_finding", "is": True},
        {"key": "timing", "has_any": ["sometime"]},
        {"key": "timing", "is": True},
        {"key": "limp", "gte": 1},
        {"use": "missing"},
        {"use": "loop"},
    ]
    for spec in broken:
        with pytest.raises(RulesetError):
            compiler.compile(spec)


def test_bench_reports_rate(capsys):
    """The benchmark screens the requested number of answer sets and prints JSON."""
    bench.main(["--n", "50"])
    report = json.loads(capsys.readouterr().out)
    assert report["answer_sets"] == 50
    assert report["per_second"] > 0


def test_rules_score_the_shared_six_conditions(monkeypatch):
    """The system check passes with the shipped rules and names a ruleset that drifts."""
    from assessments import checks

    assert checks.screening_conditions_check() == []
    monkeypatch.setattr(checks, "SCREENED_CODES", ("pfps", "mtss"))
    assert [error.id for error in checks.screening_conditions_check()] == ["assessments.E001"]


# Answer contract of issue 15


CONTRACT_ADDITIONS = {
    "weak_push_off": True,
    "periods_never_started_by_15": False,
    "bone_stress_injuries_2y": 2,
    "exam": {"clinician_bone_tenderness": True},
}


@pytest.mark.parametrize("region", ["buttock_sacrum", "pubic_bone", "outer_midfoot"])
def test_new_regions_are_accepted(region):
    """The regions DESIGN.md added for issue 15 validate."""
    assert validate_answers(knee(regions=[region]))["regions"] == [region]


def test_new_contract_keys_are_accepted():
    """weak_push_off, periods, BSI count and clinician bone tenderness validate as given."""
    normalised = validate_answers(knee(**CONTRACT_ADDITIONS))
    for key, value in CONTRACT_ADDITIONS.items():
        assert normalised[key] == value


def test_bone_stress_injury_count_has_no_upper_bound():
    """Any whole number of stress fractures from 0 up is an answer."""
    assert validate_answers(knee(bone_stress_injuries_2y=0))["bone_stress_injuries_2y"] == 0
    assert validate_answers(knee(bone_stress_injuries_2y=40))["bone_stress_injuries_2y"] == 40


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("weak_push_off", 1),
        ("weak_push_off", "yes"),
        ("periods_never_started_by_15", None),
        ("bone_stress_injuries_2y", -1),
        ("bone_stress_injuries_2y", 1.5),
        ("bone_stress_injuries_2y", True),
        ("bone_stress_injuries_2y", "2"),
    ],
)
def test_new_contract_keys_reject_wrong_types(key, value):
    """A wrong type or a negative count names the field."""
    with pytest.raises(ScreeningValidationError) as caught:
        validate_answers(knee(**{key: value}))
    assert list(caught.value.errors) == [key]


def test_clinician_bone_tenderness_must_be_a_bool():
    """The new exam finding is true or false, like the others."""
    with pytest.raises(ScreeningValidationError) as caught:
        validate_answers(knee(exam={"clinician_bone_tenderness": "yes"}))
    assert list(caught.value.errors) == ["exam.clinician_bone_tenderness"]


def test_contract_keys_match_design_exactly():
    """The schema asks exactly the DESIGN.md keys plus the documented extras, nothing unknown."""
    keys = {question["key"] for question in QUESTIONS}
    assert {"weak_push_off", "periods_never_started_by_15", "bone_stress_injuries_2y"} <= keys
    assert "clinician_bone_tenderness" in {finding["key"] for finding in EXAM_FINDINGS}
    with pytest.raises(ScreeningValidationError):
        validate_answers(knee(previous_bone_stress_injuries=1))


@pytest.mark.parametrize(
    ("region", "extra"),
    [
        ("buttock_sacrum", {"timing": ["at_night"]}),
        ("buttock_sacrum", {"timing": ["with_walking"], "missed_periods_3_months": True}),
        ("pubic_bone", {"limp": True}),
        ("pubic_bone", {"timing": ["with_walking"], "bone_stress_injuries_2y": 1}),
        ("outer_midfoot", {"timing": ["after_running"], "previous_bone_stress_injury": True}),
        ("outer_midfoot", {"exam": {"clinician_bone_tenderness": True}}),
        ("dorsal_midfoot", {"exam": {"clinician_bone_tenderness": True}}),
        ("anterior_shin", {"exam": {"clinician_bone_tenderness": True}}),
    ],
)
def test_high_risk_sites_with_bone_signs_are_flagged(region, extra):
    """Pelvis, sacrum, base of the 5th and 2nd metatarsal, anterior tibia: high-risk BSI flag."""
    result = screen(knee(regions=[region], **extra))
    assert "high_risk_site_bsi" in flag_codes(result)
    assert result["suspected_bsi"] is True
    assert result["disposition"] == "refer"


@pytest.mark.parametrize(
    "extra",
    [
        {"timing": ["at_rest"]},
        {"limp": True},
        {"timing": ["with_walking"], "previous_bone_stress_injury": True},
    ],
)
def test_lower_back_with_a_bone_sign_is_a_pelvic_sacral_pattern_in_an_adolescent(extra):
    """In a runner aged 10 to 18 the lower back joins the pelvic pattern (pars stress injury)."""
    result = screen(knee(regions=["lower_back"], age_years=15, **extra))
    assert "high_risk_site_bsi" in flag_codes(result)
    assert result["suspected_bsi"] is True


def test_stress_fracture_count_asks_about_stress_reactions_too():
    """The two-year count asks about stress fractures or stress reactions."""
    label = next(q["label"] for q in QUESTIONS if q["key"] == "bone_stress_injuries_2y")
    assert (
        label == "How many stress fractures or stress reactions have you had in the last two years?"
    )


@pytest.mark.parametrize("region", ["buttock_sacrum", "pubic_bone", "outer_midfoot", "lower_back"])
def test_high_risk_region_without_bone_signs_is_not_a_high_risk_flag(region):
    """A new high-risk region with only pain in runs and no bone sign raises no high-risk flag."""
    result = screen(knee(regions=[region], timing=["after_running"]))
    assert "high_risk_site_bsi" not in flag_codes(result)
