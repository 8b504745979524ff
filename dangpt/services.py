"""Writes owned by the dangpt app: API tokens and heartbeats."""

import datetime
import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.contrib.postgres.expressions import ArraySubquery
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from dangpt.mfa.models import AuthenticatorDevice
from dangpt.models import ApiToken, Heartbeat, hash_token, new_raw_token
from dangpt.roles import remember_role
from dangpt.sessions import limits_for, touch_interval
from dangpt.signals import user_deactivated
from dangpt.text import text_within

REVOKED_BY_CHANGE = (
    "This API token was revoked: the account's password, role or two-step sign-in changed "
    "since it was made. Ask for a new token."
)
EXPIRED = "This API token has expired. Ask for a new token."


def _group_names(user_ref):
    return ArraySubquery(Group.objects.filter(user=user_ref).order_by("name").values("name"))


def _device_id(user_ref):
    devices = AuthenticatorDevice.objects.filter(user=user_ref, confirmed=True).order_by("-pk")
    return Subquery(devices.values("pk")[:1])


def credential_stamp(user, *, group_names, device_id) -> str:
    """A digest of what a token's trust rests on: password, roles, staff flags, authenticator.

    As Django's session auth hash ends sessions on a password change, a token whose stamp no
    longer matches is revoked, whichever path changed the account (pages, admin, commands).
    """
    material = "|".join(
        [
            user.password,
            f"{user.is_staff}:{user.is_superuser}",
            ",".join(sorted(group_names)),
            str(device_id or ""),
        ]
    )
    return salted_hmac(
        "dangpt.api-token.credential-stamp", material, algorithm="sha256"
    ).hexdigest()


def _current_facts(user) -> tuple[list[str], int | None]:
    """The user's group names and confirmed authenticator's id, read now."""
    return (
        type(user)
        .objects.filter(pk=user.pk)
        .values_list(_group_names(OuterRef("pk")), _device_id(OuterRef("pk")))
        .get()
    )


def api_token_expires_at(token: ApiToken) -> datetime.datetime:
    """When the token ends at the latest: its account's absolute session limit after creation."""
    _, absolute = limits_for(token.user)
    return token.created_at + datetime.timedelta(seconds=absolute)


def api_token_refusal(*, token: ApiToken) -> str | None:
    """Why a found token may not act now: its account changed (it is revoked), or it expired.

    Tokens last as sessions do for the account's role: staff (and any account reaching staff
    pages) 15 idle minutes and 12 hours, runners 14 idle days and 30 days, by default.
    """
    user = token.user
    # An authenticator set up after a token made with a second factor (the operator's command)
    # leaves it alone. A token made on the password alone ends with the first authenticator:
    # the account now signs in with two factors, and a password-only credential must not outlive
    # that (the stamp was made with no device, so a confirmed one no longer matches).
    keeps_device = token.with_authenticator or not token.second_factor
    device_id = token.device_id if keeps_device else None
    stamp = credential_stamp(user, group_names=token.group_names, device_id=device_id)
    if not constant_time_compare(stamp, token.credential_stamp):
        api_token_revoke(token=token)
        return REVOKED_BY_CHANGE
    now = timezone.now()
    idle, _ = limits_for(user)
    last_active = token.last_used_at or token.created_at
    if now >= api_token_expires_at(token) or (now - last_active).total_seconds() > idle:
        return EXPIRED
    return None


@transaction.atomic
def api_token_create(
    *, user: AbstractBaseUser, second_factor: bool, name: str = ""
) -> tuple[ApiToken, str]:
    """Create a token for the user; returns the row and the raw token, which is never stored.

    `second_factor` says the token was made with a verified second factor: the password exchange
    passes what it checked; the operator's command, run on the server, passes True.
    """
    raw = new_raw_token()
    group_names, device_id = _current_facts(user)
    token = ApiToken.objects.create(
        user=user,
        name=text_within(name, limit=100, field="name"),
        key_hash=hash_token(raw),
        hint=raw[:10],
        second_factor=second_factor,
        credential_stamp=credential_stamp(user, group_names=group_names, device_id=device_id),
        with_authenticator=device_id is not None,
    )
    return token, raw


@functools.cache
def _token_sql() -> str:
    """SELECT an active token by its key's hash, with its user, the user's group names
    (``group_names``) and newest confirmed authenticator's id (``device_id``).

    Every API request runs it, so it is written once as SQL (table and column names from the
    models, the hash a parameter), as dangpt/auth_backend.py does for sessions: the ORM took
    longer to build this query than PostgreSQL takes to run it.
    """
    user_model = get_user_model()
    memberships = user_model.groups.through._meta
    device = AuthenticatorDevice._meta
    token = ApiToken._meta
    columns = ", ".join(f't."{f.column}" AS "token__{f.attname}"' for f in token.concrete_fields)
    return (
        f"SELECT u.*, {columns},"  # noqa: S608 - names from the models; the hash is a parameter
        f' ARRAY(SELECT g."name" FROM "{memberships.db_table}" m'
        f' JOIN "{Group._meta.db_table}" g ON g."id" = m."group_id"'
        f' WHERE m."user_id" = u."id" ORDER BY g."name") AS group_names,'
        f' (SELECT d."id" FROM "{device.db_table}" d WHERE d."user_id" = u."id" AND d."confirmed"'
        f' ORDER BY d."id" DESC LIMIT 1) AS device_id'
        f' FROM "{token.db_table}" t JOIN "{user_model._meta.db_table}" u ON u."id" = t."user_id"'
        f' WHERE t."key_hash" = %s AND t."revoked_at" IS NULL AND u."is_active"'
    )


def api_token_find(*, raw: str) -> ApiToken | None:
    """Return the active token for a raw value, or None, in one query.

    The user comes with it, with its group names (`group_names`, its role is remembered) and its
    confirmed authenticator's id (`device_id`), which `api_token_refusal` checks.
    """
    users = get_user_model()._default_manager.raw(_token_sql(), [hash_token(raw)])
    user = next(iter(users), None)
    if user is None:
        return None
    fields = ApiToken._meta.concrete_fields
    token = ApiToken.from_db(
        "default",
        [f.attname for f in fields],
        [getattr(user, f"token__{f.attname}") for f in fields],
    )
    token.user = user
    token.group_names, token.device_id = user.group_names, user.device_id
    remember_role(user, user.group_names)
    return token


def api_token_record_use(*, token: ApiToken) -> None:
    """Record that a token was accepted now, as a session records its last visit: only once the
    stamp is older than `touch_interval` (a minute for staff, 3.4 hours for runners by default).

    A busy client then writes its token row once in that interval, not on every request (the
    runner's phone reads /me/ often). The stamp lags by at most the interval, so the idle limit
    can only end a token that much early, never late.
    """
    now = timezone.now()
    last = token.last_used_at
    if last is None or (now - last).total_seconds() > touch_interval(token.user):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


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
