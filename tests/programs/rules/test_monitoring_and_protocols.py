"""Silbernagel's pain-monitoring model and the trial protocols' own progression steps."""

import datetime as dt

import pytest

from programs.rules.progression import (
    Action,
    Dosage,
    SessionPain,
    morning_trend,
    suggest,
)
from programs.rules.protocols import (
    ALFREDSON,
    HEAVY_SLOW_RESISTANCE,
    RATHLEFF,
    protocol_for,
)

DAY = dt.date(2026, 3, 30)


def s(during, morning, *, baseline=3, difficulty="ok"):
    return SessionPain(
        pain_during=during,
        next_morning_pain=morning,
        baseline_pain=baseline,
        difficulty=difficulty,
    )


def weeks(*weekly_scores):
    """(day, pain) pairs: each tuple is one week's scores, oldest week first, every other day."""
    scores = []
    count = len(weekly_scores)
    for week, values in enumerate(weekly_scores):
        start = DAY - dt.timedelta(days=7 * (count - 1 - week) + 6)
        scores += [(start + dt.timedelta(days=2 * i), v) for i, v in enumerate(values)]
    return scores


GOOD = [s(2, 2), s(2, 2)]


def test_morning_pain_creeping_up_under_the_baseline_is_caught():
    """Weekly morning pain 0 → 1 → 2 (baseline 3): every morning is within, the trend is not."""
    mornings = weeks((0, 0, 0), (1, 1, 1), (2, 2, 2))
    result = suggest(tissue="tendon", logs=GOOD, current=Dosage(sets=3, reps=10), mornings=mornings)
    assert result.action is Action.REGRESS
    assert result.code == "morning_pain_rising"
    assert result.dosage == Dosage(sets=3, reps=8)
    assert "0.0/10 → 1.0/10 → 2.0/10" in result.reason
    assert "Silbernagel 2007" in result.reason


@pytest.mark.parametrize(
    ("scores", "rising"),
    [
        (weeks((1, 1, 1), (2, 2, 2)), True),  # a one-point jump in a week
        (weeks((1, 1), (1, 2), (2, 2)), True),  # a slow creep: up in each of two weeks
        (weeks((2, 2, 2), (2, 2, 2), (2, 2, 2)), False),  # steady
        (weeks((3, 3), (2, 2), (1, 1)), False),  # settling
        (weeks((1, 1), (1, 2)), False),  # half a point once: not yet a trend
        (weeks((0, 0, 0)), False),  # one week: nothing to compare with
        ([], False),
        # a week with no morning score breaks the chain: week 1 and week 3 are not compared
        ([(DAY - dt.timedelta(days=16), 0), (DAY, 3)], False),
    ],
)
def test_morning_trend_compares_each_week_with_the_one_before(scores, rising):
    """Rising is a jump of a point in a week or a rise two weeks running."""
    assert morning_trend(scores).rising is rising


def test_a_rising_trend_blocks_progress_that_the_last_sessions_would_earn():
    """Two good sessions would progress; a rising weekly morning pain turns it into a cut."""
    steady = weeks((1, 1, 1), (1, 1, 1))
    rising = weeks((1, 1, 1), (2, 2, 2))
    dose = Dosage(sets=3, reps=10)
    assert suggest(tissue="soft_tissue", logs=GOOD, current=dose, mornings=steady).action is (
        Action.PROGRESS
    )
    assert suggest(tissue="soft_tissue", logs=GOOD, current=dose, mornings=rising).action is (
        Action.REGRESS
    )


@pytest.mark.parametrize(
    ("tissue", "logs"),
    [
        ("tendon", [s(3, 0, baseline=0), s(6, 0, baseline=0)]),  # 6/10 during: one over 5
        ("tendon", [s(2, 1, baseline=1), s(2, 2, baseline=1)]),  # morning one over usual
        ("soft_tissue", [s(2, 0, baseline=0), s(4, 0, baseline=0)]),
    ],
)
def test_a_minor_breach_reduces_the_dose(tissue, logs):
    """Silbernagel: over the limit once means less load (about 25%), not the same dose."""
    result = suggest(tissue=tissue, logs=logs, current=Dosage(sets=3, reps=12))
    assert result.action is Action.REGRESS
    assert result.code == "single_breach"
    assert result.dosage == Dosage(sets=3, reps=9)
    assert result.therapist_review is False
    assert "Silbernagel 2007" in result.reason


@pytest.mark.parametrize(
    ("slug", "protocol"),
    [
        ("eccentric_heel_drop_straight_knee", ALFREDSON),
        ("eccentric_heel_drop_bent_knee", ALFREDSON),
        ("hsr_standing_heel_raise", HEAVY_SLOW_RESISTANCE),
        ("rathleff_towel_heel_raise", RATHLEFF),
        ("glute_bridge", None),
    ],
)
def test_protocol_of_an_exercise(slug, protocol):
    """Library exercises of a trial protocol map to it; the rest use the generic steps."""
    assert protocol_for(slug) is protocol


PAIN_FREE = [s(0, 0, baseline=0), s(0, 0, baseline=0)]


def test_alfredson_adds_load_never_a_fourth_set_or_more_reps():
    """3 × 15 stays 3 × 15; the backpack gets heavier (Alfredson 1998)."""
    dose = Dosage(sets=3, reps=15, times_per_week=7)
    generic = suggest(tissue="tendon", logs=PAIN_FREE, current=dose)
    assert generic.dosage.sets == 4  # what the generic order would do
    result = suggest(tissue="tendon", logs=PAIN_FREE, current=dose, protocol=ALFREDSON)
    assert result.action is Action.PROGRESS
    assert (result.dosage.sets, result.dosage.reps) == (3, 15)
    assert result.dosage.load_kg == 2.0
    loaded = suggest(
        tissue="tendon",
        logs=PAIN_FREE,
        current=Dosage(sets=3, reps=15, load_kg=10),
        protocol=ALFREDSON,
    )
    assert (loaded.dosage.sets, loaded.dosage.reps, loaded.dosage.load_kg) == (3, 15, 11)
    assert "Alfredson 1998" in loaded.reason


def test_alfredson_keeps_the_load_while_the_exercise_still_hurts():
    """Pain during within 5/10 is expected in Alfredson's protocol: hold, do not add load."""
    logs = [s(3, 0, baseline=0), s(2, 0, baseline=0)]
    result = suggest(
        tissue="tendon", logs=logs, current=Dosage(sets=3, reps=15), protocol=ALFREDSON
    )
    assert result.action is Action.HOLD
    assert result.code == "protocol_pain_expected"


def test_alfredson_after_a_cut_goes_back_to_fifteen():
    """After unloaded reps were cut to 11, progress restores the protocol's 3 × 15 first."""
    result = suggest(
        tissue="tendon", logs=PAIN_FREE, current=Dosage(sets=3, reps=11), protocol=ALFREDSON
    )
    assert (result.dosage.sets, result.dosage.reps, result.dosage.load_kg) == (3, 15, 0)


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (Dosage(sets=3, reps=15, load_kg=40), (3, 12, 44)),
        (Dosage(sets=3, reps=12, load_kg=44), (4, 10, 48.5)),
        (Dosage(sets=4, reps=10, load_kg=50), (4, 8, 55)),
        (Dosage(sets=4, reps=8, load_kg=60), (4, 6, 66)),
        (Dosage(sets=4, reps=6, load_kg=70), (4, 6, 77)),
        (Dosage(sets=3, reps=15), (3, 12, 0)),  # weight prescribed as an RM, not in kg
    ],
)
def test_heavy_slow_resistance_follows_beyers_schedule(current, expected):
    """3×15RM → 3×12RM → 4×10RM → 4×8RM → 4×6RM, then only the weight (Beyer 2015)."""
    result = suggest(
        tissue="tendon",
        logs=PAIN_FREE,
        current=current,
        protocol=HEAVY_SLOW_RESISTANCE,
        protocol_week=12,
    )
    assert result.action is Action.PROGRESS
    assert (result.dosage.sets, result.dosage.reps, result.dosage.load_kg) == expected
    assert result.dosage.reps <= current.reps
    assert "Beyer 2015" in result.reason


@pytest.mark.parametrize(
    ("current", "week", "stepped"),
    [
        ((3, 15), 1, False),  # 3×12RM from week 2
        ((3, 15), 2, True),
        ((3, 12), 3, False),  # 4×10RM from week 4
        ((3, 12), 4, True),
        ((4, 10), 5, False),  # 4×8RM from week 6
        ((4, 10), 6, True),
        ((4, 8), 8, False),  # 4×6RM from week 9
        ((4, 8), 9, True),
        ((4, 8), None, False),  # no calendar known: not due
    ],
)
def test_heavy_slow_resistance_steps_only_when_beyers_calendar_reaches_them(current, week, stepped):
    """Sessions within the rule never bring a step of Beyer 2015 forward; they hold until due."""
    sets, reps = current
    dose = Dosage(sets=sets, reps=reps, load_kg=40)
    result = suggest(
        tissue="tendon",
        logs=PAIN_FREE,
        current=dose,
        protocol=HEAVY_SLOW_RESISTANCE,
        protocol_week=week,
    )
    if stepped:
        assert result.action is Action.PROGRESS
        assert result.dosage.reps < reps
    else:
        assert (result.action, result.code) == (Action.HOLD, "protocol_schedule")
        assert result.dosage == dose
        assert "only from week" in result.reason


@pytest.mark.parametrize(
    ("current", "week", "stepped"),
    [
        ((3, 12), 2, False),  # 4×10RM after 2 weeks: from week 3
        ((3, 12), 3, True),
        ((4, 10), 4, False),  # 5×8RM after 4 weeks: from week 5
        ((4, 10), 5, True),
    ],
)
def test_rathleff_steps_only_after_two_and_four_weeks(current, week, stepped):
    """Rathleff 2015: 4×10RM after 2 weeks, 5×8RM after 4, whatever the pain scores."""
    sets, reps = current
    dose = Dosage(sets=sets, reps=reps, load_kg=5)
    logs = [s(2, 0, baseline=0), s(2, 0, baseline=0)]
    result = suggest(
        tissue="soft_tissue", logs=logs, current=dose, protocol=RATHLEFF, protocol_week=week
    )
    assert (result.action is Action.PROGRESS) is stepped
    assert (result.dosage.reps < reps) is stepped


def test_a_breach_still_reduces_while_a_protocol_step_is_not_due():
    """The calendar gates steps up only: a breach in week 1 still takes weight off."""
    result = suggest(
        tissue="tendon",
        logs=[s(7, 0)],
        current=Dosage(sets=3, reps=15, load_kg=40),
        protocol=HEAVY_SLOW_RESISTANCE,
        protocol_week=1,
    )
    assert result.action is Action.REGRESS


@pytest.mark.parametrize(
    ("current", "expected"),
    [
        (Dosage(sets=3, reps=12, load_kg=5), (4, 10, 5.5)),
        (Dosage(sets=4, reps=10, load_kg=6), (5, 8, 6.5)),
        (Dosage(sets=5, reps=8, load_kg=8), (5, 8, 9)),
    ],
)
def test_rathleff_steps_reps_down_and_load_up(current, expected):
    """3×12RM → 4×10RM → 5×8RM, then more books in the backpack (Rathleff 2015)."""
    logs = [s(2, 0, baseline=0), s(2, 0, baseline=0)]
    result = suggest(
        tissue="soft_tissue", logs=logs, current=current, protocol=RATHLEFF, protocol_week=12
    )
    assert result.action is Action.PROGRESS
    assert (result.dosage.sets, result.dosage.reps, result.dosage.load_kg) == expected
    assert "Rathleff 2015" in result.reason


def test_a_protocol_breach_takes_weight_off_and_keeps_sets_and_reps():
    """A loaded protocol exercise is cut by weight, so the protocol's 4 × 10 stays."""
    logs = [s(2, 0, baseline=0), s(4, 0, baseline=0)]
    result = suggest(
        tissue="soft_tissue",
        logs=logs,
        current=Dosage(sets=4, reps=10, load_kg=8),
        protocol=RATHLEFF,
    )
    assert result.action is Action.REGRESS
    assert (result.dosage.sets, result.dosage.reps, result.dosage.load_kg) == (4, 10, 6)
