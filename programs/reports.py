"""The manager's report on home programs: how the runners of each therapist keep to them.

A selector (rows for a ``ReportQuery``); a location filter means patients whose home location
it is.
"""

from django.db.models import Count, Q

from dangpt.reports import INT, NUMBER, PERCENT, Column, ReportQuery, percent, person_name
from programs.models import Program, ProgramStatus, SessionLog

ADHERENCE_COLUMNS = [
    Column("therapist", "Therapist"),
    Column("active", "Active programs", INT),
    Column("logging", "Programs with a session logged", INT),
    Column("logging_rate", "Runners logging", PERCENT),
    Column("sessions", "Sessions logged", INT),
    Column("completed", "Sessions with every exercise done", INT),
    Column("completion_rate", "Sessions complete", PERCENT),
    Column("per_week", "Sessions per active program per week", NUMBER),
]
NAME = ("therapist__first_name", "therapist__last_name", "therapist__username")
SESSION_NAME = tuple(f"program__{key}" for key in NAME)


def adherence_rows(query: ReportQuery) -> list[dict]:
    """Per therapist: programs active by the end of the period, how many logged a session in
    it, sessions logged and completed, and sessions per active program per week."""
    programs = Program.objects.filter(status=ProgramStatus.ACTIVE, created_at__lt=query.end)
    sessions = SessionLog.objects.filter(date__gte=query.first, date__lte=query.last)
    if query.location_id:
        programs = programs.filter(patient__preferred_location_id=query.location_id)
        sessions = sessions.filter(program__patient__preferred_location_id=query.location_id)
    active = {
        row["therapist_id"]: row
        for row in programs.order_by().values("therapist_id", *NAME).annotate(n=Count("pk"))
    }
    logged = {
        row["program__therapist_id"]: row
        for row in sessions.order_by()
        .values("program__therapist_id", *SESSION_NAME)
        .annotate(
            sessions=Count("pk"),
            completed=Count("pk", filter=Q(completed=True)),
            logging=Count(
                "program_id",
                distinct=True,
                filter=Q(program__status=ProgramStatus.ACTIVE, program__created_at__lt=query.end),
            ),
        )
    }
    weeks = ((query.last - query.first).days + 1) / 7
    rows = []
    for therapist_id in active.keys() | logged.keys():
        program_row, session_row = active.get(therapist_id), logged.get(therapist_id)
        name = (
            person_name(*(program_row[k] for k in NAME))
            if program_row
            else person_name(*(session_row[k] for k in SESSION_NAME))
        )
        n_active = program_row["n"] if program_row else 0
        count = session_row["sessions"] if session_row else 0
        completed = session_row["completed"] if session_row else 0
        logging = session_row["logging"] if session_row else 0
        rows.append(
            {
                "therapist": name,
                "active": n_active,
                "logging": logging,
                "logging_rate": percent(logging, n_active),
                "sessions": count,
                "completed": completed,
                "completion_rate": percent(completed, count),
                "per_week": round(count / n_active / weeks, 1) if n_active else None,
            }
        )
    return sorted(rows, key=lambda r: r["therapist"])


def adherence_chart(rows: list[dict]) -> dict:
    return {
        "type": "bar",
        "labels": [r["therapist"] for r in rows],
        "unit": "%",
        "datasets": [
            {"label": "Runners logging", "data": [r["logging_rate"] for r in rows]},
            {"label": "Sessions complete", "data": [r["completion_rate"] for r in rows]},
        ],
    }
