"""A clinician's review of ruleset 2026.12.2 against the sources (findings 1-7)."""

import pytest

from assessments.screening import screen
from assessments.screening.compiler import Compiler
from assessments.screening.engine import RULES
from tests.assessments.test_screening_engine import condition, flag_codes, knee


def bsi_reasons(result):
    """The bone-stress feature ids that scored."""
    return {reason["feature"] for reason in condition(result, "bone_stress_injury")["reasons"]}


def high_risk_message(result):
    """The message of the high-risk-site flag."""
    return next(f["message"] for f in result["red_flags"] if f["code"] == "high_risk_site_bsi")


# 1. Walking pain at a soft-tissue site plus a mileage increase is not a bone stress injury.


@pytest.mark.parametrize(
    "region",
    ["anterior_knee", "lateral_knee", "calf"],  # patellofemoral pain, ITB syndrome, calf strain
)
def test_walking_pain_and_a_load_increase_at_a_soft_tissue_site_is_not_suspected_bsi(region):
    """The prediction rule has no walking-pain item: walking pain + volume stays below 4."""
    result = screen(knee(regions=[region], timing=["with_walking"], recent_load_increase=True))
    assert result["suspected_bsi"] is False
    assert result["disposition"] == "treat"
    assert "walking_pain_at_soft_tissue_site" in bsi_reasons(result)
    assert "pain_progressing_to_walking_or_rest" not in bsi_reasons(result)


@pytest.mark.parametrize(
    "region", ["medial_shin", "anterior_shin", "arch", "dorsal_midfoot", "groin_hip"]
)
def test_walking_pain_at_the_shin_foot_groin_or_pelvis_keeps_its_full_weight(region):
    """At the shin, foot, groin or pelvis walking pain still scores 3."""
    result = screen(knee(regions=[region], timing=["with_walking"], recent_load_increase=True))
    assert "pain_progressing_to_walking_or_rest" in bsi_reasons(result)
    assert result["suspected_bsi"] is True


@pytest.mark.parametrize(
    "extra",
    [
        {"limp": True},
        {"timing": ["with_walking", "at_night"]},
        {"previous_bone_stress_injury": True},
        {"missed_periods_3_months": True},
        {"focal_bone_tenderness": "yes"},
    ],
)
def test_walking_pain_at_the_knee_with_a_bone_sign_or_risk_factor_counts_in_full(extra):
    """Tenderness, rest or night pain, limp or a risk factor restore walking pain's 3 points."""
    answers = knee(regions=["anterior_knee"], timing=["with_walking"], recent_load_increase=True)
    answers.update(extra)
    result = screen(answers)
    assert "pain_progressing_to_walking_or_rest" in bsi_reasons(result)
    assert "walking_pain_at_soft_tissue_site" not in bsi_reasons(result)
    assert result["suspected_bsi"] is True


# 2. High-risk sites need a bone-specific sign, or walking pain plus a risk factor.


@pytest.mark.parametrize(
    "answers",
    [
        knee(regions=["lower_back"], timing=["with_walking"]),
        knee(regions=["buttock_sacrum"], timing=["with_walking"]),
        knee(regions=["buttock_sacrum"], previous_bone_stress_injury=True),
        knee(regions=["lower_back"], missed_periods_3_months=True),
        knee(regions=["medial_ankle"], timing=["with_walking"]),
        knee(regions=["ankle_joint"], timing=["with_walking"]),
        knee(regions=["under_big_toe"], timing=["with_walking"]),
    ],
    ids=[
        "low-back-walking",
        "buttock-walking",
        "buttock-risk-factor-only",
        "low-back-risk-factor-only",
        "inner-ankle-walking",
        "ankle-walking",
        "big-toe-walking",
    ],
)
def test_walking_pain_alone_or_a_risk_factor_alone_is_not_a_high_risk_site_flag(answers):
    """Low back pain, hamstring-type buttock pain, tibialis posterior, post-sprain ankle."""
    assert "high_risk_site_bsi" not in flag_codes(screen(answers))


def test_lower_back_is_a_pelvic_site_only_in_an_adolescent():
    """Pars stress injury: a bone sign in the lower back flags at 15, not at 35 or unknown age."""
    answers = knee(regions=["lower_back"], timing=["at_night"])
    assert "high_risk_site_bsi" in flag_codes(screen({**answers, "age_years": 15}))
    assert "high_risk_site_bsi" not in flag_codes(screen({**answers, "age_years": 35}))
    assert "high_risk_site_bsi" not in flag_codes(screen(answers))


def test_high_risk_message_names_the_site_with_bone_signs():
    """A limp at the inner ankle names the inner ankle, not the pelvis."""
    message = high_risk_message(screen(knee(regions=["medial_ankle"], limp=True)))
    assert message.startswith("Bone signs")
    assert "the inner ankle (medial malleolus)" in message
    assert "pelvis" not in message and "sesamoid" not in message


def test_high_risk_message_says_risk_factor_when_only_a_risk_factor_fired():
    """Walking pain with a previous BSI at the buttock: 'risk factor', never 'bone signs'."""
    message = high_risk_message(
        screen(knee(regions=["buttock_sacrum"], timing=["with_walking"], bone_stress_injuries_2y=1))
    )
    assert "risk factor" in message and "the pelvis or sacrum" in message
    assert "Bone signs" not in message
    assert "ankle" not in message


def test_high_risk_message_lists_each_site_that_fired():
    """Two sites, one with a bone sign and one by risk factor, are both named in plain words."""
    answers = knee(
        regions=["anterior_shin", "outer_midfoot"],
        timing=["after_running", "at_night"],
        previous_bone_stress_injury=True,
    )
    message = high_risk_message(screen(answers))
    assert "the front of the shin (anterior tibia) and the outside of the midfoot" in message
    assert "risk factor" not in message  # a bone sign fired at both: rest or night pain


# 3. Thigh pain with walking pain or a limp and a risk factor is a same-day femoral neck concern.


@pytest.mark.parametrize(
    "extra",
    [
        {"timing": ["with_walking"], "limp": True, "missed_periods_3_months": True},
        {"timing": ["with_walking"], "previous_bone_stress_injury": True},
        {"limp": True, "restrictive_eating_or_weight_loss": True},
    ],
)
def test_thigh_pain_on_weight_bearing_with_a_risk_factor_is_same_day(extra):
    """clinical.md §3 and Robertson & Wood 2017: thigh or groin, weight bearing or limp."""
    result = screen(knee(regions=["thigh"], **extra))
    assert "suspected_femoral_neck_bsi" in flag_codes(result)
    assert result["urgency"] == "same_day"


def test_thigh_pain_on_walking_without_a_risk_factor_is_not_same_day():
    """Without a risk factor or an exam sign, thigh walking pain is not the femoral neck rule."""
    result = screen(knee(regions=["thigh"], timing=["with_walking"]))
    assert "suspected_femoral_neck_bsi" not in flag_codes(result)


# 4. Navicular, anterior tibia and 5th metatarsal: pain in runs plus a BSI risk factor.


@pytest.mark.parametrize(
    ("region", "timing", "risk"),
    [
        ("dorsal_midfoot", ["during_whole_run"], {"previous_bone_stress_injury": True}),
        ("anterior_shin", ["after_running"], {"missed_periods_3_months": True}),
        ("outer_midfoot", ["after_running"], {"bone_stress_injuries_2y": 1}),
    ],
)
def test_pain_in_runs_with_a_risk_factor_at_these_sites_is_a_prompt_high_risk_flag(
    region, timing, risk
):
    """Like the groin rule: region + pain in runs + a previous BSI or REDs indicator."""
    result = screen(knee(regions=[region], timing=timing, focal_bone_tenderness="no", **risk))
    assert "high_risk_site_bsi" in flag_codes(result)
    assert result["suspected_bsi"] is True
    assert result["urgency"] == "prompt"
    assert "risk factor" in high_risk_message(result)


def test_pain_in_runs_without_a_risk_factor_at_the_navicular_is_not_flagged():
    """The risk-factor branch needs the risk factor."""
    result = screen(knee(regions=["dorsal_midfoot"], timing=["after_running"]))
    assert "high_risk_site_bsi" not in flag_codes(result)


# 5. A negative calcaneal squeeze clears a self-reported heel spot with walking pain.


@pytest.mark.parametrize("region", ["plantar_heel", "posterior_heel"])
def test_negative_calcaneal_squeeze_clears_the_heel_trigger(region):
    """First-step heel pain, a self-reported spot and walking pain: a negative squeeze clears it."""
    answers = knee(
        regions=[region],
        timing=["first_steps_morning", "with_walking"],
        focal_bone_tenderness="yes",
    )
    assert screen(answers)["suspected_bsi"] is True  # squeeze not done: still referred
    cleared = screen({**answers, "exam": {"calcaneal_squeeze_pain": False}})
    assert cleared["suspected_bsi"] is False
    assert cleared["disposition"] == "treat"
    squeezed = screen({**answers, "exam": {"calcaneal_squeeze_pain": True}})
    assert squeezed["suspected_bsi"] is True


def test_unless_treats_unknown_as_not_holding():
    """The 'unless' combinator: True for False and for unknown, False only for True."""
    predicate = Compiler({}).compile(
        {"unless": {"key": "exam.calcaneal_squeeze_pain", "is": False}}
    )
    assert predicate({"exam": {"calcaneal_squeeze_pain": False}}) is False
    assert predicate({"exam": {"calcaneal_squeeze_pain": True}}) is True
    assert predicate({"exam": {}}) is True
    assert predicate({}) is True


# 6. Citations match what each rule claims.


def flag(code):
    """One red flag of the rules data."""
    return next(item for item in RULES["red_flags"] if item["code"] == code)


def test_citations_follow_the_clinician_review():
    """DVT cites NICE NG158, knee rules Stiell 1996, cold foot ESVS, quinolones van der Linden."""
    assert flag("suspected_dvt")["ref"].startswith("NICE NG158 2020")
    assert "Wells 1997" not in RULES["sources"]
    assert "Stiell 1996" in flag("unable_to_bear_weight_after_injury")["ref"]
    assert "Björck 2020" in flag("vascular_or_neurological_compromise")["ref"]
    assert "BOAST" not in flag("vascular_or_neurological_compromise")["ref"]
    assert "BOAST 2014" in flag("possible_acute_compartment_syndrome")["ref"]
    quinolone = flag("fluoroquinolone_tendon_pain")["ref"]
    assert "van der Linden 2003" in quinolone and "FDA 2016" in quinolone
    assert "van der Vlist 2019" not in RULES["sources"]
    assert "Stellingwerff 2023" in flag("high_risk_site_bsi")["ref"]
    assert "clinical.md" not in flag("high_risk_site_bsi")["ref"]


def test_short_shin_tenderness_for_bsi_is_a_clinic_decision_citing_milgrom():
    """Yates & White 2004 does not show <5 cm tenderness adds to BSI: Milgrom 2021 limitation, D."""
    bsi = next(c for c in RULES["conditions"] if c["code"] == "bone_stress_injury")
    short = next(f for f in bsi["features"] if f["id"] == "exam_short_shin_tenderness")
    assert short["ref"].startswith("Milgrom 2021")
    assert "Yates" not in short["ref"]
    assert short["tag"] == "D"


# 7. Weak push-off on a gradual onset is routine; a pop or sudden onset stays urgent.


def test_gradual_weak_push_off_is_routine_but_sudden_onset_stays_same_day():
    """Pain-limited push-off in tendinopathy: Thompson test at the visit; sudden: same day."""
    gradual = screen(knee(regions=["achilles"], onset="gradual", weak_push_off=True))
    assert gradual["urgency"] == "routine"
    assert flag_codes(gradual) == ["achilles_weak_push_off"]
    sudden = screen(knee(regions=["achilles"], onset="sudden", weak_push_off=True))
    assert sudden["urgency"] == "same_day"
    assert "suspected_achilles_rupture" in flag_codes(sudden)
    popped = screen(knee(regions=["achilles"], onset_pop=True, weak_push_off=True))
    assert popped["urgency"] == "same_day"
