"""Cross-cutting models: API tokens and worker heartbeats."""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

TOKEN_PREFIX = "dgp_"  # noqa: S105 - a public prefix, not a secret


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests; the raw value is shown once."""
    return hashlib.sha256(raw.encode()).hexdigest()


def new_raw_token() -> str:
    """A fresh random token with a recognisable prefix."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(
        max_length=12, help_text="First characters of the token, to tell tokens apart."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(
                fields=["user"], condition=Q(revoked_at__isnull=True), name="apitoken_active_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.hint}… ({self.user})"


class Heartbeat(models.Model):
    """Last time a background process proved it runs (the beat-scheduled heartbeat task)."""

    name = models.CharField(max_length=50, primary_key=True)
    seen_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.seen_at:%Y-%m-%d %H:%M:%S}"
