"""python manage.py bench_reports: how long each manager report takes on this database.

Times each report (rows and their CSV cells, as the page and the download build them) for the
last four weeks and the last year, at every location and at the busiest one; prints a Markdown
table for docs/performance.md. A benchmark to run by hand on a `seed_scale` copy, not a test.
"""

import datetime as dt
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.db.models import Count
from django.utils import timezone

from dangpt.reports import ReportQuery, cell
from dangpt.wiring.reports import REPORTS, read_rows
from patients.models import Appointment


def _run(report, query: ReportQuery) -> tuple[float, int]:
    started = time.perf_counter()
    rows = read_rows(report, query)
    for row in rows:
        [cell(row[c.key], c.kind) for c in report.columns]
    return time.perf_counter() - started, len(rows)


class Command(BaseCommand):
    help = "Time every manager report (4 weeks and a year, all and one location)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="Timed runs after the first.")

    def handle(self, *args, runs: int, **options):
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
        self.stdout.write(f"Database {connection.settings_dict['NAME']}, {runs} warm runs.\n")
        self.stdout.write("| report | period | location | rows | first run (s) | median warm (s) |")
        self.stdout.write("| --- | --- | --- | ---: | ---: | ---: |")
        for report in REPORTS.values():
            for label, span in periods:
                for where, location_id in (("all", None), ("busiest", busiest)):
                    query = ReportQuery(
                        first=today - span, last=today, zone=zone, location_id=location_id
                    )
                    first, count = _run(report, query)
                    warm = [_run(report, query)[0] for _ in range(runs)]
                    self.stdout.write(
                        f"| {report.name} | {label} | {where} | {count} | {first:.2f} | "
                        f"{statistics.median(warm):.2f} |"
                    )
