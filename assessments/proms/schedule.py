"""When a runner fills which outcome measure (clinical.md §5.1 "suggested schedule").

Baseline, 2 weeks (NPRS only), 6 weeks, 12 weeks and discharge. Measures per condition follow the
reference: LEFS and NPRS for everyone, AKPS for PFP, VISA-A for Achilles tendinopathy, FAAM ADL
and Sports for plantar heel pain and MTSS (the MTSS score is not shipped; FAAM covers the leg).

The scheduled NPRS is always on one time anchor, the worst pain of the last 24 hours, so its trend
compares like with like; the clinic records the other anchors of §4.5 (pain now, during or after
the last run) as measures of their own.
"""

import datetime as dt
from dataclasses import dataclass

SCHEDULED_NPRS = "nprs_worst_24h"
GENERIC = (SCHEDULED_NPRS, "lefs")

MEASURES_BY_CONDITION: dict[str, tuple[str, ...]] = {
    "pfps": (*GENERIC, "akps"),
    "mtss": (*GENERIC, "faam_adl", "faam_sports"),
    "achilles_tendinopathy": (*GENERIC, "visa_a"),
    "plantar_fasciitis": (*GENERIC, "faam_adl", "faam_sports"),
    "itbs": GENERIC,
    "bone_stress_injury": GENERIC,
}


def gettext_noop(text: str) -> str:
    """Mark a label for the catalogue; the runner's pages translate it when shown."""
    return text


#: (code, label, days after the start); discharge has no fixed offset.
TIMEPOINTS = (
    ("baseline", gettext_noop("Baseline"), 0),
    ("week_2", gettext_noop("2 weeks"), 14),
    ("week_6", gettext_noop("6 weeks"), 42),
    ("week_12", gettext_noop("12 weeks"), 84),
)
DISCHARGE = "discharge"
TIMEPOINT_LABELS = {code: label for code, label, _ in TIMEPOINTS} | {
    DISCHARGE: gettext_noop("Discharge")
}


@dataclass(frozen=True)
class Due:
    timepoint: str
    instrument: str
    due_on: dt.date

    @property
    def timepoint_label(self) -> str:
        """How the timepoint is shown, e.g. 6 weeks."""
        return TIMEPOINT_LABELS[self.timepoint]


def measures_at(condition: str, timepoint: str) -> tuple[str, ...]:
    """The measures asked at one timepoint: NPRS only at 2 weeks, the full set otherwise."""
    measures = MEASURES_BY_CONDITION[condition]
    return (SCHEDULED_NPRS,) if timepoint == "week_2" else measures


def timepoint_dates(starts_on: dt.date, discharge_on: dt.date | None) -> list[tuple[str, dt.date]]:
    """Each timepoint with its date; those after discharge are dropped, discharge comes last."""
    dates = [(code, starts_on + dt.timedelta(days=days)) for code, _, days in TIMEPOINTS]
    if discharge_on is not None:
        dates = [(code, day) for code, day in dates if day < discharge_on or code == "baseline"]
        dates.append((DISCHARGE, discharge_on))
    return dates


def due_now(
    *,
    condition: str,
    starts_on: dt.date,
    discharge_on: dt.date | None,
    done: set[tuple[str, str]],
    today: dt.date,
) -> list[Due]:
    """Unfilled measures of the current timepoint (the latest one whose date has come).

    An earlier timepoint that was missed is not asked any more once the next one is due: a late
    6-week answer would be read as a 6-week result.
    """
    reached = [
        (code, day) for code, day in timepoint_dates(starts_on, discharge_on) if day <= today
    ]
    if not reached:
        return []
    code, day = reached[-1]
    return [
        Due(code, instrument, day)
        for instrument in measures_at(condition, code)
        if (code, instrument) not in done
    ]
