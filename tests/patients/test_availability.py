"""The pure slot computation: 15-minute grid, working hours, busy time and DST."""

import datetime as dt

from patients.availability import WeeklyHours, free_starts, slot_problem, working_windows

LA = "America/Los_Angeles"
HOUR = dt.timedelta(hours=1)
EARLY = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
WEEKDAYS_8_TO_17 = [WeeklyHours(d, dt.time(8), dt.time(17)) for d in range(7)]


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)


def test_a_plain_day_has_one_hour_slots_every_quarter_hour():
    """08:00-17:00 with 60-minute slots gives 33 starts, 08:00 to 16:00 local."""
    starts = free_starts(
        day=dt.date(2027, 1, 11),
        tz_name=LA,
        hours=WEEKDAYS_8_TO_17,
        busy=[],
        duration=HOUR,
        not_before=EARLY,
    )
    assert len(starts) == 33
    assert starts[0] == utc(2027, 1, 11, 16, 0)  # PST is UTC-8
    assert starts[-1] == utc(2027, 1, 12, 0, 0)


def test_daylight_saving_week_keeps_local_wall_times():
    """The Friday before and the Monday after the March change both start at 08:00 local."""
    friday = free_starts(
        day=dt.date(2027, 3, 12),
        tz_name=LA,
        hours=WEEKDAYS_8_TO_17,
        busy=[],
        duration=HOUR,
        not_before=EARLY,
    )
    monday = free_starts(
        day=dt.date(2027, 3, 15),
        tz_name=LA,
        hours=WEEKDAYS_8_TO_17,
        busy=[],
        duration=HOUR,
        not_before=EARLY,
    )
    assert friday[0] == utc(2027, 3, 12, 16, 0)  # PST, UTC-8
    assert monday[0] == utc(2027, 3, 15, 15, 0)  # PDT, UTC-7
    assert len(friday) == len(monday) == 33


def test_the_spring_forward_night_is_one_hour_shorter():
    """Hours 00:00-06:00 on the change night hold five real hours; 02:xx does not exist."""
    hours = [WeeklyHours(6, dt.time(0), dt.time(6))]
    day = dt.date(2027, 3, 14)
    (window,) = working_windows(day, hours, LA)
    assert window[1] - window[0] == dt.timedelta(hours=5)
    starts = free_starts(day=day, tz_name=LA, hours=hours, busy=[], duration=HOUR, not_before=EARLY)
    assert len(starts) == 17  # 5 real hours of 15-minute steps minus the last hour, plus one


def test_the_fall_back_night_is_one_hour_longer():
    """Hours 00:00-06:00 on the November change night hold seven real hours."""
    (window,) = working_windows(dt.date(2027, 11, 7), [WeeklyHours(6, dt.time(0), dt.time(6))], LA)
    assert window[1] - window[0] == dt.timedelta(hours=7)


def test_busy_time_and_the_past_are_left_out():
    """A booked 10:00-11:00 blocks starts from 09:15 to 10:45 for a one-hour slot."""
    day = dt.date(2027, 1, 11)
    busy = [(utc(2027, 1, 11, 18, 0), utc(2027, 1, 11, 19, 0))]
    starts = free_starts(
        day=day, tz_name=LA, hours=WEEKDAYS_8_TO_17, busy=busy, duration=HOUR, not_before=EARLY
    )
    assert utc(2027, 1, 11, 17, 0) in starts  # 09:00 ends as the booking starts
    assert utc(2027, 1, 11, 17, 15) not in starts
    assert utc(2027, 1, 11, 19, 0) in starts  # 11:00 starts as the booking ends
    later = free_starts(
        day=day,
        tz_name=LA,
        hours=WEEKDAYS_8_TO_17,
        busy=[],
        duration=HOUR,
        not_before=utc(2027, 1, 11, 20, 0),
    )
    assert later[0] == utc(2027, 1, 11, 20, 15)


def test_slot_problem_names_each_refusal():
    """Past, off-grid, outside hours and time off each get their own reason."""
    ok = {
        "duration": HOUR,
        "tz_name": LA,
        "hours": WEEKDAYS_8_TO_17,
        "time_off": [],
        "not_before": EARLY,
    }
    assert slot_problem(start=utc(2027, 1, 11, 17, 0), **ok) is None
    assert "past" in slot_problem(
        **{**ok, "not_before": utc(2028, 1, 1)}, start=utc(2027, 1, 11, 17)
    )
    assert "grid" in slot_problem(start=utc(2027, 1, 11, 17, 5), **ok)
    assert "does not work" in slot_problem(start=utc(2027, 1, 12, 0, 30), **ok)  # 16:30-17:30
    off = [(utc(2027, 1, 11, 16), utc(2027, 1, 12, 1))]
    assert "off" in slot_problem(start=utc(2027, 1, 11, 17, 0), **{**ok, "time_off": off})
    assert "time zone" in slot_problem(start=dt.datetime(2027, 1, 11, 9), **ok)  # noqa: DTZ001
