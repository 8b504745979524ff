"""python manage.py load_library [--update]: load the exercise library and program templates."""

from django.core.management.base import BaseCommand

from programs.services import library_load


class Command(BaseCommand):
    help = "Load programs/library/*.json into the database. Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite exercises that exist (managers' edits are kept otherwise).",
        )

    def handle(self, *args, update: bool, **options):
        counts = library_load(update_existing=update)
        self.stdout.write(
            f"{counts['exercises']} exercises ({counts['exercises_created']} new), "
            f"{counts['templates']} templates."
        )
