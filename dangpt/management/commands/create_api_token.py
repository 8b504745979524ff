"""python manage.py create_api_token USERNAME: print a new API token for that user."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from dangpt.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--name", default="command line", help="A label to recognise the token by."
        )

    def handle(self, *args, username: str, name: str, **options):
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        _, raw = api_token_create(user=user, name=name, second_factor=True)
        self.stdout.write(raw)
