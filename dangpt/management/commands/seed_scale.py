"""python manage.py seed_scale [--scale F] [--reset]: synthetic data at chain size."""

import time

from django.core.management.base import BaseCommand, CommandError

from dangpt.tooling.scale import load, setup
from dangpt.tooling.scale.plan import Plan


class Command(BaseCommand):
    help = "Load synthetic chain-size data (25 clinics, 2M appointments at --scale 1) with COPY."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0)
        parser.add_argument(
            "--reset", action="store_true", help="Remove synthetic data of another scale first."
        )

    def handle(self, *args, scale: float, reset: bool, **options):
        if not 0 < scale <= 4:
            raise CommandError("--scale must be above 0 and at most 4.")
        plan = Plan.at(scale)
        loaded = setup.loaded_scale()
        if loaded == f"{scale:g}":
            self.stdout.write(f"Scale {scale:g} is already loaded; nothing to do.")
            return
        if loaded is not None:
            if not reset:
                raise CommandError(
                    f"Scale {loaded} is loaded; run with --reset to replace it by {scale:g}."
                )
            load.reset()
        started = time.monotonic()
        counts = load.load(plan)
        for table, count in counts.items():
            self.stdout.write(f"{table}: {count:,}")
        self.stdout.write(f"Scale {scale:g} loaded in {time.monotonic() - started:.1f} s.")
