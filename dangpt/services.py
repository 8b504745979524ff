"""Writes owned by the dangpt app: API tokens and heartbeats."""

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from dangpt.models import ApiToken, Heartbeat, hash_token, new_raw_token
from dangpt.signals import user_deactivated


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, second_factor: bool, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for the user; returns the row and the raw token, which is never stored.

    `second_factor` says the token was made with a verified second factor: the password exchange
    passes what it checked; the operator's command, run on the server, passes True.
    """
    raw = new_raw_token()
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        key_hash=hash_token(raw),
        hint=raw[:10],
        second_factor=second_factor,
    )
    return token, raw


def api_token_find(*, raw: str) -> ApiToken | None:
    """Return the active token (with its user) for a raw value, or None."""
    return ApiToken.objects.active().select_related("user").filter(key_hash=hash_token(raw)).first()


def api_token_record_use(*, token: ApiToken) -> None:
    """Record that a token was accepted now."""
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token; it answers 401 from now on."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def heartbeat_record(*, name: str) -> Heartbeat:
    """Record that a background process is alive now."""
    beat, _ = Heartbeat.objects.update_or_create(name=name, defaults={"seen_at": timezone.now()})
    return beat


@transaction.atomic
def user_deactivate(*, user) -> int:
    """Deactivate an account and end it everywhere now: its sessions, API tokens and password.

    Once committed, `user_deactivated` lets the apps drop what they keep elsewhere (Redis).

    A fresh unusable password changes the hash that invitation and password-reset links are
    made from, so a link sent before stays dead after a reactivation. Returns how many
    sessions were ended. Sessions are found by reading the live ones; the scan is acceptable
    for an action taken a few times a year.
    """
    from django.contrib.sessions.models import Session

    user.is_active = False
    user.set_unusable_password()
    user.save(update_fields=["is_active", "password"])
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    ended = [
        session.pk
        for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
        if session.get_decoded().get("_auth_user_id") == str(user.pk)
    ]
    Session.objects.filter(pk__in=ended).delete()
    user_id = user.pk
    transaction.on_commit(lambda: user_deactivated.send(sender=user_deactivate, user_id=user_id))
    return len(ended)
