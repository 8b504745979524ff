"""Load rules: the single-run spike check (Frandsen 2025) and weekly distance."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from programs.rules.load import (
    IntakeLongestRun,
    WeekVolume,
    longest_recent_run,
    spike_warning,
    weekly_volume,
)

RUN_DATE = date(2025, 6, 15)


def days_before(days):
    return RUN_DATE - timedelta(days=days)


@pytest.mark.parametrize(
    ("run_km", "previous", "level", "ratio"),
    [
        # exactly 10% is not a warning, whatever the float arithmetic does
        (11.0, [(days_before(3), 10.0)], None, None),
        (5.5, [(days_before(3), 5.0)], None, None),
        (7.7, [(days_before(3), 7.0)], None, None),
        (3.3, [(days_before(3), 3.0)], None, None),
        (23.21, [(days_before(3), 21.1)], None, None),
        (8.0, [(days_before(3), 10.0)], None, None),
        # just over 10%
        (11.01, [(days_before(3), 10.0)], "small", 1.1),
        (11.5, [(days_before(3), 10.0)], "small", 1.15),
        # 30% edge
        (13.0, [(days_before(3), 10.0)], "small", 1.3),
        (3.9, [(days_before(3), 3.0)], "small", 1.3),
        (13.01, [(days_before(3), 10.0)], "moderate", 1.3),
        (14.2, [(days_before(3), 10.0)], "moderate", 1.42),
        # 100% edge
        (20.0, [(days_before(3), 10.0)], "moderate", 2.0),
        (20.01, [(days_before(3), 10.0)], "large", 2.0),
        (42.2, [(days_before(3), 10.0)], "large", 4.22),
    ],
)
def test_spike_bands(run_km, previous, level, ratio):
    """Warn only above 10%; grade small to 30%, moderate to 100%, large beyond."""
    warning = spike_warning(run_km=run_km, previous_runs=previous, run_date=RUN_DATE)
    if level is None:
        assert warning is None
    else:
        assert warning["level"] == level
        assert warning["ratio"] == ratio
        assert set(warning) == {"level", "ratio", "message"}


@pytest.mark.parametrize(
    ("previous", "longest"),
    [
        ([(days_before(30), 10.0)], 10.0),
        ([(days_before(31), 20.0), (days_before(30), 10.0)], 10.0),
        ([(days_before(1), 6.0), (days_before(10), 12.0), (days_before(20), 8.0)], 12.0),
        ([(RUN_DATE, 20.0), (days_before(2), 5.0)], 5.0),
        ([(RUN_DATE + timedelta(days=1), 20.0), (days_before(2), 5.0)], 5.0),
        ([(days_before(40), 30.0)], 0.0),
    ],
)
def test_window_is_the_thirty_days_before(previous, longest):
    """The window is run_date - 30 to run_date - 1; the same day and later days are left out."""
    assert longest_recent_run(previous_runs=previous, run_date=RUN_DATE) == longest


def test_run_thirty_days_before_counts_and_thirty_one_does_not():
    """A run 30 days before is in the window; 31 days before is not (a first run back)."""
    in_window = spike_warning(
        run_km=12.0, previous_runs=[(days_before(30), 10.0)], run_date=RUN_DATE
    )
    outside = spike_warning(run_km=12.0, previous_runs=[(days_before(31), 10.0)], run_date=RUN_DATE)
    assert in_window["level"] == "small"
    assert outside["level"] == "first_run_back"


@pytest.mark.parametrize(
    "previous",
    [
        [],
        [(days_before(31), 2.0)],
        [(days_before(45), 12.0), (days_before(31), 3.0)],
        [(days_before(3), 0.0)],
        [(RUN_DATE, 5.0)],
    ],
)
@pytest.mark.parametrize("run_km", [0.5, 3.0, 10.0])
def test_no_run_in_the_previous_30_days_is_a_first_run_back(previous, run_km):
    """No run in the 30 days before: any run, however short, is a first run back."""
    warning = spike_warning(run_km=run_km, previous_runs=previous, run_date=RUN_DATE)
    assert warning["level"] == "first_run_back"
    assert warning["ratio"] is None
    assert set(warning) == {"level", "ratio", "message"}
    for words in ("first run back", "30 days", "walk-run", "therapist"):
        assert words in warning["message"]


@pytest.mark.parametrize("reported_days_before", [0, 1, 10, 30])
@pytest.mark.parametrize("run_km", [2.0, 8.0, 8.8])
def test_intake_longest_run_never_hides_a_first_run_back(run_km, reported_days_before):
    """No run logged in the 30 days before: a first run back, whatever the intake reported.

    The intake figure is the pre-injury long run (Frandsen 2025 counts only runs logged in the
    previous 30 days); it is named as context, never used as the reference.
    """
    intake = IntakeLongestRun(reported_on=days_before(reported_days_before), km=8.0)
    warning = spike_warning(run_km=run_km, previous_runs=[], run_date=RUN_DATE, intake=intake)
    assert warning["level"] == "first_run_back"
    assert warning["ratio"] is None
    assert "walk-run" in warning["message"]
    assert "registered (8 km)" in warning["message"]


def test_first_run_back_without_intake_names_no_intake_figure():
    """Without an intake figure the first-run-back words do not mention one."""
    warning = spike_warning(run_km=3.0, previous_runs=[], run_date=RUN_DATE)
    assert "registered" not in warning["message"]


@pytest.mark.parametrize(
    ("run_km", "reported_days_before", "level"),
    [
        (8.0, 0, None),  # reported today, run today: within 10%
        (8.8, 10, None),  # exactly 10% over the reported longest
        (9.0, 10, "small"),
        (12.0, 30, "moderate"),  # the 30th day after intake still counts
        (20.0, 5, "large"),
        (8.0, 31, "large"),  # intake too old: the logged 3 km is the reference
        (8.0, -1, "large"),  # an intake after the run is not compared with it
    ],
)
def test_intake_longest_run_is_a_spike_reference_once_runs_are_logged(
    run_km, reported_days_before, level
):
    """With a logged 3 km run, the intake's longest run (8 km) is the reference for 30 days."""
    intake = IntakeLongestRun(reported_on=days_before(reported_days_before), km=8.0)
    logged = [(days_before(2), 3.0)]
    warning = spike_warning(run_km=run_km, previous_runs=logged, run_date=RUN_DATE, intake=intake)
    if level is None:
        assert warning is None
    else:
        assert warning["level"] == level
    if reported_days_before in range(0, 31) and level:
        assert "reported when you registered" in warning["message"]
        assert "8 km" in warning["message"]


def test_the_longer_of_intake_and_log_is_the_reference():
    """A logged run longer than the intake's figure replaces it; a shorter one does not."""
    intake = IntakeLongestRun(reported_on=days_before(10), km=8.0)
    longer_log = [(days_before(3), 12.0)]
    shorter_log = [(days_before(3), 5.0)]
    kept = spike_warning(run_km=12.0, previous_runs=longer_log, run_date=RUN_DATE, intake=intake)
    assert kept is None
    warning = spike_warning(
        run_km=12.0, previous_runs=shorter_log, run_date=RUN_DATE, intake=intake
    )
    assert warning["level"] == "moderate" and warning["ratio"] == 1.5
    assert "reported when you registered" in warning["message"]
    logged = spike_warning(run_km=14.0, previous_runs=longer_log, run_date=RUN_DATE, intake=intake)
    assert "your longest run of the previous 30 days (12 km)" in logged["message"]


def test_intake_of_zero_km_is_no_reference():
    """An intake longest run of 0 km (not running) leaves the run a first run back."""
    intake = IntakeLongestRun(reported_on=days_before(2), km=0.0)
    warning = spike_warning(run_km=3.0, previous_runs=[], run_date=RUN_DATE, intake=intake)
    assert warning["level"] == "first_run_back"


def test_compares_with_longest_not_latest():
    """The reference is the longest run of the window, not the most recent."""
    previous = [(days_before(20), 16.0), (days_before(2), 5.0)]
    assert spike_warning(run_km=12.0, previous_runs=previous, run_date=RUN_DATE) is None


@pytest.mark.parametrize(
    ("run_km", "words"),
    [
        (12.0, ["12 km", "10 km", "20%", "11 km", "within about 10%"]),
        (11.04, ["10.4%"]),
        (15.0, ["50%", "within about 10%"]),
        (25.5, ["155%", "more than double", "therapist"]),
    ],
)
def test_message_is_plain_decision_support(run_km, words):
    """The message states the distances, the size of the jump and what to do."""
    warning = spike_warning(
        run_km=run_km, previous_runs=[(days_before(5), 10.0)], run_date=RUN_DATE
    )
    for word in words:
        assert word in warning["message"]


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, True, "10"])
def test_bad_distance_is_rejected(bad):
    """Negative, non-finite or non-numeric distances are errors."""
    with pytest.raises(ValueError, match="distance"):
        spike_warning(run_km=bad, previous_runs=[(days_before(1), 5.0)], run_date=RUN_DATE)
    with pytest.raises(ValueError, match="distance"):
        spike_warning(run_km=5.0, previous_runs=[(days_before(1), bad)], run_date=RUN_DATE)


@given(
    longest=st.floats(min_value=0.1, max_value=100, allow_nan=False),
    factor=st.floats(min_value=0, max_value=5, allow_nan=False),
)
def test_warning_iff_more_than_ten_percent(longest, factor):
    """A warning appears exactly when the run is more than 10% longer than the longest."""
    run_km = longest * factor
    warning = spike_warning(
        run_km=run_km, previous_runs=[(days_before(1), longest)], run_date=RUN_DATE
    )
    ratio = run_km / longest
    if ratio <= 1.1 - 1e-9:
        assert warning is None
    elif ratio > 1.1 + 1e-9:
        assert warning is not None
        assert warning["level"] in {"small", "moderate", "large"}


TODAY = date(2025, 6, 18)  # a Wednesday


def test_weekly_volume_sums_by_monday_week():
    """Distances add up per Monday–Sunday week, oldest first, with empty weeks at 0 km."""
    runs = [
        (date(2025, 6, 16), 5.0),  # Monday of this week
        (date(2025, 6, 18), 7.5),  # today
        (date(2025, 6, 19), 9.0),  # tomorrow: left out
        (date(2025, 6, 15), 12.0),  # Sunday of last week
        (date(2025, 6, 9), 4.0),  # Monday of last week
        (date(2025, 4, 27), 30.0),  # Sunday before the first of the 8 weeks: left out
        (date(2025, 4, 28), 3.0),  # Monday of the first week
    ]
    weeks = weekly_volume(runs, weeks=8, today=TODAY)
    assert len(weeks) == 8
    assert weeks[0] == WeekVolume(week_start=date(2025, 4, 28), distance_km=3.0, runs=1)
    assert weeks[-2] == WeekVolume(week_start=date(2025, 6, 9), distance_km=16.0, runs=2)
    assert weeks[-1] == WeekVolume(week_start=date(2025, 6, 16), distance_km=12.5, runs=2)
    assert [w.distance_km for w in weeks[1:-2]] == [0.0] * 5
    assert all(w.week_start.weekday() == 0 for w in weeks)


def test_weekly_volume_without_runs():
    """No runs gives the requested number of empty weeks."""
    weeks = weekly_volume([], weeks=4, today=TODAY)
    assert [w.distance_km for w in weeks] == [0.0] * 4
    assert weeks[-1].week_start == date(2025, 6, 16)


def test_weekly_volume_needs_a_week():
    """Zero weeks is an error."""
    with pytest.raises(ValueError, match="weeks"):
        weekly_volume([], weeks=0, today=TODAY)
