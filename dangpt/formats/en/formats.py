"""US English: "Dec 5, 2026", "4:30 PM", "12/05/2026"."""

DATE_FORMAT = "M j, Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = "M j, Y, g:i A"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "M j"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
FIRST_DAY_OF_WEEK = 0  # Sunday

# Named formats for the ``on`` filter (dangpt/templatetags/dates.py).
WEEKDAY_FORMAT = "D, M j"  # Sat, Dec 5
WEEKDAY_YEAR_FORMAT = "D, M j, Y"  # Sat, Dec 5, 2026
LONG_DATE_FORMAT = "l, F j, Y"  # Saturday, December 5, 2026
WEEKDAY_TIME_FORMAT = "D, M j, g:i A"  # Sat, Dec 5, 4:30 PM
