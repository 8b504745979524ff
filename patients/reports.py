"""The manager's reports on people and time: attendance, utilization, caseload, reminders.

Selectors only: each returns the report's rows (dicts keyed by column) for a ``ReportQuery``,
aggregated in PostgreSQL, a handful of queries whatever the number of appointments. A location
filter means appointments at that location (reminders: of appointments there, or of patients
whose home location it is).
"""

import datetime as dt
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from dangpt.reports import (
    DATE,
    INT,
    NUMBER,
    PERCENT,
    Column,
    ReportQuery,
    percent,
    person_name,
    us_date,
)
from patients.models import (
    Appointment,
    AppointmentStatus,
    TimeOff,
    WaitlistEntry,
    WaitlistStatus,
    WorkingHours,
)
from patients.reminders.models import Channel, Reminder, ReminderKind, ReminderStatus

CANCELLED, NO_SHOW = AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW
ATTENDED = (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
# An appointment cancelled in good time freed its slot and was never a visit to attend; a late
# cancellation still counts against the visits scheduled.
SCHEDULED = ~Q(status=CANCELLED, late_cancel=False)
THERAPIST_NAME = ("therapist__first_name", "therapist__last_name", "therapist__username")


def _appointments(query: ReportQuery):
    rows = Appointment.objects.filter(start__gte=query.start, start__lt=query.end).order_by()
    if query.location_id:
        rows = rows.filter(location_id=query.location_id)
    return rows


def _name(row: dict) -> str:
    return person_name(*(row[key] for key in THERAPIST_NAME))


# --- Attendance -------------------------------------------------------------------------------
ATTENDANCE_COLUMNS = [
    Column("week", "Week of", DATE),
    Column("therapist", "Therapist"),
    Column("scheduled", "Visits scheduled", INT),
    Column("attended", "Visits attended", INT),
    Column("no_shows", "No-shows", INT),
    Column("no_show_rate", "No-show rate", PERCENT),
    Column("late_cancels", "Late cancellations", INT),
    Column("late_cancel_rate", "Late-cancel rate", PERCENT),
]


def attendance_rows(query: ReportQuery) -> list[dict]:
    """Per week and therapist: visits scheduled (all but timely cancellations), attended,
    no-shows and late cancellations, with their rates over the visits scheduled."""
    grouped = (
        _appointments(query)
        .filter(start__lt=timezone.now())  # an upcoming visit is neither attended nor missed
        .annotate(week_of=TruncWeek("start", tzinfo=query.zone))
        .values("week_of", "therapist_id", *THERAPIST_NAME)
        .annotate(
            scheduled=Count("pk", filter=SCHEDULED),
            attended=Count("pk", filter=Q(status__in=ATTENDED)),
            no_shows=Count("pk", filter=Q(status=NO_SHOW)),
            late_cancels=Count("pk", filter=Q(status=CANCELLED, late_cancel=True)),
        )
        .filter(scheduled__gt=0)
    )
    rows = [
        {
            "week": row["week_of"].astimezone(query.zone).date(),
            "therapist": _name(row),
            "scheduled": row["scheduled"],
            "attended": row["attended"],
            "no_shows": row["no_shows"],
            "no_show_rate": percent(row["no_shows"], row["scheduled"]),
            "late_cancels": row["late_cancels"],
            "late_cancel_rate": percent(row["late_cancels"], row["scheduled"]),
        }
        for row in grouped
    ]
    return sorted(rows, key=lambda r: (r["week"], r["therapist"]))


def attendance_chart(rows: list[dict]) -> dict:
    """The clinic's no-show and late-cancel rates per week."""
    weeks: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0, 0])
    for row in rows:
        totals = weeks[row["week"]]
        totals[0] += row["scheduled"]
        totals[1] += row["no_shows"]
        totals[2] += row["late_cancels"]
    order = sorted(weeks)
    return {
        "type": "line",
        "labels": [us_date(w) for w in order],
        "unit": "%",
        "datasets": [
            {"label": "No-show rate", "data": [percent(weeks[w][1], weeks[w][0]) for w in order]},
            {
                "label": "Late-cancel rate",
                "data": [percent(weeks[w][2], weeks[w][0]) for w in order],
            },
        ],
    }


# --- Utilization ------------------------------------------------------------------------------
UTILIZATION_COLUMNS = [
    Column("therapist", "Therapist"),
    Column("working_hours", "Working hours", NUMBER),
    Column("booked_hours", "Booked hours", NUMBER),
    Column("utilization", "Utilization", PERCENT),
    Column("freed_slots", "Freed slots", INT),
    Column("refilled", "Refilled from the waitlist", INT),
    Column("refill_rate", "Refill rate", PERCENT),
]


def _overlap(start: dt.datetime, end: dt.datetime, spans: list[tuple]) -> dt.timedelta:
    """How much of [start, end) the spans (time off) cover, each counted once."""
    covered = dt.timedelta(0)
    cursor = start
    for span_start, span_end in sorted(spans):
        lo, hi = max(span_start, cursor), min(span_end, end)
        if hi > lo:
            covered += hi - lo
            cursor = hi
    return covered


def working_minutes(query: ReportQuery) -> tuple[dict[int, float], dict[int, str]]:
    """Per therapist, minutes of working hours in the period less time off; and their names."""
    hours = WorkingHours.objects.order_by()
    if query.location_id:
        hours = hours.filter(location_id=query.location_id)
    hours = list(hours.values("therapist_id", "weekday", "start_time", "end_time",
                              "location__time_zone", *THERAPIST_NAME))  # fmt: skip
    off: dict[int, list[tuple]] = defaultdict(list)
    therapists = {row["therapist_id"] for row in hours}
    for row in TimeOff.objects.filter(
        therapist_id__in=therapists, start__lt=query.end, end__gt=query.start
    ).values("therapist_id", "start", "end"):
        off[row["therapist_id"]].append((row["start"], row["end"]))
    by_weekday: dict[int, list[dt.date]] = defaultdict(list)
    for day in query.days():
        by_weekday[day.weekday()].append(day)
    minutes: dict[int, float] = defaultdict(float)
    names = {}
    for row in hours:
        zone = ZoneInfo(row["location__time_zone"])
        names[row["therapist_id"]] = _name(row)
        for day in by_weekday[row["weekday"]]:
            start = dt.datetime.combine(day, row["start_time"], tzinfo=zone)
            end = dt.datetime.combine(day, row["end_time"], tzinfo=zone)
            free = (end - start) - _overlap(start, end, off[row["therapist_id"]])
            minutes[row["therapist_id"]] += free.total_seconds() / 60
    return minutes, names


def utilization_rows(query: ReportQuery) -> list[dict]:
    """Per therapist: booked minutes over working minutes, slots freed by cancellations and how
    many of them a waiting patient took."""
    working, names = working_minutes(query)
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    booked = {}
    for row in (
        _appointments(query)
        .values("therapist_id", *THERAPIST_NAME)
        .annotate(
            booked=Sum(length, filter=~Q(status=CANCELLED)),
            freed=Count("pk", filter=Q(status=CANCELLED)),
        )
    ):
        names.setdefault(row["therapist_id"], _name(row))
        booked[row["therapist_id"]] = row
    refilled = WaitlistEntry.objects.filter(
        status=WaitlistStatus.BOOKED,
        appointment__start__gte=query.start,
        appointment__start__lt=query.end,
    )
    if query.location_id:
        refilled = refilled.filter(appointment__location_id=query.location_id)
    refills = dict(
        refilled.order_by()
        .values("appointment__therapist_id")
        .annotate(n=Count("pk"))
        .values_list("appointment__therapist_id", "n")
    )
    rows = []
    for therapist_id, name in names.items():
        found = booked.get(therapist_id, {})
        booked_minutes = (found.get("booked") or dt.timedelta(0)).total_seconds() / 60
        freed = found.get("freed", 0)
        refill = refills.get(therapist_id, 0)
        rows.append(
            {
                "therapist": name,
                "working_hours": round(working.get(therapist_id, 0) / 60, 1),
                "booked_hours": round(booked_minutes / 60, 1),
                "utilization": percent(booked_minutes, working.get(therapist_id, 0)),
                "freed_slots": freed,
                "refilled": refill,
                "refill_rate": percent(refill, freed),
            }
        )
    return sorted(rows, key=lambda r: r["therapist"])


def utilization_chart(rows: list[dict]) -> dict:
    return {
        "type": "bar",
        "labels": [r["therapist"] for r in rows],
        "unit": "%",
        "datasets": [{"label": "Utilization", "data": [r["utilization"] for r in rows]}],
    }


# --- Caseload ---------------------------------------------------------------------------------
CASELOAD_COLUMNS = [
    Column("therapist", "Therapist"),
    Column("patients", "Patients seen", INT),
    Column("visits", "Visits attended", INT),
    Column("visits_per_patient", "Visits per patient", NUMBER),
]


def caseload_rows(query: ReportQuery) -> list[dict]:
    """Per therapist: distinct patients seen and visits attended in the period."""
    grouped = (
        _appointments(query)
        .filter(status__in=ATTENDED)
        .values("therapist_id", *THERAPIST_NAME)
        .annotate(patients=Count("patient_id", distinct=True), visits=Count("pk"))
    )
    rows = [
        {
            "therapist": _name(row),
            "patients": row["patients"],
            "visits": row["visits"],
            "visits_per_patient": round(row["visits"] / row["patients"], 1),
        }
        for row in grouped
    ]
    return sorted(rows, key=lambda r: r["therapist"])


def caseload_chart(rows: list[dict]) -> dict:
    return {
        "type": "bar",
        "labels": [r["therapist"] for r in rows],
        "unit": "",
        "datasets": [{"label": "Patients seen", "data": [r["patients"] for r in rows]}],
    }


# --- Reminder delivery ------------------------------------------------------------------------
REMINDER_COLUMNS = [
    Column("kind", "Message"),
    Column("channel", "Channel"),
    Column("due", "Due", INT),
    Column("sent", "Sent", INT),
    Column("failed", "Failed", INT),
    Column("skipped", "Skipped (cancelled or turned off)", INT),
    Column("waiting", "Not sent yet", INT),
    Column("delivery_rate", "Delivered", PERCENT),
]


REMINDER_COUNTS = ("due", "sent", "failed", "skipped", "waiting")


def reminder_rows(query: ReportQuery) -> list[dict]:
    """Per kind of message and channel, reminders due in the period by what became of them;
    delivered is sent over sent and failed."""
    reminders = Reminder.objects.filter(due_at__gte=query.start, due_at__lt=query.end).order_by()
    parts = [reminders]
    if query.location_id:
        # Two plain joins rather than one OR across two outer joins, which reads every reminder.
        parts = [
            reminders.filter(appointment__location_id=query.location_id),
            reminders.filter(
                appointment__isnull=True, patient__preferred_location_id=query.location_id
            ),
        ]
    waiting = (ReminderStatus.PENDING, ReminderStatus.SENDING)
    counts: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for part in parts:
        for row in part.values("kind", "channel").annotate(
            due=Count("pk"),
            sent=Count("pk", filter=Q(status=ReminderStatus.SENT)),
            failed=Count("pk", filter=Q(status=ReminderStatus.FAILED)),
            skipped=Count("pk", filter=Q(status=ReminderStatus.SKIPPED)),
            waiting=Count("pk", filter=Q(status__in=waiting)),
        ):
            counts[(row.pop("kind"), row.pop("channel"))].update(row)
    grouped = [
        {"kind": kind, "channel": channel, **{key: total[key] for key in REMINDER_COUNTS}}
        for (kind, channel), total in counts.items()
    ]
    kinds, channels = dict(ReminderKind.choices), dict(Channel.choices)
    rows = [
        {
            **row,
            "kind": kinds.get(row["kind"], row["kind"]),
            "channel": channels.get(row["channel"], row["channel"]),
            "delivery_rate": percent(row["sent"], row["sent"] + row["failed"]),
        }
        for row in grouped
    ]
    return sorted(rows, key=lambda r: (r["kind"], r["channel"]))


def reminder_chart(rows: list[dict]) -> dict:
    labels = [f"{r['kind']} ({r['channel']})" for r in rows]
    return {
        "type": "bar",
        "stacked": True,
        "labels": labels,
        "unit": "",
        "datasets": [
            {"label": "Sent", "data": [r["sent"] for r in rows]},
            {"label": "Failed", "data": [r["failed"] for r in rows]},
            {"label": "Skipped", "data": [r["skipped"] for r in rows]},
            {"label": "Not sent yet", "data": [r["waiting"] for r in rows]},
        ],
    }
