"""python manage.py seed_demo [--password P]: an idempotent demo clinic."""

import importlib

from django.core.management.base import BaseCommand
from django.db import transaction

DEFAULT_PASSWORD = "dangpt-demo-2026"  # noqa: S105 - demo accounts only

# Each app seeds its own part in `<app>.demo.seed(password=...)`, in this order; each returns
# lines to print. patients comes first: it creates the location, staff and runners.
SEEDERS = ["patients.demo", "assessments.demo", "programs.demo"]


class Command(BaseCommand):
    help = "Create or refresh the demo clinic. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password for every demo account."
        )

    @transaction.atomic
    def handle(self, *args, password: str, **options):
        for name in SEEDERS:
            try:
                module = importlib.import_module(name)
            except ModuleNotFoundError as exc:
                if exc.name != name:
                    raise
                continue
            for line in module.seed(password=password):
                self.stdout.write(line)
