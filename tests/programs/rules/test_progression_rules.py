"""Progression rules: each tissue's pain rule decides progress, hold or regress."""

import pytest

from programs.rules.progression import (
    Action,
    Difficulty,
    Dosage,
    SessionPain,
    Verdict,
    check_pain,
    suggest,
)

DOSE = Dosage(sets=3, reps=10)


def s(during, morning, *, after=None, baseline=0, difficulty="ok", completed=True):
    return SessionPain(
        pain_during=during,
        pain_after=after,
        next_morning_pain=morning,
        baseline_pain=baseline,
        difficulty=difficulty,
        completed=completed,
    )


CASES = [
    # tendon: up to 5/10 during and after, back to baseline by the next morning
    ("tendon", [s(4, 0), s(5, 0, after=5)], Action.PROGRESS, "progress"),
    ("tendon", [s(2, 1, baseline=1), s(3, 1, baseline=1)], Action.PROGRESS, "progress"),
    ("tendon", [s(3, 0), s(6, 0)], Action.REGRESS, "single_breach"),
    ("tendon", [s(2, 1, baseline=1), s(2, 2, baseline=1)], Action.REGRESS, "single_breach"),
    ("tendon", [s(3, 0), s(3, 0, difficulty="hard")], Action.HOLD, "too_hard"),
    ("tendon", [s(6, 0), s(3, 0)], Action.HOLD, "building_streak"),
    ("tendon", [s(3, 0), s(8, 0)], Action.REGRESS, "major_breach"),
    ("tendon", [s(6, 0), s(6, 1)], Action.REGRESS, "repeated_breach"),
    ("tendon", [s(2, 0), s(2, 3)], Action.REGRESS, "major_breach"),
    ("tendon", [], Action.HOLD, "not_enough_data"),
    ("tendon", [s(3, 0)], Action.HOLD, "not_enough_data"),
    ("tendon", [s(3, 0), s(3, None)], Action.HOLD, "not_enough_data"),
    # soft tissue: up to 3/10, back to baseline within 24 h
    ("soft_tissue", [s(3, 0), s(2, 0, after=3)], Action.PROGRESS, "progress"),
    ("soft_tissue", [s(2, 0), s(4, 0)], Action.REGRESS, "single_breach"),
    ("soft_tissue", [s(2, 0), s(2, 0, completed=False)], Action.HOLD, "too_hard"),
    ("soft_tissue", [s(2, 0), s(6, 0)], Action.REGRESS, "major_breach"),
    ("soft_tissue", [s(4, 0), s(4, 0)], Action.REGRESS, "repeated_breach"),
    ("soft_tissue", [s(2, 0)], Action.HOLD, "not_enough_data"),
    ("soft_tissue", [s(None, 0), s(None, 0)], Action.HOLD, "not_enough_data"),
    # bone: no pain at all
    ("bone", [s(0, 0), s(0, 0)], Action.PROGRESS, "progress"),
    ("bone", [s(0, 0), s(0, 0, difficulty="hard")], Action.HOLD, "too_hard"),
    ("bone", [s(1, 0), s(0, 0)], Action.HOLD, "building_streak"),
    ("bone", [s(0, 0), s(1, 0)], Action.REGRESS, "bone_pain"),
    ("bone", [s(0, 0), s(0, 1, baseline=1)], Action.REGRESS, "bone_pain"),
    ("bone", [s(0, None)], Action.HOLD, "not_enough_data"),
    # general: the soft-tissue numbers
    ("general", [s(1, 0), s(3, 0)], Action.PROGRESS, "progress"),
    ("general", [s(1, 0), s(4, 0)], Action.REGRESS, "single_breach"),
    ("general", [s(4, 0), s(5, 0)], Action.REGRESS, "repeated_breach"),
    ("general", [], Action.HOLD, "not_enough_data"),
]


@pytest.mark.parametrize(("tissue", "logs", "action", "code"), CASES)
def test_suggest_by_tissue(tissue, logs, action, code):
    """Each tissue's rule gives the expected action and names why."""
    result = suggest(tissue=tissue, logs=logs, current=DOSE)
    assert (result.action, result.code) == (action, code)
    if action is Action.HOLD:
        assert result.dosage == DOSE
    elif action is Action.PROGRESS:
        assert result.dosage != DOSE
    else:
        assert result.dosage.reps < DOSE.reps


@pytest.mark.parametrize(
    ("tissue", "action"),
    [
        ("tendon", Action.PROGRESS),
        ("soft_tissue", Action.REGRESS),
        ("general", Action.REGRESS),
        ("bone", Action.REGRESS),
    ],
)
def test_same_pain_is_judged_by_tissue(tissue, action):
    """Pain of 4/10 twice is fine for a tendon, too much for soft tissue and bone."""
    assert suggest(tissue=tissue, logs=[s(4, 0), s(4, 0)], current=DOSE).action is action


@pytest.mark.parametrize(
    ("tissue", "logs", "words"),
    [
        ("tendon", [s(4, 0), s(5, 0)], ["Silbernagel 2007", "5/10", "4/10 and 5/10"]),
        ("soft_tissue", [s(2, 0), s(3, 0)], ["3/10", "2/10 and 3/10", "10 → 12"]),
        ("bone", [s(0, 0), s(0, 0)], ["no pain at all"]),
        ("soft_tissue", [s(2, 0), s(5, 1)], ["5/10 during", "1/10 the next morning"]),
    ],
)
def test_reason_names_rule_and_numbers(tissue, logs, words):
    """The reason names the rule and quotes the runner's own scores."""
    reason = suggest(tissue=tissue, logs=logs, current=DOSE).reason
    for word in words:
        assert word in reason


@pytest.mark.parametrize(
    ("tissue", "current", "expected"),
    [
        ("tendon", Dosage(sets=3, reps=10), Dosage(sets=3, reps=12)),
        ("tendon", Dosage(sets=3, reps=14), Dosage(sets=3, reps=15)),
        ("tendon", Dosage(sets=3, reps=15), Dosage(sets=4, reps=15)),
        ("tendon", Dosage(sets=4, reps=15), Dosage(sets=4, reps=15, load_kg=2.0)),
        ("tendon", Dosage(sets=4, reps=15, load_kg=10), Dosage(sets=4, reps=15, load_kg=11)),
        ("tendon", Dosage(sets=4, reps=15, load_kg=2), Dosage(sets=4, reps=15, load_kg=2.5)),
        ("soft_tissue", Dosage(sets=3, hold_seconds=30), Dosage(sets=3, hold_seconds=35)),
        ("soft_tissue", Dosage(sets=3, hold_seconds=60), Dosage(sets=4, hold_seconds=60)),
        (
            "soft_tissue",
            Dosage(sets=3, reps=25, max_reps=25),
            Dosage(sets=4, reps=25, max_reps=25),
        ),
        (
            "bone",
            Dosage(sets=3, reps=10, times_per_week=3),
            Dosage(sets=3, reps=10, times_per_week=4),
        ),
        (
            "bone",
            Dosage(sets=3, reps=10, times_per_week=7),
            Dosage(sets=3, reps=12, times_per_week=7),
        ),
    ],
)
def test_progression_order(tissue, current, expected):
    """Volume, then sets, then load; bone adds a day a week first (Warden 2021)."""
    logs = [s(0, 0), s(0, 0)]
    result = suggest(tissue=tissue, logs=logs, current=current)
    assert result.action is Action.PROGRESS
    assert result.dosage == expected


@pytest.mark.parametrize(
    ("tissue", "logs", "current", "expected", "rest_days", "review"),
    [
        ("soft_tissue", [s(4, 0), s(4, 0)], Dosage(sets=3, reps=12), Dosage(sets=3, reps=9), 0, 1),
        ("soft_tissue", [s(0, 0), s(7, 0)], Dosage(sets=3, reps=12), Dosage(sets=3, reps=6), 0, 0),
        (
            "tendon",
            [s(2, 0), s(8, 0)],
            Dosage(sets=3, hold_seconds=45),
            Dosage(sets=3, hold_seconds=23),
            0,
            0,
        ),
        ("bone", [s(0, 0), s(2, 0)], Dosage(sets=3, reps=10), Dosage(sets=3, reps=5), 2, 0),
        ("bone", [s(1, 0), s(2, 0)], Dosage(sets=3, reps=10), Dosage(sets=3, reps=5), 2, 1),
    ],
)
def test_regression_dose(tissue, logs, current, expected, rest_days, review):
    """A breach cuts volume by about 25% (repeated) or 50% (major, bone); twice asks review."""
    result = suggest(tissue=tissue, logs=logs, current=current)
    assert result.action is Action.REGRESS
    assert result.dosage == expected
    assert result.rest_days == rest_days
    assert result.therapist_review is bool(review)


def test_only_last_two_sessions_count_for_progress():
    """An old breach does not block progress once two good sessions follow."""
    logs = [s(7, 3), s(2, 0), s(1, 0)]
    assert suggest(tissue="soft_tissue", logs=logs, current=DOSE).action is Action.PROGRESS


@pytest.mark.parametrize(
    ("log", "verdict"),
    [
        (s(5, 0, after=5), Verdict.WITHIN),
        (s(5, 0, after=6), Verdict.BREACH),
        (s(5, 0, after=8), Verdict.MAJOR),
        (s(None, None, after=9), Verdict.MAJOR),
        (s(3, None), Verdict.INCOMPLETE),
        (s(3, 2, baseline=2), Verdict.WITHIN),
    ],
)
def test_check_pain_tendon(log, verdict):
    """Pain right after and over the limit is a breach even when other scores are missing."""
    assert check_pain(tissue="tendon", log=log).verdict is verdict


def test_difficulty_accepts_plain_strings():
    """Difficulty given as text becomes the enum."""
    assert s(0, 0, difficulty="hard").difficulty is Difficulty.HARD


@pytest.mark.parametrize(
    "kwargs",
    [{"pain_during": 11}, {"pain_during": -1}, {"next_morning_pain": 2.5}, {"pain_after": True}],
)
def test_pain_scores_are_validated(kwargs):
    """Pain scores outside 0–10 whole numbers are rejected."""
    with pytest.raises(ValueError, match="0 to 10"):
        SessionPain(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sets": 0, "reps": 5},
        {"sets": 3},
        {"sets": 3, "reps": 0},
        {"sets": 3, "reps": 8, "load_kg": -1},
    ],
)
def test_dosage_is_validated(kwargs):
    """A dosage needs at least one set and something to count."""
    with pytest.raises(ValueError):
        Dosage(**kwargs)


def test_unknown_tissue_is_rejected():
    """An unknown tissue code is an error, never a silent default."""
    with pytest.raises(ValueError, match="Unknown tissue"):
        suggest(tissue="muscle", logs=[], current=DOSE)
