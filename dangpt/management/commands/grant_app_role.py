"""python manage.py grant_app_role [ROLE]: grant the app's database role its privileges.

`migrate` does this itself when DATABASE_APP_ROLE is set; run it by hand against a database whose
migrations ran elsewhere. Run it as the owner of the tables (the DATABASE_URL of migrations).
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dangpt.audit.database import grant_app_role


class Command(BaseCommand):
    help = (
        "Create the app's login role if missing and grant it the app's tables, with only SELECT "
        "and INSERT on the audit tables. ROLE defaults to DATABASE_APP_ROLE."
    )

    def add_arguments(self, parser):
        parser.add_argument("role", nargs="?", default="")
        parser.add_argument("--database", default="default")

    def handle(self, *args, role: str, database: str, **options):
        role = role or settings.DATABASE_APP_ROLE
        if not role:
            raise CommandError("Name the role, or set DATABASE_APP_ROLE.")
        try:
            grant_app_role(role, using=database, password=settings.DATABASE_APP_PASSWORD)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Granted the app's privileges to {role}.")
