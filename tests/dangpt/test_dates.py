"""The shared window of dates people may type: 1900 to ten years ahead."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from dangpt import dates


def test_latest_day_is_ten_years_on_and_survives_a_leap_day():
    """Ten years from Feb 29 is Feb 28 (there is no Feb 29 then)."""
    assert dates.latest_day(dt.date(2026, 12, 4)) == dt.date(2036, 12, 4)
    assert dates.latest_day(dt.date(2028, 2, 29)) == dt.date(2038, 2, 28)


@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1899-12-31"])
def test_parse_day_falls_back_to_today_with_the_reason(raw):
    """Out of the window: the given today and a sentence naming the window."""
    today = dt.date(2026, 12, 4)
    day, problem = dates.parse_day(raw, today)
    assert day == today and problem.startswith("Choose a date between Jan 1, 1900 and")


def test_parse_day_keeps_a_day_inside_the_window():
    """Jan 1, 1900 is the first day people may type."""
    assert dates.parse_day("1900-01-01", dt.date(2026, 12, 4)) == (dt.date(1900, 1, 1), None)


def test_parse_day_without_a_date_is_today_without_a_message():
    """Nothing given is not a mistake; an unreadable date is."""
    today = dt.date(2026, 12, 4)
    assert dates.parse_day("", today) == (today, None)
    assert dates.parse_day("not-a-date", today)[1] == "That date could not be read; showing today."


def test_fields_refuse_the_ends_of_the_calendar():
    """The form fields refuse year 1 and year 9999 with the window in words."""
    with pytest.raises(ValidationError, match="Choose a date between"):
        dates.DayField().clean("9999-12-31")
    with pytest.raises(ValidationError, match="Choose a date between"):
        dates.InstantField().clean("0001-01-01T00:00:00+05:00")
    assert dates.DayField().clean("1990-05-01") == dt.date(1990, 5, 1)
