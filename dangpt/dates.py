"""The one window of dates people may type (1900 to ten years ahead), shared by every app.

Python's dates end at years 1 and 9999, so a typed 0001-01-01 or 9999-12-31 overflows the first
time a page adds a day or moves it to UTC; everything typed is checked against this window first.
"""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

EARLIEST = dt.date(1900, 1, 1)
YEARS_AHEAD = 10


def latest_day(today: dt.date | None = None) -> dt.date:
    """The last day anyone may type: today ten years on (Feb 29 falls back to Feb 28)."""
    today = today or timezone.localdate()
    try:
        return today.replace(year=today.year + YEARS_AHEAD)
    except ValueError:
        return today.replace(year=today.year + YEARS_AHEAD, day=28)


def day_problem(day: dt.date) -> str | None:
    """Why a typed day is outside the window, in words, or None when it is inside."""
    last = latest_day()
    if EARLIEST <= day <= last:
        return None
    return gettext("Choose a date between %(first)s and %(last)s.") % {
        "first": shown(EARLIEST),
        "last": shown(last),
    }


def instant_problem(instant: dt.datetime) -> str | None:
    """Why a typed date and time is outside the window (its own calendar day is judged)."""
    return day_problem(instant.date())


def validate_day(day: dt.date) -> None:
    """Field validator: the day lies in the window."""
    problem = day_problem(day)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


def validate_instant(instant: dt.datetime) -> None:
    """Field validator: the date and time lies in the window."""
    problem = instant_problem(instant)
    if problem:
        raise ValidationError(problem, code="date_out_of_range")


class DayField(forms.DateField):
    """A date field that refuses days outside the window at the field."""

    default_validators = [validate_day]


class InstantField(forms.DateTimeField):
    """A date-and-time field that refuses instants outside the window at the field."""

    default_validators = [validate_instant]


def parse_day(raw: str | None, today: dt.date) -> tuple[dt.date, str | None]:
    """A ?date= value: the day, or `today` with the reason when it is unreadable or out of range
    (no reason when nothing was given)."""
    if not raw:
        return today, None
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        return today, gettext("That date could not be read; showing today.")
    problem = day_problem(day)
    if problem:
        return today, problem + " " + gettext("Showing today.")
    return day, None


# --- Shown formats ---------------------------------------------------------------------------
# Every page shows dates and times the one US way, per language (dangpt/formats/<lang>).
NAMED_FORMATS = {
    "date": "DATE_FORMAT",  # Dec 5, 2026
    "time": "TIME_FORMAT",  # 4:30 PM
    "datetime": "DATETIME_FORMAT",  # Dec 5, 2026, 4:30 PM
    "month_day": "MONTH_DAY_FORMAT",  # Dec 5
    "short": "SHORT_DATE_FORMAT",  # 12/05/2026
    "weekday": "WEEKDAY_FORMAT",  # Sat, Dec 5
    "weekday_year": "WEEKDAY_YEAR_FORMAT",  # Sat, Dec 5, 2026
    "long": "LONG_DATE_FORMAT",  # Saturday, December 5, 2026
    "weekday_time": "WEEKDAY_TIME_FORMAT",  # Sat, Dec 5, 4:30 PM
}


def format_for(name: str) -> str:
    """The active language's format string for a shown name ("weekday", "time", …)."""
    from django.utils.formats import get_format, get_format_modules

    setting = NAMED_FORMATS[name]
    for module in get_format_modules():
        if hasattr(module, setting):
            return getattr(module, setting)
    return get_format(setting)


def shown(value, name: str = "date") -> str:
    """A date or datetime in the active language's shown format (datetimes in the current zone)."""
    if value is None or value == "":
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return date_format(value, format_for(name))
