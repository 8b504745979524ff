"""python manage.py revoke_api_tokens USERNAME [--hint H]: revoke a user's API tokens."""

from django.core.management.base import BaseCommand, CommandError

from dangpt.models import ApiToken
from dangpt.services import api_token_revoke


class Command(BaseCommand):
    help = "Revoke every active API token of a user, or only the one whose hint is given."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hint", help="Revoke only the token starting with these characters.")

    def handle(self, *args, username: str, hint: str | None, **options):
        tokens = ApiToken.objects.active().filter(user__username=username)
        if hint:
            tokens = tokens.filter(hint__startswith=hint[:10])
        tokens = list(tokens)
        if not tokens:
            raise CommandError(f"No active token found for {username!r}.")
        for token in tokens:
            api_token_revoke(token=token)
        self.stdout.write(f"Revoked {len(tokens)} token(s).")
