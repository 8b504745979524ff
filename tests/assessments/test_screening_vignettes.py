"""Clinical vignettes written from shared/reference/clinical.md, screened end to end."""

import json
from collections import Counter
from pathlib import Path

import pytest

from assessments.screening import CONDITION_CODES, screen
from assessments.screening.engine import RULES
from tests.assessments.test_screening_properties import assert_valid_result

VIGNETTE_DIR = Path(__file__).with_name("vignettes")
BAND_RANK = {"low": 0, "moderate": 1, "high": 2}
EXPECT_KEYS = {
    "disposition",
    "urgency",
    "suspected_bsi",
    "red_flags",
    "pattern",
    "top",
    "top_two",
    "min_top_band",
    "max_band",
}


def load_vignettes():
    """Return every vignette from every file in the vignettes folder."""
    vignettes = []
    for path in sorted(VIGNETTE_DIR.glob("*.json")):
        vignettes.extend(json.loads(path.read_text(encoding="utf-8")))
    return vignettes


VIGNETTES = load_vignettes()


def test_vignette_set_is_complete():
    """At least 36 vignettes, 6 per condition, unique ids, and every red flag exercised."""
    assert len(VIGNETTES) >= 36
    ids = [vignette["id"] for vignette in VIGNETTES]
    assert len(ids) == len(set(ids))
    per_condition = Counter(vignette["condition"] for vignette in VIGNETTES)
    for code in CONDITION_CODES:
        assert per_condition[code] >= 6, code
    exercised = {code for v in VIGNETTES for code in v["expect"].get("red_flags", [])}
    assert exercised == {flag["code"] for flag in RULES["red_flags"]}


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[v["id"] for v in VIGNETTES])
def test_vignette(vignette):
    """The screening result matches what the clinical reference leads one to expect."""
    assert vignette["description"] and vignette["source"]
    expect = vignette["expect"]
    assert set(expect) <= EXPECT_KEYS
    result = screen(vignette["answers"])
    assert_valid_result(result)
    for key in ("disposition", "urgency", "suspected_bsi", "pattern"):
        if key in expect:
            assert result[key] == expect[key], key
    if "red_flags" in expect:
        assert sorted(flag["code"] for flag in result["red_flags"]) == sorted(expect["red_flags"])
    ranked = result["conditions"]
    if "top" in expect:
        assert ranked[0]["code"] == expect["top"]
    if "top_two" in expect:
        assert {entry["code"] for entry in ranked[:2]} == set(expect["top_two"])
    if "min_top_band" in expect:
        assert BAND_RANK[ranked[0]["band"]] >= BAND_RANK[expect["min_top_band"]]
    for code, band in expect.get("max_band", {}).items():
        entry = next(entry for entry in ranked if entry["code"] == code)
        assert BAND_RANK[entry["band"]] <= BAND_RANK[band], code


def test_clear_soft_tissue_cases_are_treated_not_referred():
    """Every clear case of a soft-tissue condition stays with the therapist."""
    clear = [
        v
        for v in VIGNETTES
        if v["expect"].get("pattern") == "clear"
        and v["expect"].get("top") in CONDITION_CODES[:5]
        and not v["expect"].get("red_flags")
        and v["expect"].get("disposition") == "treat"
    ]
    assert len(clear) >= 15
    for vignette in clear:
        assert screen(vignette["answers"])["disposition"] == "treat", vignette["id"]


def test_every_red_flag_vignette_refers():
    """A vignette expecting any red flag is referred with the most urgent flag's urgency."""
    order = RULES["urgency_order"]
    urgency_of = {flag["code"]: flag["urgency"] for flag in RULES["red_flags"]}
    for vignette in VIGNETTES:
        flags = vignette["expect"].get("red_flags")
        if not flags:
            continue
        result = screen(vignette["answers"])
        assert result["disposition"] == "refer", vignette["id"]
        most_urgent = min((urgency_of[code] for code in flags), key=order.index)
        if not result["suspected_bsi"] or most_urgent != "routine":
            assert result["urgency"] == most_urgent, vignette["id"]
