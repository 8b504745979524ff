"""What every manager report shares: its period and location, its columns, and how cells read.

Each app computes its own rows (``patients/reports.py``, ``assessments/reports.py``,
``programs/reports.py``); the project wiring (``dangpt/wiring/reports.py``) names them, draws
them as pages, CSV and JSON. Rows are dicts of plain values keyed by column; this module turns a
value into what a person reads (US dates, percentages) or what JSON carries.
"""

import datetime as dt
from dataclasses import dataclass
from statistics import median
from zoneinfo import ZoneInfo

from dangpt.dates import shown

TEXT, INT, PERCENT, DATE, NUMBER = "text", "int", "percent", "date", "number"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = TEXT


@dataclass(frozen=True)
class ReportQuery:
    """The days a report covers (both inclusive, in the clinic's zone) and an optional location."""

    first: dt.date
    last: dt.date
    zone: ZoneInfo
    location_id: int | None = None

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.first, dt.time.min, tzinfo=self.zone)

    @property
    def end(self) -> dt.datetime:
        """The first instant after the period (exclusive bound)."""
        return dt.datetime.combine(self.last + dt.timedelta(days=1), dt.time.min, tzinfo=self.zone)

    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def percent(part: int | float, whole: int | float) -> float | None:
    """``part`` of ``whole`` as a percentage with one decimal; None when there is no whole."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def median_of(values: list[float]) -> float | None:
    return round(median(values), 1) if values else None


def us_date(day: dt.date) -> str:
    """Dec 4, 2026."""
    return shown(day)


def cell(value, kind: str) -> str:
    """The value as a person reads it, in the table and in the CSV alike."""
    if value is None:
        return ""
    if kind == PERCENT:
        return f"{value:.1f}%"
    if kind == DATE:
        return us_date(value)
    if kind == NUMBER:
        return f"{value:g}"
    return str(value)


def json_value(value, kind: str):
    """The value in a JSON answer: ISO dates, numbers as numbers (percentages as 0-100)."""
    if value is not None and kind == DATE:
        return value.isoformat()
    return value


def week_start(day: dt.date) -> dt.date:
    """The Monday of the week of ``day``."""
    return day - dt.timedelta(days=day.weekday())


def person_name(first: str, last: str, username: str) -> str:
    """A member of staff by name, as the rest of the app shows them."""
    return f"{first} {last}".strip() or username
