"""Walk-run return to running: advance, repeat or step back by the tissue's pain rule."""

from datetime import date, timedelta

import pytest

from programs.rules.walkrun import (
    FINAL_STAGE,
    STAGES,
    RunPain,
    StageAction,
    get_stage,
    prerequisites,
    suggest_advance,
)

START = date(2025, 3, 3)


def r(during, morning, *, after=None, baseline=0, on=None, completed=True):
    return RunPain(
        pain_during=during,
        pain_after=after,
        next_morning_pain=morning,
        baseline_pain=baseline,
        on=on,
        completed=completed,
    )


def every_other_day(count, during=0, morning=0):
    return [r(during, morning, on=START + timedelta(days=2 * i)) for i in range(count)]


CASES = [
    # soft tissue
    ("soft_tissue", 1, [r(0, 0), r(2, 0)], StageAction.ADVANCE, 2, "advance"),
    ("soft_tissue", 3, [r(1, 0), r(3, 0, after=3)], StageAction.ADVANCE, 4, "advance"),
    ("soft_tissue", 3, [r(1, 0)], StageAction.REPEAT, 3, "building_streak"),
    ("soft_tissue", 3, [r(4, 0), r(1, 0)], StageAction.REPEAT, 3, "building_streak"),
    (
        "soft_tissue",
        3,
        [r(0, 0), r(0, 0, completed=False)],
        StageAction.REPEAT,
        3,
        "building_streak",
    ),
    ("soft_tissue", 3, [r(1, 0), r(4, 0)], StageAction.REPEAT, 3, "single_breach"),
    ("soft_tissue", 3, [r(1, 0), r(6, 0)], StageAction.BACK, 2, "major_breach"),
    ("soft_tissue", 3, [r(4, 0), r(4, 1)], StageAction.BACK, 2, "repeated_breach"),
    ("soft_tissue", 1, [r(7, 0)], StageAction.REPEAT, 1, "major_breach"),
    ("soft_tissue", 3, [], StageAction.REPEAT, 3, "not_enough_data"),
    ("soft_tissue", 3, [r(0, 0), r(0, None)], StageAction.REPEAT, 3, "not_enough_data"),
    # tendon: up to 5/10
    ("tendon", 2, [r(5, 0), r(4, 0)], StageAction.ADVANCE, 3, "advance"),
    ("tendon", 2, [r(5, 0), r(6, 0)], StageAction.REPEAT, 2, "single_breach"),
    # bone: no pain at all; two stages back
    ("bone", 5, [r(0, 0), r(0, 0)], StageAction.ADVANCE, 6, "advance"),
    ("bone", 5, [r(0, 0), r(1, 0)], StageAction.BACK, 3, "bone_pain"),
    ("bone", 5, [r(0, 0), r(0, 1)], StageAction.BACK, 3, "bone_pain"),
    ("bone", 2, [r(2, 0)], StageAction.BACK, 0, "bone_pain"),
    ("bone", 1, [r(1, 0)], StageAction.BACK, 0, "bone_pain"),
    ("bone", 5, [r(0, None)], StageAction.REPEAT, 5, "not_enough_data"),
]


@pytest.mark.parametrize(("tissue", "stage", "logs", "action", "next_stage", "code"), CASES)
def test_suggest_advance(tissue, stage, logs, action, next_stage, code):
    """Two runs within the rule advance; a breach repeats or steps back by tissue."""
    result = suggest_advance(stage=stage, logs=logs, tissue=tissue)
    assert (result.action, result.stage, result.code) == (action, next_stage, code)


@pytest.mark.parametrize(
    ("tissue", "logs", "rest_days", "review"),
    [
        ("soft_tissue", [r(0, 0), r(6, 0)], 1, False),
        ("soft_tissue", [r(4, 0), r(4, 0)], 1, True),
        ("bone", [r(0, 0), r(1, 0)], 2, False),
        ("bone", [r(1, 0), r(0, 0), r(1, 0)], 2, True),
    ],
)
def test_step_back_rests_and_reviews(tissue, logs, rest_days, review):
    """Stepping back comes after rest days; a repeat breach or recurring bone pain asks review."""
    result = suggest_advance(stage=4, logs=logs, tissue=tissue)
    assert result.action is StageAction.BACK
    assert (result.rest_days, result.therapist_review) == (rest_days, review)
    assert f"stage {result.stage}" in result.reason


@pytest.mark.parametrize(
    ("logs", "action"),
    [
        (every_other_day(8), StageAction.ADVANCE),
        (every_other_day(7), StageAction.REPEAT),
        ([r(0, 0)] * 7, StageAction.ADVANCE),
        ([r(0, 0)] * 6, StageAction.REPEAT),
        ([r(1, 0, on=START - timedelta(days=2)), *every_other_day(7)], StageAction.REPEAT),
    ],
)
def test_stage_seven_needs_two_stable_weeks(logs, action):
    """Stage 7 advances only after two weeks of runs within the rule."""
    assert suggest_advance(stage=7, logs=logs, tissue="bone").action is action


def test_final_stage_keeps_building():
    """The last stage is ongoing: it repeats and points to the 30-day spike check."""
    result = suggest_advance(stage=FINAL_STAGE, logs=[r(0, 0), r(0, 0)], tissue="soft_tissue")
    assert (result.action, result.stage, result.code) == (StageAction.REPEAT, 8, "final_stage")
    assert "10%" in result.reason


@pytest.mark.parametrize(
    ("tissue", "word"), [("bone", "tenderness"), ("bone", "clearance"), ("soft_tissue", "hops")]
)
def test_stage_zero_is_a_checklist(tissue, word):
    """Stage 0 never advances from logs; it lists the prerequisites for the tissue."""
    result = suggest_advance(stage=0, logs=[r(0, 0), r(0, 0)], tissue=tissue)
    assert (result.action, result.stage, result.code) == (StageAction.REPEAT, 0, "prerequisites")
    assert word in result.reason.lower()
    assert any(word in item.lower() for item in prerequisites(tissue=tissue))


def test_pain_free_runs_walk_through_every_stage():
    """Two pain-free runs per stage carry a runner from stage 1 to stage 8."""
    stage = 1
    while stage < FINAL_STAGE:
        result = suggest_advance(stage=stage, logs=every_other_day(8), tissue="bone")
        assert result.action is StageAction.ADVANCE
        stage = result.stage
    assert stage == FINAL_STAGE


def test_stage_table_matches_reference():
    """The stage table is §7.5: 5×1, 5×2, 5×3, 4×5, 2×10 min runs, then 20 and 30 min."""
    assert [s.number for s in STAGES] == list(range(9))
    assert [(s.repeats, s.run_minutes, s.walk_minutes) for s in STAGES[1:8]] == [
        (5, 1, 1),
        (5, 2, 1),
        (5, 3, 1),
        (4, 5, 1),
        (2, 10, 1),
        (1, 20, 0),
        (1, 30, 0),
    ]
    assert [s.total_run_minutes for s in STAGES[1:8]] == [5, 10, 15, 20, 20, 20, 30]


@pytest.mark.parametrize("stage", [-1, 9, 2.0, True])
def test_invalid_stage_is_rejected(stage):
    """A stage outside 0–8 is an error."""
    with pytest.raises(ValueError, match="stage"):
        get_stage(stage)
    with pytest.raises(ValueError, match="stage"):
        suggest_advance(stage=stage, logs=[], tissue="bone")


def test_unknown_tissue_is_rejected():
    """The pain rule must be named; an unknown tissue is an error."""
    with pytest.raises(ValueError, match="Unknown tissue"):
        suggest_advance(stage=1, logs=[], tissue="cartilage")


def test_run_pain_scores_are_validated():
    """Run pain scores outside 0–10 are rejected."""
    with pytest.raises(ValueError, match="0 to 10"):
        RunPain(pain_during=12)
