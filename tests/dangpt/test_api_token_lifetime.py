"""API tokens end: a lifetime by role, and revocation when the account's trust changes.

Each event answers 401 with the JSON error format on the next call with the token.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from dangpt.mfa.models import AuthenticatorDevice
from dangpt.models import ApiToken
from dangpt.roles import Role
from dangpt.services import EXPIRED, REVOKED_BY_CHANGE, api_token_create, user_deactivate
from tests.conftest import confirmed_totp_device
from tests.factories import PASSWORD

ME = "/api/v1/me"


def _token(user) -> str:
    return api_token_create(user=user, second_factor=True)[1]


def _me(client, raw: str):
    return client.get(ME, HTTP_AUTHORIZATION=f"Bearer {raw}")


def _assert_refused(response, detail: str) -> None:
    assert response.status_code == 401
    assert response.json() == {"detail": detail, "errors": {}}


def _age(*, created: datetime.timedelta, idle: datetime.timedelta | None = None) -> None:
    """Move every token's creation (and last use) into the past."""
    now = timezone.now()
    ApiToken.objects.update(created_at=now - created, last_used_at=now - (idle or created))


# --- Lifetimes ----------------------------------------------------------------------------
def test_staff_token_ends_after_the_staff_session_maximum(therapist, client):
    """12 hours after it was made a staff token is refused, however recently it was used."""
    raw = _token(therapist)
    _age(created=datetime.timedelta(hours=11, minutes=59), idle=datetime.timedelta(minutes=1))
    assert _me(client, raw).status_code == 200
    _age(created=datetime.timedelta(hours=12, minutes=1), idle=datetime.timedelta(minutes=1))
    _assert_refused(_me(client, raw), EXPIRED)


def test_staff_token_ends_after_the_staff_idle_limit(therapist, client, settings):
    """Unused for longer than STAFF_SESSION_IDLE_MINUTES, a staff token is refused."""
    raw = _token(therapist)
    _age(created=datetime.timedelta(minutes=20), idle=datetime.timedelta(minutes=14))
    assert _me(client, raw).status_code == 200  # the use moves the idle clock
    _age(created=datetime.timedelta(minutes=20), idle=datetime.timedelta(minutes=16))
    _assert_refused(_me(client, raw), EXPIRED)
    settings.STAFF_SESSION_IDLE_SECONDS = 30 * 60
    assert _me(client, raw).status_code == 200  # the setting decides


def test_runner_token_lasts_longer_than_a_staff_token(runner, client):
    """Runners: 14 idle days and 30 days, so a day-old, day-idle runner token still works."""
    raw = _token(runner)
    _age(created=datetime.timedelta(days=13), idle=datetime.timedelta(days=13))
    assert _me(client, raw).status_code == 200
    _age(created=datetime.timedelta(days=30, minutes=1), idle=datetime.timedelta(days=1))
    _assert_refused(_me(client, raw), EXPIRED)


def test_the_exchange_says_when_the_token_ends(runner, client):
    """`expires_at` in the 201: for a runner, 30 days after it was made."""
    response = client.post(
        "/api/v1/auth/token",
        {"username": runner.username, "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = ApiToken.objects.get(user=runner)
    ends = datetime.datetime.fromisoformat(response.json()["expires_at"])
    expected = token.created_at + datetime.timedelta(days=30)
    assert abs(ends - expected) < datetime.timedelta(seconds=1)


# --- Revocation ---------------------------------------------------------------------------
def test_password_change_revokes_tokens(runner, client):
    """Changing the password on the web revokes the account's tokens."""
    raw = _token(runner)
    client.force_login(runner)
    new = "another-long-password-77"
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    _assert_refused(_me(client, raw), REVOKED_BY_CHANGE)
    assert ApiToken.objects.get(user=runner).revoked_at is not None
    _assert_refused(_me(client, raw), "A valid API token is required.")


def test_password_reset_revokes_tokens(runner, client, mailoutbox):
    """A reset through the emailed link revokes the account's tokens."""
    raw = _token(runner)
    client.post(reverse("password_reset"), {"email": runner.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link).url
    new = "another-long-password-77"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    runner.refresh_from_db()
    assert runner.check_password(new)
    _assert_refused(_me(client, raw), REVOKED_BY_CHANGE)


@pytest.mark.parametrize(
    "change",
    ["new_role", "role_removed", "is_staff", "is_superuser"],
)
def test_role_or_group_change_revokes_tokens(change, therapist, client):
    """Any change of group or of the admin flags revokes the account's tokens."""
    raw = _token(therapist)
    assert _me(client, raw).status_code == 200
    if change == "new_role":
        therapist.groups.add(Group.objects.get_or_create(name=Role.MANAGER.value)[0])
    elif change == "role_removed":
        therapist.groups.clear()
    else:
        setattr(therapist, change, True)
        therapist.save()
    _assert_refused(_me(client, raw), REVOKED_BY_CHANGE)


def test_mfa_reset_by_the_manager_in_the_admin_revokes_tokens(therapist, django_user_model, client):
    """Deleting a lost authenticator in the admin (the reset) revokes the owner's tokens."""
    device = confirmed_totp_device(therapist)
    raw = _token(therapist)
    assert _me(client, raw).status_code == 200
    admin = django_user_model.objects.create_superuser("boss", "boss@example.test", "x" * 20)
    client.force_login(admin)
    url = reverse("admin:dangpt_authenticatordevice_delete", args=[device.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not AuthenticatorDevice.objects.filter(user=therapist).exists()
    _assert_refused(_me(client, raw), REVOKED_BY_CHANGE)


def test_a_replaced_authenticator_revokes_tokens(runner, client):
    """A device replaced by another (a reset) revokes tokens; a first set-up does not."""
    raw = _token(runner)
    confirmed_totp_device(runner)
    assert _me(client, raw).status_code == 200  # first set-up
    with_device = _token(runner)
    AuthenticatorDevice.objects.filter(user=runner).delete()
    confirmed_totp_device(runner)
    _assert_refused(_me(client, with_device), REVOKED_BY_CHANGE)
    assert _me(client, raw).status_code == 200


def test_a_first_authenticator_revokes_tokens_made_on_the_password_alone(runner, client):
    """A runner's password-only token ends when they confirm their first authenticator; a token
    made with a second factor (the operator's command) is kept, as is one made after."""
    password_only = api_token_create(user=runner, second_factor=False)[1]
    vouched = _token(runner)
    assert _me(client, password_only).status_code == 200
    confirmed_totp_device(runner)
    _assert_refused(_me(client, password_only), REVOKED_BY_CHANGE)
    assert ApiToken.objects.get(hint=password_only[:10]).revoked_at is not None
    assert _me(client, vouched).status_code == 200
    after = api_token_create(user=runner, second_factor=True)[1]
    assert _me(client, after).status_code == 200


def test_deactivation_revokes_tokens(runner, client):
    """Deactivating the account revokes its tokens at once."""
    raw = _token(runner)
    user_deactivate(user=runner)
    _assert_refused(_me(client, raw), "A valid API token is required.")
    assert ApiToken.objects.get(user=runner).revoked_at is not None


def test_an_unchanged_account_keeps_its_token_across_calls(runner, client):
    """The stamp is stable: calls with an unchanged account go on working."""
    raw = _token(runner)
    for _ in range(3):
        assert _me(client, raw).status_code == 200
