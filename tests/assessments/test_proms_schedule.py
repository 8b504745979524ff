"""When each measure is due: per condition, the current timepoint, discharge."""

import datetime as dt

import pytest

from assessments.proms import INSTRUMENTS
from assessments.proms.schedule import MEASURES_BY_CONDITION, TIMEPOINTS, due_now, measures_at

START = dt.date(2026, 1, 5)


def test_measures_follow_the_reference_per_condition():
    """LEFS and NPRS for all; AKPS for PFP; VISA-A for Achilles; FAAM for heel pain; NPRS at 2 w."""
    assert measures_at("pfps", "baseline") == ("nprs_worst_24h", "lefs", "akps")
    assert "visa_a" in measures_at("achilles_tendinopathy", "week_6")
    assert {"faam_adl", "faam_sports"} <= set(measures_at("plantar_fasciitis", "week_12"))
    assert measures_at("itbs", "discharge") == ("nprs_worst_24h", "lefs")
    assert measures_at("achilles_tendinopathy", "week_2") == ("nprs_worst_24h",)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (START - dt.timedelta(days=1), []),
        (START, [("baseline", "nprs_worst_24h"), ("baseline", "lefs"), ("baseline", "akps")]),
        (START + dt.timedelta(days=14), [("week_2", "nprs_worst_24h")]),
        (
            START + dt.timedelta(days=50),
            [("week_6", "nprs_worst_24h"), ("week_6", "lefs"), ("week_6", "akps")],
        ),
    ],
)
def test_due_now_is_the_current_timepoint(today, expected):
    """Only the latest reached timepoint is due; earlier ones lapse."""
    due = due_now(condition="pfps", starts_on=START, discharge_on=None, done=set(), today=today)
    assert [(d.timepoint, d.instrument) for d in due] == expected


def test_discharge_replaces_later_timepoints_and_filled_ones_drop_out():
    """A discharge before 12 weeks makes discharge due; filled measures are not asked again."""
    discharge = START + dt.timedelta(days=60)
    due = due_now(
        condition="itbs",
        starts_on=START,
        discharge_on=discharge,
        done={("discharge", "nprs_worst_24h")},
        today=discharge + dt.timedelta(days=30),
    )
    assert [(d.timepoint, d.instrument) for d in due] == [("discharge", "lefs")]


def test_every_timepoint_asks_the_same_anchored_nprs():
    """One NPRS per timepoint, always on the same time anchor: its trend compares like with like."""
    for condition in MEASURES_BY_CONDITION:
        for timepoint in [code for code, _, _ in TIMEPOINTS] + ["discharge"]:
            nprs = [m for m in measures_at(condition, timepoint) if m.startswith("nprs")]
            assert nprs == ["nprs_worst_24h"]
    assert "last 24 hours" in INSTRUMENTS["nprs_worst_24h"].items[0].label
