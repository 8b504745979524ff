"""Issue 15 #2 and #6: medial malleolus, talus and sesamoid patterns; REDs CAT2 indicators."""

import pytest

from assessments.screening import QUESTIONS, screen, validate_answers
from tests.assessments.test_screening_engine import flag_codes, knee

NEW_REGIONS = ("medial_ankle", "ankle_joint", "under_big_toe")


@pytest.mark.parametrize("region", NEW_REGIONS)
@pytest.mark.parametrize(
    "sign",
    [
        {"timing": ["with_walking"], "previous_bone_stress_injury": True},
        {"timing": ["at_night"]},
        {"limp": True},
        {"aggravators": ["hopping"]},
        {"focal_bone_tenderness": "yes"},
        {"exam": {"clinician_bone_tenderness": True}},
    ],
)
def test_new_high_risk_sites_with_a_bone_sign_refer(region, sign):
    """Medial malleolus, talus, sesamoids: a bone sign, or walking pain plus a risk factor."""
    result = screen(knee(regions=[region], **sign))
    assert "high_risk_site_bsi" in flag_codes(result)
    assert result["suspected_bsi"] is True
    assert result["urgency"] in ("same_day", "prompt")


@pytest.mark.parametrize("region", NEW_REGIONS)
def test_new_high_risk_sites_without_bone_signs_are_not_flagged(region):
    """Pain only after runs at these sites, with no bone sign, raises no high-risk flag."""
    result = screen(knee(regions=[region], timing=["after_running"], focal_bone_tenderness="no"))
    assert "high_risk_site_bsi" not in flag_codes(result)
    assert result["suspected_bsi"] is False


def test_old_forefoot_answers_stay_valid_and_screen_as_before():
    """Stored answers with the forefoot region still validate; forefoot is not a high-risk site."""
    answers = knee(regions=["forefoot"], timing=["after_running"])
    assert validate_answers(answers)["regions"] == ["forefoot"]
    assert "high_risk_site_bsi" not in flag_codes(screen(answers))


def test_new_regions_are_asked_in_plain_words():
    """The runner sees the new regions in words, not anatomy."""
    regions = next(q for q in QUESTIONS if q["key"] == "regions")
    labels = {o["value"]: o["label"] for o in regions["options"]}
    assert labels["under_big_toe"] == "Ball of the foot, under the big toe joint"
    assert labels["medial_ankle"] == "Inside of the ankle, on the bony bump"
    assert "sesamoid" not in " ".join(labels.values()).lower()


def test_primary_amenorrhoea_is_a_prompt_reds_flag():
    """Periods not started by 15 is a severe CAT2 primary indicator: prompt REDs referral."""
    result = screen(knee(periods_never_started_by_15=True))
    assert "reds_primary_amenorrhoea" in flag_codes(result)
    assert result["urgency"] == "prompt"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"bone_stress_injuries_2y": 2}, "reds_bone_stress_history"),
        ({"bone_stress_injuries_2y": 5}, "reds_bone_stress_history"),
        (
            {"bone_stress_injuries_2y": 1, "bone_stress_injury_hip_pelvis_2y": True},
            "reds_bone_stress_history",
        ),
        ({"bone_stress_injuries_2y": 1}, "reds_previous_bone_stress_injury"),
        (
            {"bone_stress_injuries_2y": 1, "bone_stress_injury_hip_pelvis_2y": False},
            "reds_previous_bone_stress_injury",
        ),
        ({"previous_bone_stress_injury": True}, "reds_previous_bone_stress_injury"),
    ],
)
def test_bone_stress_history_raises_a_reds_flag(answers, expected):
    """CAT2: 2+ BSIs, or 1 at the hip, pelvis or sacrum, in 2 years: prompt; any other: routine."""
    result = screen(knee(**answers))
    reds = [code for code in flag_codes(result) if code.startswith("reds_")]
    assert reds == [expected]
    assert result["disposition"] == "refer"
    assert result["urgency"] == ("prompt" if expected == "reds_bone_stress_history" else "routine")


def test_no_stress_fractures_raise_no_reds_flag():
    """Zero stress fractures and no previous one: no REDs bone flag."""
    result = screen(knee(bone_stress_injuries_2y=0, previous_bone_stress_injury=False))
    assert not [code for code in flag_codes(result) if code.startswith("reds_")]
    assert result["disposition"] == "treat"


def test_male_indicator_flags_and_counts_as_a_reds_indicator():
    """Low sex drive or fewer morning erections: routine REDs flag and a bone-stress risk factor."""
    result = screen(knee(low_libido_or_morning_erections=True))
    assert flag_codes(result) == ["reds_male_indicator"]
    assert result["urgency"] == "routine"
    groin = screen(
        knee(regions=["groin_hip"], timing=["after_running"], low_libido_or_morning_erections=True)
    )
    assert flag_codes(groin)[0] == "suspected_femoral_neck_bsi"
    assert groin["urgency"] == "same_day"


def test_high_risk_site_of_an_earlier_bsi_counts_as_previous_bsi():
    """Saying an earlier stress fracture was at the hip or pelvis adds the previous-BSI points."""
    result = screen(knee(bone_stress_injury_hip_pelvis_2y=True))
    bsi = next(c for c in result["conditions"] if c["code"] == "bone_stress_injury")
    assert {"feature": "previous_bone_stress_injury", "points": 2} in bsi["reasons"]


@pytest.mark.parametrize(
    "key", ["bone_stress_injury_hip_pelvis_2y", "low_libido_or_morning_erections"]
)
def test_new_reds_keys_must_be_booleans(key):
    """The new answer keys are true or false, like the other yes/no questions."""
    with pytest.raises(Exception) as caught:
        validate_answers(knee(**{key: "yes"}))
    assert list(caught.value.errors) == [key]
