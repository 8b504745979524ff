"""Before sign-in: API docs closed in production, no password oracle, enrolment by email."""

import re
import subprocess
import sys

import pytest
from django.test import Client

from dangpt.api import TOKEN_REFUSED
from dangpt.mfa import enrolment
from dangpt.mfa.models import AuthenticatorDevice
from dangpt.models import ApiToken
from dangpt.roles import Role
from tests.conftest import confirmed_totp_device, totp_code
from tests.dangpt.test_security import ROOT, production_env
from tests.factories import PASSWORD

SETUP = "/accounts/mfa/setup/"
DOCS = ["/api/v1/docs", "/api/v1/openapi.json"]


# --- OpenAPI docs -------------------------------------------------------------------------
def test_docs_are_closed_when_debug_is_off():
    """Production settings (DEBUG off) turn API_DOCS_PUBLIC off."""
    code = "from django.conf import settings as s; print(s.API_DOCS_PUBLIC)"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("path", DOCS)
def test_closed_docs_answer_404_to_anyone_but_verified_staff(path, settings, make_user):
    """Anonymous, a runner and staff before the second factor: 404; verified staff: 200."""
    settings.API_DOCS_PUBLIC = False
    assert Client().get(path).status_code == 404
    runner = Client()
    runner.force_login(make_user(Role.RUNNER))
    assert runner.get(path).status_code == 404
    password_only = Client()
    password_only.force_login_password_only(make_user(Role.THERAPIST))
    assert password_only.get(path).status_code == 404
    staff = Client()
    staff.force_login(make_user(Role.MANAGER))
    assert staff.get(path).status_code == 200


@pytest.mark.parametrize("path", DOCS)
def test_docs_are_public_in_development(path, settings, db):
    """With API_DOCS_PUBLIC (DEBUG on) anyone may read them, as schemathesis does."""
    settings.API_DOCS_PUBLIC = True
    assert Client().get(path).status_code == 200


# --- The token endpoint gives nothing away ------------------------------------------------
def _exchange(user, password: str = PASSWORD, **extra):
    body = {"username": user.username, "password": password, **extra}
    return Client().post("/api/v1/auth/token", body, content_type="application/json")


def test_token_refusals_are_all_the_same(make_user, settings):
    """Wrong password, right password without a code or with a wrong one, no authenticator."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    enrolled = make_user(Role.THERAPIST)
    confirmed_totp_device(enrolled)
    not_enrolled = make_user(Role.THERAPIST)
    answers = [
        _exchange(enrolled, "wrong-password"),
        _exchange(enrolled),
        _exchange(enrolled, otp="000000"),
        _exchange(not_enrolled),
        _exchange(not_enrolled, otp="123456"),
    ]
    assert {(a.status_code, a.content) for a in answers} == {(401, answers[0].content)}
    assert answers[0].json() == TOKEN_REFUSED
    assert not ApiToken.objects.exists()


# --- First-time enrolment needs the emailed code ------------------------------------------
@pytest.fixture
def password_only(make_user):
    """A therapist signed in with the password only, who has no authenticator yet."""
    user = make_user(Role.THERAPIST)
    client = Client()
    client.force_login_password_only(user)
    return user, client


def _emailed_code(mailoutbox) -> str:
    return re.search(r"\b(\d{8})\b", mailoutbox[-1].body).group(1)


def test_the_password_alone_shows_no_secret_and_enrols_nothing(password_only, mailoutbox):
    """Before the emailed code: no QR or key on the page, and a posted TOTP code stores nothing."""
    user, client = password_only
    page = client.get(SETUP).content.decode()
    assert "mfa-qr" not in page and "totp-secret" not in page
    assert "Email me a code" in page and enrolment.masked_email(user.email) in page
    assert mailoutbox == []  # looking sends nothing
    assert client.post(SETUP, {"code": "123456"}).status_code == 200
    assert not AuthenticatorDevice.objects.filter(user=user).exists()


def test_the_emailed_code_opens_the_setup(password_only, mailoutbox):
    """The code goes to the account's address, with no clinical detail; then the QR shows."""
    user, client = password_only
    sent = client.post(SETUP, {"send": "1"}, follow=True)
    assert "We sent a code to" in sent.content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [user.email]
    assert "not setting up two-step sign-in" in mailoutbox[0].body
    wrong = client.post(SETUP, {"email_code": "00000000"})
    assert "That code is not right" in wrong.content.decode()
    response = client.post(SETUP, {"email_code": _emailed_code(mailoutbox)})
    assert response.status_code == 302
    page = client.get(SETUP).content.decode()
    assert "mfa-qr" in page and re.search(r'data-testid="totp-secret">[A-Z2-7 ]+<', page)


def test_the_emailed_code_allows_five_tries(password_only, mailoutbox):
    """After five wrong codes even the right one is refused until a new code is sent."""
    _, client = password_only
    client.post(SETUP, {"send": "1"})
    right = _emailed_code(mailoutbox)
    for _ in range(enrolment.MAX_TRIES):
        client.post(SETUP, {"email_code": "00000000"})
    refused = client.post(SETUP, {"email_code": right})
    assert refused.status_code == 200 and "Too many wrong codes" in refused.content.decode()


def test_the_emailed_code_expires(password_only, mailoutbox):
    """A code older than 15 minutes is refused."""
    _, client = password_only
    client.post(SETUP, {"send": "1"})
    session = client.session
    pending = session[enrolment.CODE_SESSION_KEY]
    session[enrolment.CODE_SESSION_KEY] = {**pending, "sent": pending["sent"] - 16 * 60}
    session.save()
    refused = client.post(SETUP, {"email_code": _emailed_code(mailoutbox)})
    assert "expired" in refused.content.decode()


def test_a_code_from_another_account_does_not_open_the_setup(make_user, mailoutbox):
    """The proof belongs to the account that asked for it."""
    first, second = make_user(Role.THERAPIST), make_user(Role.THERAPIST)
    client = Client()
    client.force_login_password_only(first)
    client.post(SETUP, {"send": "1"})
    code = _emailed_code(mailoutbox)
    other = Client()
    other.force_login_password_only(second)
    refused = other.post(SETUP, {"email_code": code})
    assert "mfa-qr" not in refused.content.decode()


def test_an_account_without_email_is_told_to_ask_the_manager(make_user, mailoutbox):
    """No address, no code: the page says whom to ask."""
    user = make_user(Role.THERAPIST, email="")
    client = Client()
    client.force_login_password_only(user)
    page = client.post(SETUP, {"send": "1"}, follow=True).content.decode()
    assert "Ask the clinic manager to add one" in page
    assert mailoutbox == []


def test_enrolled_staff_still_verify_without_email(make_user, mailoutbox):
    """The emailed code is for the first set-up only: signing in later asks the app's code."""
    user = make_user(Role.THERAPIST)
    device = confirmed_totp_device(user)
    client = Client()
    client.force_login_password_only(user)
    response = client.post("/accounts/mfa/verify/", {"code": totp_code(device)})
    assert response.status_code == 302
    assert mailoutbox == []


def test_parallel_guesses_at_the_emailed_code_get_five_tries_in_all(django_user_model, mailoutbox):
    """Requests that each loaded the session before any saved it share one counter (Redis)."""
    import copy
    import re

    from dangpt.mfa.enrolment import enrolment_code_check, enrolment_code_send

    user = django_user_model.objects.create_user("enrol", "enrol@example.test", "x" * 20)
    session: dict = {}
    assert enrolment_code_send(session, user).ok
    code = re.search(r"\b(\d{8})\b", mailoutbox[-1].body).group(1)
    wrong = f"{(int(code) + 1) % 10**8:08d}"
    answers = [enrolment_code_check(copy.deepcopy(session), user, wrong) for _ in range(10)]
    assert [a.message.startswith("That code is not right") for a in answers] == [True] * 5 + [
        False
    ] * 5
    assert not enrolment_code_check(copy.deepcopy(session), user, code).ok


def test_an_account_gets_a_few_enrolment_codes_an_hour_whatever_the_session(
    django_user_model, mailoutbox
):
    from dangpt.mfa.enrolment import MAX_SENDS_PER_HOUR, enrolment_code_send

    user = django_user_model.objects.create_user("enrol2", "enrol2@example.test", "x" * 20)
    sent = [enrolment_code_send({}, user).ok for _ in range(MAX_SENDS_PER_HOUR + 2)]
    assert sent == [True] * MAX_SENDS_PER_HOUR + [False, False]
    assert len(mailoutbox) == MAX_SENDS_PER_HOUR
