"""python manage.py seed_demo [--password P]: an idempotent demo clinic."""

from django.core.management.base import BaseCommand

from dangpt.tooling.demo import DEFAULT_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create or refresh the demo clinic. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password for every demo account."
        )

    def handle(self, *args, password: str, **options):
        for line in seed_demo(password=password):
            self.stdout.write(line)
