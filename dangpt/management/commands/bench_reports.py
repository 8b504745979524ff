"""python manage.py bench_reports [--runs N] [--fill]: time every manager report on this database.

The work is in `dangpt.tooling.bench.reports`; results go into docs/performance.md by hand.
"""

from django.core.management.base import BaseCommand

from dangpt.tooling.bench.reports import bench_reports


class Command(BaseCommand):
    help = "Time every manager report (4 weeks and a year, all and one location)."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="Timed runs after the first.")
        parser.add_argument(
            "--fill",
            action="store_true",
            help="First add outcome scores and reminders if there are none (seed_scale copies "
            "only: it writes to the database).",
        )

    def handle(self, *args, runs: int, fill: bool, **options):
        bench_reports(runs=runs, fill=fill, write=self.stdout.write)
