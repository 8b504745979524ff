"""python manage.py seed_demo [--password P]: an idempotent demo clinic."""

from django.core.management.base import BaseCommand

from patients.demo import seed_people

DEFAULT_PASSWORD = "dangpt-demo-2026"  # noqa: S105 - demo accounts only


class Command(BaseCommand):
    help = "Create or refresh the demo clinic (location, staff, runners). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password", default=DEFAULT_PASSWORD, help="Password for every demo account."
        )

    def handle(self, *args, password: str, **options):
        result = seed_people(password=password)
        self.stdout.write(f"Demo clinic ready at {result['location']}.")
        self.stdout.write(f"Demo accounts (password: {password}):")
        for username, role in result["accounts"]:
            self.stdout.write(f"  {username:<12} {role}")
