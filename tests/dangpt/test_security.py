"""Login throttling, session lifetimes, passwords, headers and production settings."""

import datetime as dt
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangpt.roles import Role
from dangpt.services import api_token_create, user_deactivate
from dangpt.sessions import LAST_SEEN, STARTED, touch_interval
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LOGIN = "/accounts/login/"


def sign_in(client: Client, username: str, password: str = PASSWORD, ip: str = "10.9.8.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def production_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DEBUG="false",
        SECRET_KEY="Vq7-production-like-key-9xLp2Zr8sT4wY6uB1nM3cE5gH0jK",
        ALLOWED_HOSTS="clinic.example.com",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
        MFA_ENCRYPTION_KEY="0Fq1uWdZ6xkLs0n3pYqH0a8mZy5gR2cVtQ9bK4eJwXo=",
        **extra,
    )
    return env


# --- Login throttling ------------------------------------------------------------------------
def test_five_failures_lock_that_username_from_that_ip_for_fifteen_minutes(make_user, client):
    """After five wrong passwords even the right one is refused from that IP, with a clear page."""
    user = make_user(Role.FRONT_DESK)
    for _ in range(4):
        assert sign_in(client, user.username, "wrong-password").status_code == 200
    assert sign_in(client, user.username, "wrong-password").status_code == 429  # the fifth
    locked = sign_in(client, user.username)
    assert locked.status_code == 429
    assert "paused for 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_username_from_the_same_ip_is_not_locked(make_user, client):
    """A whole front desk shares one IP: one person's lockout must not shut the others out."""
    locked_out, colleague = make_user(Role.FRONT_DESK), make_user(Role.FRONT_DESK)
    for _ in range(5):
        sign_in(client, locked_out.username, "wrong-password")
    response = sign_in(Client(), colleague.username)
    assert response.status_code == 302


def test_the_same_username_from_another_ip_is_not_locked(make_user, client):
    user = make_user(Role.THERAPIST)
    for _ in range(5):
        sign_in(client, user.username, "wrong-password")
    assert sign_in(Client(), user.username, ip="10.1.1.1").status_code == 302


def test_the_lock_lifts_after_the_cool_off(make_user, client):
    """Attempts older than 15 minutes no longer count."""
    user = make_user(Role.RUNNER)
    for _ in range(5):
        sign_in(client, user.username, "wrong-password")
    assert sign_in(client, user.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    assert sign_in(client, user.username).status_code == 302


def test_failed_logins_are_logged_by_account_id_and_ip_not_by_username(make_user, client, caplog):
    user = make_user(Role.RUNNER, username="riley@example.test")
    with caplog.at_level(logging.INFO, logger="axes"):
        sign_in(client, user.username, "wrong-password")
    assert f"account: {user.pk}" in caplog.text and "10.9.8.7" in caplog.text
    assert "riley@example.test" not in caplog.text


# --- Sessions --------------------------------------------------------------------------------
def _age_session(client: Client, *, idle: float = 0, alive: float = 0) -> None:
    session = client.session
    now = time.time()
    session[LAST_SEEN] = now - idle
    session[STARTED] = now - alive
    session.save()


def test_staff_session_ends_after_fifteen_idle_minutes(make_user, client):
    client.force_login(make_user(Role.FRONT_DESK))
    assert client.get("/desk/schedule/").status_code == 200
    _age_session(client, idle=16 * 60, alive=16 * 60)
    response = client.get("/desk/schedule/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_staff_session_ends_after_twelve_hours_even_when_active(make_user, client):
    client.force_login(make_user(Role.THERAPIST))
    _age_session(client, idle=30, alive=12 * 3600 + 60)
    assert client.get("/therapist/day/").url.startswith(LOGIN)


def test_admin_account_without_a_role_has_the_staff_idle_limit(django_user_model, client):
    """A superuser with no clinic role reaches /admin/, so its session ends as a staff one does."""
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 16)
    client.force_login(admin_user)
    assert client.get("/admin/").status_code == 200
    _age_session(client, idle=16 * 60, alive=16 * 60)
    response = client.get("/admin/")
    assert response.status_code == 302 and LOGIN in response.url
    assert "_auth_user_id" not in client.session


def test_runner_session_outlives_a_staff_idle_limit(runner, client):
    """Runners are not signed out after 16 idle minutes (their limit is days)."""
    client.force_login(runner)
    _age_session(client, idle=16 * 60, alive=16 * 60)
    assert client.get("/me/").status_code == 200
    _age_session(client, idle=15 * 86400, alive=15 * 86400)
    assert client.get("/me/").url.startswith(LOGIN)


def _last_seen_after_a_page(client: Client, url: str, *, seen_ago: float) -> float:
    session = client.session
    session[LAST_SEEN] = time.time() - seen_ago
    session.save()
    before = client.session[LAST_SEEN]
    assert client.get(url).status_code == 200
    return client.session[LAST_SEEN] - before


def test_a_staff_session_stamps_activity_once_a_minute(make_user, client):
    client.force_login(make_user(Role.FRONT_DESK))
    assert _last_seen_after_a_page(client, "/desk/schedule/", seen_ago=30) == 0
    assert _last_seen_after_a_page(client, "/desk/schedule/", seen_ago=90) > 0


def test_a_runner_session_stamps_activity_every_few_hours_not_every_minute(runner, client):
    """1% of the 14-day idle limit: about 3.4 hours. Pages in between write no session."""
    client.force_login(runner)
    assert touch_interval(runner) == pytest.approx(0.01 * 14 * 86400)
    assert _last_seen_after_a_page(client, "/me/", seen_ago=3 * 3600) == 0
    assert _last_seen_after_a_page(client, "/me/", seen_ago=4 * 3600) > 0
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/me/").status_code == 200
    assert not [
        q for q in queries.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]
    ]


def test_logout_deletes_the_session_on_the_server(runner, client):
    client.force_login(runner)
    key = client.session.session_key
    assert Session.objects.filter(pk=key).exists()
    client.post("/accounts/logout/")
    assert not Session.objects.filter(pk=key).exists()


def test_deactivation_ends_every_session_and_token_at_once(make_user):
    """Two browsers and an API token: all stop working the moment the account is deactivated."""
    user = make_user(Role.THERAPIST)
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(user)
    _, token = api_token_create(user=user, second_factor=True)
    other = make_user(Role.THERAPIST)
    bystander = Client()
    bystander.force_login(other)
    assert user_deactivate(user=user) == 2
    for browser in browsers:
        assert browser.get("/therapist/day/").status_code == 302
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401
    assert bystander.get("/therapist/day/").status_code == 200


def test_admin_deactivation_uses_the_same_service(make_user, client):
    manager = make_user(Role.MANAGER, is_staff=True, is_superuser=True)
    target = make_user(Role.FRONT_DESK)
    browser = Client()
    browser.force_login(target)
    client.force_login(manager)
    response = client.post(
        "/admin/auth/user/",
        {"action": "deactivate", "_selected_action": [target.pk]},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert browser.get("/desk/schedule/").status_code == 302


# --- Passwords -------------------------------------------------------------------------------
def test_production_hashes_passwords_with_argon2():
    """The settings module (not the tests' fast hasher) puts Argon2 first, and it works."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    import dangpt.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert Argon2PasswordHasher().encode("a long passphrase", "somesalt1234").startswith("argon2")


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("short-pw", "at least 12 characters"),
        ("password1234", "too common"),
        ("123456789012", "entirely numeric"),
    ],
)
def test_weak_passwords_are_refused(password, message, db):
    with pytest.raises(ValidationError) as error:
        validate_password(password)
    assert message in " ".join(error.value.messages)


# --- Headers and cookies ---------------------------------------------------------------------
def test_pages_send_a_strict_content_security_policy_and_safety_headers(client, db):
    response = client.get(LOGIN)
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_no_template_has_inline_scripts_or_styles():
    """The policy forbids them; this keeps new templates honest (emails are not pages)."""
    offenders = []
    for path in (ROOT / "templates").rglob("*.html"):
        if "email" in path.parts:
            continue
        text = path.read_text()
        for needle in ("<script>", 'style="', "<style", " onclick=", " onchange=", " onsubmit="):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert offenders == []


def test_production_settings_pass_the_deploy_check():
    """manage.py check --deploy --fail-level WARNING with production settings."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_use_host_prefixed_secure_names():
    code = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "31536000",
    ]


def test_the_login_page_works_under_its_own_policy(client, db):
    """Login posts to itself: form-action 'self' allows it."""
    response = client.get(reverse("login"))
    assert 'action="/accounts/login/"' in response.content.decode()
