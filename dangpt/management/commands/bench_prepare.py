"""python manage.py bench_prepare --out FILE: sign-ins and targets for the load test (make bench).

The work is in `dangpt.tooling.bench.prepare`; this command writes its plan to one JSON file.
"""

import json

from django.core.management.base import BaseCommand

from dangpt.tooling.bench.prepare import bench_plan


class Command(BaseCommand):
    help = "Create runner accounts, sessions, tokens and free slots for make bench."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="JSON file to write.")
        parser.add_argument("--runners", type=int, default=1000)
        parser.add_argument("--slots", type=int, default=20000)

    def handle(self, *args, out: str, runners: int, slots: int, **options):
        plan = bench_plan(runners=runners, slots=slots)
        with open(out, "w", encoding="utf-8") as handle:
            json.dump(plan, handle)
        self.stdout.write(
            f"{len(plan['runner_cookies'])} runner sessions, {len(plan['desk_cookies'])} desk"
            f" sessions, {len(plan['bookings'])} free slots written to {out}"
        )
