"""The reports benchmark (`manage.py bench_reports`): how long each manager report takes here.

Times each report (rows and their CSV cells, as the page and the download build them) for the
last four weeks and the last year, at every location and at the busiest one, as Markdown lines
for docs/performance.md. A benchmark to run by hand on a `seed_scale` copy, not a test.
"""

import datetime as dt
import statistics
import time

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from assessments.models import OutcomeResult
from dangpt.reports import ReportQuery, cell
from dangpt.wiring.reports import REPORTS, read_rows
from patients.models import Appointment
from patients.reminders.models import Reminder

# `seed_scale` makes no outcome scores or reminders; --fill adds them with plain SQL (no history
# triggers: session_replication_role) so the two reports that read them have rows to count.
# Every signed evaluation gets a measure schedule for its diagnosis and LEFS scores at the
# evaluation, 6 and 12 weeks; every appointment a reminder the day before (1 in 20 failed,
# cancelled ones skipped).
FILL_OUTCOMES = [
    """INSERT INTO assessments_promschedule (condition, starts_on, created_at, created_by_id,
         patient_id)
       SELECT DISTINCT ON (e.patient_id) e.working_diagnosis, e.evaluated_on, e.signed_at,
         e.therapist_id, e.patient_id
       FROM assessments_evaluation e
       WHERE e.status = 'signed' AND e.working_diagnosis = ANY(%s)
       ORDER BY e.patient_id, e.evaluated_on""",
    """INSERT INTO assessments_outcomeresult (instrument, answers, score, max_score, complete,
         taken_at, source, timepoint, wording_version, created_at, collected_by_id, patient_id,
         schedule_id)
       SELECT 'lefs', '{}'::jsonb, LEAST(80, 30 + s.id % 25 + w.n * (s.id % 7)), 80, true,
         s.created_at + w.n * interval '6 weeks', 'clinic', 'w' || (w.n * 6), '',
         s.created_at, s.created_by_id, s.patient_id, s.id
       FROM assessments_promschedule s CROSS JOIN (VALUES (0), (1), (2)) AS w (n)""",
]
FILL_REMINDERS = """
    INSERT INTO patients_reminder (kind, channel, due_at, status, attempts, last_error, sent_at,
      created_at, updated_at, appointment_id, patient_id)
    SELECT 'reminder_24h', 'email', a.start - interval '1 day',
      CASE WHEN a.status = 'cancelled' THEN 'skipped' WHEN a.id % 20 = 0 THEN 'failed'
           ELSE 'sent' END,
      1, '', CASE WHEN a.status <> 'cancelled' AND a.id % 20 <> 0
                  THEN a.start - interval '1 day' END,
      a.created_at, a.created_at, a.id, a.patient_id
    FROM patients_appointment a"""


def fill_missing(write) -> None:
    """Add outcome scores and reminders when the database has none (a seed_scale copy)."""
    from dangpt.conditions import CONDITION_CODES

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        if not OutcomeResult.objects.exists():
            cursor.execute(FILL_OUTCOMES[0], [list(CONDITION_CODES)])
            cursor.execute(FILL_OUTCOMES[1])
            write(f"Added {cursor.rowcount} outcome scores.")
        if not Reminder.objects.exists():
            cursor.execute(FILL_REMINDERS)
            write(f"Added {cursor.rowcount} reminders.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE assessments_outcomeresult")
        cursor.execute("ANALYZE assessments_promschedule")
        cursor.execute("ANALYZE patients_reminder")


def _run(report, query: ReportQuery) -> tuple[float, int]:
    started = time.perf_counter()
    rows = read_rows(report, query)
    for row in rows:
        [cell(row[c.key], c.kind) for c in report.columns]
    return time.perf_counter() - started, len(rows)


def bench_reports(*, runs: int, fill: bool, write) -> None:
    """Write the timing table, one Markdown line at a time."""
    if fill:
        fill_missing(write)
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    busiest = (
        Appointment.objects.filter(start__gte=timezone.now() - dt.timedelta(weeks=4))
        .values("location_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("location_id", flat=True)
        .first()
    )
    periods = [("4 weeks", dt.timedelta(days=27)), ("1 year", dt.timedelta(days=365))]
    write(f"Database {connection.settings_dict['NAME']}, {runs} warm runs.\n")
    write("| report | period | location | rows | first run (s) | median warm (s) |")
    write("| --- | --- | --- | ---: | ---: | ---: |")
    for report in REPORTS.values():
        for label, span in periods:
            for where, location_id in (("all", None), ("busiest", busiest)):
                query = ReportQuery(
                    first=today - span, last=today, zone=zone, location_id=location_id
                )
                first, count = _run(report, query)
                warm = [_run(report, query)[0] for _ in range(runs)]
                write(
                    f"| {report.name} | {label} | {where} | {count} | {first:.2f} | "
                    f"{statistics.median(warm):.2f} |"
                )
