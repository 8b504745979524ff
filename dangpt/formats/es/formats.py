"""Spanish as written in the US: day, month in words, 12-hour times ("5 dic 2026, 4:30 PM").

Month abbreviations are "b" (lowercase, "dic"): Django's "M" capitalises them ("Dic")."""

DATE_FORMAT = r"j b Y"
TIME_FORMAT = "g:i A"
DATETIME_FORMAT = r"j b Y, g:i A"
YEAR_MONTH_FORMAT = r"F \d\e Y"
MONTH_DAY_FORMAT = r"j b"
SHORT_DATE_FORMAT = "m/d/Y"
SHORT_DATETIME_FORMAT = "m/d/Y g:i A"
FIRST_DAY_OF_WEEK = 0  # Sunday, as calendars in the US

WEEKDAY_FORMAT = r"D j b"  # sáb 5 dic
WEEKDAY_YEAR_FORMAT = r"D j b Y"  # sáb 5 dic 2026
LONG_DATE_FORMAT = r"l j \d\e F \d\e Y"  # sábado 5 de diciembre de 2026
WEEKDAY_TIME_FORMAT = r"D j b, g:i A"  # sáb 5 dic, 4:30 PM
