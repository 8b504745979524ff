"""Two-step sign-in: required on every staff page, set-up, verify, recovery codes, runners,
password reset and the API token exchange."""

import re
import time
from base64 import b32decode, b32encode

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dangpt.api import TOKEN_REFUSED
from dangpt.mfa.crypto import recovery_code_digest
from dangpt.mfa.factors import RECOVERY_CODE_COUNT, recovery_codes_regenerate
from dangpt.mfa.models import AuthenticatorDevice
from dangpt.models import ApiToken
from dangpt.roles import Role
from tests.conftest import confirmed_totp_device, totp_code
from tests.factories import PASSWORD

STAFF = [Role.FRONT_DESK, Role.THERAPIST, Role.MANAGER]
SETUP = "/accounts/mfa/setup/"
VERIFY = "/accounts/mfa/verify/"
# Reachable before the second factor: MFA entry pages, logout, health check, the API (own rule).
EXEMPT = (SETUP, VERIFY, "/accounts/logout/", "/healthz", "/api/")
SAMPLES = {
    "int": "1",
    "str": "x",
    "slug": "x",
    "path": "x",
    "uuid": "0" * 8 + "-0000" * 3 + "-" + "0" * 12,
}
CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _routes(patterns=None, prefix: str = "") -> list[str]:
    """Every URL pattern of the project as a path, converters filled with sample values."""
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue  # regex patterns (the admin's app index) are covered by the sample below
        route = prefix + CONVERTER.sub(
            lambda m: SAMPLES[m.group("converter") or "str"], str(entry.pattern)
        )
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append("/" + route)
    return sorted(set(found))


def _gated_routes() -> list[str]:
    return [path for path in _routes() if not path.startswith(EXEMPT)]


RECOVERY_CODE = r"<li>([a-z2-7]{4}(?:-[a-z2-7]{4}){5})</li>"


def _digests(codes) -> set[str]:
    return {recovery_code_digest(code.replace("-", "")) for code in codes}


def _prove_email(client, mailoutbox) -> None:
    """The set-up's first step: send the code to the account's email and type it back."""
    client.post(SETUP, {"send": "1"})
    code = re.search(r"\b(\d{8})\b", mailoutbox[-1].body).group(1)
    assert client.post(SETUP, {"email_code": code}).status_code == 302


def _password_only(client, user):
    """A session signed in with the password and no second factor yet."""
    client.force_login_password_only(user)
    return client


def _sign_in_with_form(client, user, password=PASSWORD):
    return client.post(reverse("login"), {"username": user.username, "password": password})


@pytest.fixture
def no_throttle(settings):
    """Wrong-then-right in one test would hit django-otp's 1-second back-off (tested apart)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# --- The gate -----------------------------------------------------------------------------
def test_the_walk_covers_the_apps_pages():
    """The URL walk is not empty: it holds each app's pages, with and without ids."""
    routes = _gated_routes()
    for expected in ["/desk/schedule/", "/therapist/day/", "/manager/", "/me/", "/admin/"]:
        assert expected in routes
    assert any(re.search(r"/1/", path) for path in routes)
    assert len(routes) > 50


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize("has_device", [False, True], ids=["no-device", "device"])
def test_every_staff_page_sends_an_unverified_session_to_mfa(role, has_device, make_user, client):
    """Each URL pattern (GET and POST, with and without ids) redirects until the code is given."""
    user = make_user(role)
    if has_device:
        confirmed_totp_device(user)
    _password_only(client, user)
    target = VERIFY if has_device else SETUP
    leaks = []
    for path in _gated_routes() + ["/admin/patients/", "/no-such-page/"]:
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code != 302 or not response.url.startswith(target):
                leaks.append((method.__name__, path, response.status_code))
    assert leaks == []
    assert client.get(reverse("home")).url == f"{target}?next=%2F"


def _superuser(make_user):
    return make_user(None, is_staff=True, is_superuser=True)


def _admin_flag_only(make_user):
    return make_user(None, is_staff=True)


def _manager(make_user):
    return make_user(Role.MANAGER)


OWES_THE_FACTOR = {
    "superuser-no-role": _superuser,
    "is_staff-no-role": _admin_flag_only,
    "manager": _manager,
}


def _promote(user, role: Role = Role.THERAPIST) -> None:
    """Give an account a staff role, as a manager does in the admin."""
    from django.contrib.auth.models import Group

    user.groups.set([Group.objects.get_or_create(name=role.value)[0]])


def _leaks(client, target: str, paths: list[str]) -> list[tuple]:
    """The pages (GET and POST) that answered without sending the session to `target`."""
    leaks = []
    for path in paths:
        for method in (client.get, client.post):
            response = method(path)
            if response.status_code != 302 or not response.url.startswith(target):
                leaks.append((method.__name__, path, response.status_code))
    return leaks


@pytest.mark.parametrize("who", OWES_THE_FACTOR)
@pytest.mark.parametrize("has_device", [False, True], ids=["no-device", "device"])
def test_admin_accounts_meet_the_second_factor_before_any_page(who, has_device, make_user, client):
    """A superuser or `is_staff` with no role, and a manager: stopped on every page and /admin/."""
    user = OWES_THE_FACTOR[who](make_user)
    if has_device:
        confirmed_totp_device(user)
    _password_only(client, user)
    target = VERIFY if has_device else SETUP
    paths = _gated_routes() + ["/admin/", "/admin/patients/patient/", "/admin/auth/user/"]
    assert _leaks(client, target, paths) == []


@pytest.mark.parametrize("before", [Role.RUNNER, None], ids=["runner", "no-role"])
def test_a_promoted_account_meets_the_second_factor_at_once(before, make_user, client):
    """A signed-in runner or role-less account made therapist is stopped on its next request."""
    user = make_user(before)
    _password_only(client, user)
    assert client.get(reverse("mfa:settings")).status_code == 200
    _promote(user)
    paths = _gated_routes() + ["/admin/", "/admin/patients/patient/"]
    assert _leaks(client, SETUP, paths) == []


def test_a_verified_superuser_reaches_the_admin(make_user, client):
    """After both factors a superuser without a role opens /admin/."""
    user = _superuser(make_user)
    client.force_login(user)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/patients/patient/").status_code == 200


def test_a_superuser_cannot_turn_mfa_off(make_user, client):
    """The second factor is not optional for a superuser: the turn-off page is a 404."""
    client.force_login(_superuser(make_user))
    assert client.get(reverse("mfa:disable")).status_code == 404


@pytest.mark.parametrize("role", STAFF)
def test_signing_in_with_the_form_leads_staff_to_mfa_not_home(role, make_user, client):
    """The password alone opens nothing: the login lands on set-up or verify."""
    user = make_user(role)
    response = _sign_in_with_form(client, user)
    assert response.status_code == 302
    response = client.get(response.url)
    assert response.status_code == 302 and response.url.startswith(SETUP)
    confirmed_totp_device(user)
    assert client.get("/").url.startswith(VERIFY)


def test_pages_before_the_second_factor_stay_reachable(therapist, client):
    """Set-up, logout and the health check answer; the API keeps its own token rule."""
    _password_only(client, therapist)
    assert client.get(SETUP).status_code == 200
    assert client.get("/healthz").status_code in (200, 503)
    assert client.get("/api/v1/me").status_code == 401
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_htmx_requests_are_told_to_navigate(therapist, client):
    """An htmx swap gets HX-Redirect instead of the verify page inside a fragment."""
    confirmed_totp_device(therapist)
    _password_only(client, therapist)
    response = client.get("/desk/schedule/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith(VERIFY)


def test_verified_staff_reach_their_pages(therapist, client):
    """After both factors (force_login in tests) the home opens."""
    client.force_login(therapist)
    assert client.get("/", follow=True).redirect_chain[-1][0] == reverse("patients:my_day")


def test_mfa_off_by_setting_does_not_force_staff(settings, therapist, client):
    """MFA_REQUIRED=False (never the default) lets staff in with the password."""
    settings.MFA_REQUIRED = False
    _password_only(client, therapist)
    assert client.get(reverse("patients:my_day")).status_code == 200


def test_mfa_is_required_by_default():
    """Tests run with the production default."""
    from django.conf import settings

    assert settings.MFA_REQUIRED is True


# --- Set-up -------------------------------------------------------------------------------
def test_setup_shows_a_qr_code_and_secret_and_confirms_with_a_code(
    therapist, client, no_throttle, mailoutbox
):
    """QR (server-side SVG) and text secret; a wrong code is refused; the right one turns it on."""
    _password_only(client, therapist)
    _prove_email(client, mailoutbox)
    page = client.get(f"{SETUP}?next=/therapist/day/").content.decode()
    assert "<svg" in page and "mfa-qr" in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert not AuthenticatorDevice.objects.filter(user=therapist).exists()  # looking stores nothing
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1)
    assert client.get(SETUP).content.decode().count(secret) == 1  # same secret on reload

    wrong = client.post(SETUP, {"code": "12345"})
    assert "Enter the 6-digit code" in wrong.content.decode()
    device = AuthenticatorDevice.objects.get(user=therapist)
    assert not device.confirmed
    assert b32encode(device.bin_key).decode() == secret.replace(" ", "")
    refused = client.post(SETUP, {"code": _wrong_code(device)})
    assert "That code is not right" in refused.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    response = client.post(SETUP, {"code": totp_code(device), "next": "/therapist/day/"})
    assert response.status_code == 302
    assert response.url == reverse("mfa:recovery_codes") + "?next=%2Ftherapist%2Fday%2F"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id

    codes_page = client.get(response.url).content.decode()
    codes = re.findall(RECOVERY_CODE, codes_page)
    assert len(codes) == RECOVERY_CODE_COUNT == 10
    assert _digests(codes) == set(StaticToken.objects.values_list("token", flat=True))
    assert 'href="/therapist/day/"' in codes_page
    again = client.get(reverse("mfa:recovery_codes")).content.decode()
    assert not any(code in again for code in codes)  # shown once
    assert client.get("/therapist/day/").status_code == 200


def test_setup_redirects_when_mfa_is_already_on(therapist, client):
    """A second set-up is not offered over a confirmed device."""
    client.force_login(therapist)
    assert client.get(SETUP).url == reverse("mfa:settings")
    assert AuthenticatorDevice.objects.filter(user=therapist).count() == 1


# --- Verify -------------------------------------------------------------------------------
def test_verify_with_the_app_code_opens_the_page_asked_for(therapist, client):
    """The right code marks the session verified, on a new session key, and goes to `next`."""
    device = confirmed_totp_device(therapist)
    _password_only(client, therapist)
    asked = client.get("/therapist/day/")
    assert asked.url == f"{VERIFY}?next=%2Ftherapist%2Fday%2F"
    page = client.get(asked.url).content.decode()
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    key_before = client.session.session_key
    response = client.post(VERIFY, {"code": totp_code(device), "next": "/therapist/day/"})
    assert response.status_code == 302 and response.url == "/therapist/day/"
    assert client.session.session_key != key_before
    assert client.get("/therapist/day/").status_code == 200


def test_a_code_cannot_be_replayed(therapist, client):
    """A code accepted once is refused in another session in the same time step."""
    device = confirmed_totp_device(therapist)
    code = totp_code(device)
    _password_only(client, therapist)
    assert client.post(VERIFY, {"code": code}).status_code == 302
    from django.test import Client

    other = _password_only(Client(), therapist)
    response = other.post(VERIFY, {"code": code})
    assert response.status_code == 200
    assert DEVICE_ID_SESSION_KEY not in other.session


def test_verify_with_a_recovery_code_works_once(runner, therapist, client, no_throttle):
    """A recovery code (typed in capitals with a dash) signs in once, then is used up."""
    confirmed_totp_device(therapist)
    codes = recovery_codes_regenerate(user=therapist)
    typed = codes[0].upper().replace("-", " ", 2)
    _password_only(client, therapist)
    response = client.post(VERIFY, {"recovery_code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("patients:my_day")
    assert "9 left" in response.content.decode()
    assert not StaticToken.objects.filter(token__in=_digests(codes[:1])).exists()

    client.post(reverse("logout"))
    _password_only(client, therapist)
    refused = client.post(VERIFY, {"recovery_code": codes[0]})
    assert refused.status_code == 200
    assert "That code is not right" in refused.content.decode()
    assert client.get("/therapist/day/").url.startswith(VERIFY)


def test_wrong_code_is_refused_and_throttled(therapist, client):
    """A wrong code leaves the session unverified, and the next try must wait (back-off)."""
    device = confirmed_totp_device(therapist)
    _password_only(client, therapist)
    response = client.post(VERIFY, {"code": _wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    throttled = client.post(VERIFY, {"code": totp_code(device)})
    assert "Too many wrong codes. Wait 1 second" in throttled.content.decode()
    assert client.get("/therapist/day/").url.startswith(VERIFY)


@pytest.mark.parametrize("bad", ["", "abc", "1234567", "12 34"])
def test_malformed_codes_get_a_clear_message(bad, therapist, client):
    """Not six digits: a message at the field, nothing counted against the device."""
    device = confirmed_totp_device(therapist)
    _password_only(client, therapist)
    response = client.post(VERIFY, {"code": bad})
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required" in body or "Enter the 6-digit code" in body
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_verify_ignores_a_next_on_another_site(therapist, client):
    """`next` pointing elsewhere falls back to the home (no open redirect)."""
    device = confirmed_totp_device(therapist)
    _password_only(client, therapist)
    response = client.post(VERIFY, {"code": totp_code(device), "next": "https://evil.example/"})
    assert response.url == reverse("home")


def test_anonymous_visitors_go_to_login(client, db):
    """MFA pages need the password step first."""
    for path in (VERIFY, SETUP, reverse("mfa:settings")):
        assert client.get(path).url.startswith(reverse("login"))


# --- Recovery codes -----------------------------------------------------------------------
def test_recovery_codes_are_remade_only_after_a_fresh_code(therapist, client, no_throttle):
    """Making new codes asks for the app's code again; old codes stop working."""
    device = confirmed_totp_device(therapist)
    old = recovery_codes_regenerate(user=therapist)
    client.force_login(therapist)
    page = client.get(reverse("mfa:recovery_codes")).content.decode()
    assert 'data-testid="codes-left">10<' in page and old[0] not in page
    refused = client.post(reverse("mfa:recovery_codes"), {"code": _wrong_code(device)})
    assert "That code is not right" in refused.content.decode()
    assert set(StaticToken.objects.values_list("token", flat=True)) == _digests(old)
    made = client.post(reverse("mfa:recovery_codes"), {"code": totp_code(device)})
    new = re.findall(RECOVERY_CODE, made.content.decode())
    assert len(new) == 10
    assert set(StaticToken.objects.values_list("token", flat=True)) == _digests(new)
    assert StaticDevice.objects.filter(user=therapist).count() == 1


# --- Runners ------------------------------------------------------------------------------
def test_runner_is_not_forced(runner, client):
    """A runner without MFA signs in with the password alone."""
    response = _sign_in_with_form(client, runner)
    assert client.get(response.url, follow=True).redirect_chain[-1][0] == reverse("programs:home")
    page = client.get(reverse("mfa:settings")).content.decode()
    assert "Off." in page


def test_runner_enables_mfa_and_is_then_asked_at_login(runner, client, mailoutbox):
    """Turning it on from the settings page makes the next sign-in ask for the code."""
    client.force_login(runner)
    _prove_email(client, mailoutbox)
    page = client.get(SETUP).content.decode()
    secret = re.search(r'data-testid="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    phone_code = f"{totp(b32decode(secret)):06d}"  # what the runner's authenticator shows
    assert client.post(SETUP, {"code": phone_code}).status_code == 302
    device = AuthenticatorDevice.objects.get(user=runner, confirmed=True)
    assert "On." in client.get(reverse("mfa:settings")).content.decode()
    client.post(reverse("logout"))

    response = _sign_in_with_form(client, runner)
    assert client.get(response.url).url.startswith(VERIFY)
    assert client.get(reverse("programs:home")).url.startswith(VERIFY)
    response = client.post(VERIFY, {"code": totp_code(device)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("programs:home")


def test_runner_can_turn_mfa_off_with_a_code(runner, client, no_throttle):
    """Off needs a current code; then the devices and recovery codes are gone."""
    device = confirmed_totp_device(runner)
    recovery_codes_regenerate(user=runner)
    _password_only(client, runner)
    client.post(VERIFY, {"code": totp_code(device)})
    refused = client.post(reverse("mfa:disable"), {"code": _wrong_code(device)})
    assert "That code is not right" in refused.content.decode()
    assert AuthenticatorDevice.objects.filter(user=runner).exists()
    response = client.post(reverse("mfa:disable"), {"code": totp_code(device)})
    assert response.url == reverse("mfa:settings")
    assert not AuthenticatorDevice.objects.filter(user=runner).exists()
    assert not StaticDevice.objects.filter(user=runner).exists()
    assert client.get(reverse("programs:home")).status_code == 200


@pytest.mark.parametrize("role", STAFF)
def test_staff_cannot_turn_mfa_off(role, make_user, client):
    """The disable page does not exist for staff (404), and their device stays."""
    user = make_user(role)
    client.force_login(user)
    assert client.get(reverse("mfa:disable")).status_code == 404
    assert client.post(reverse("mfa:disable"), {"code": "123456"}).status_code == 404
    assert AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists()


# --- Password reset -----------------------------------------------------------------------
@pytest.mark.parametrize("who", ["therapist", "runner"])
def test_password_reset_does_not_skip_the_second_factor(who, request, db, client, mailoutbox):
    """Reset by the emailed link: not signed in afterwards, and the next sign-in asks the code."""
    user = request.getfixturevalue(who)
    device = confirmed_totp_device(user)
    client.post(reverse("password_reset"), {"email": user.email})
    assert len(mailoutbox) == 1
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mailoutbox[0].body).group(1)
    form_url = client.get(link).url  # Django swaps the token for a session marker
    new_password = "a-brand-new-long-password-42"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.url == reverse("password_reset_complete")
    assert "_auth_user_id" not in client.session
    user.refresh_from_db()
    assert user.check_password(new_password)

    response = _sign_in_with_form(client, user, new_password)
    assert response.status_code == 302
    assert client.get(response.url).url.startswith(VERIFY)
    assert DEVICE_ID_SESSION_KEY not in client.session
    response = client.post(VERIFY, {"code": totp_code(device)}, follow=True)
    assert response.status_code == 200 and client.session[DEVICE_ID_SESSION_KEY]


# --- API token exchange -------------------------------------------------------------------
def _token(client, user, **extra):
    body = {"username": user.username, "password": PASSWORD, **extra}
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_api_staff_with_mfa_must_send_a_code(therapist, client, no_throttle):
    """No code or a wrong code: the one 401 (naming `otp`); the app or a recovery code: a token."""
    device = confirmed_totp_device(therapist)
    missing = _token(client, therapist)
    assert missing.status_code == 401
    assert missing.json() == TOKEN_REFUSED and "otp" in missing.json()["detail"]
    wrong = _token(client, therapist, otp=_wrong_code(device))
    assert wrong.status_code == 401 and wrong.json() == TOKEN_REFUSED
    assert _token(client, therapist, otp=totp_code(device)).status_code == 201
    code = recovery_codes_regenerate(user=therapist)[0]
    assert _token(client, therapist, otp=code).status_code == 201
    assert _token(client, therapist, otp=code).status_code == 401  # used up


@pytest.mark.parametrize("role", STAFF)
def test_api_staff_without_mfa_get_no_token(role, make_user, client):
    """Staff who have not set up MFA cannot get a token by password: the one 401."""
    user = make_user(role)
    response = _token(client, user, otp="123456")
    assert response.status_code == 401
    assert response.json() == TOKEN_REFUSED
    assert not ApiToken.objects.filter(user=user).exists()


@pytest.mark.parametrize("who", OWES_THE_FACTOR)
def test_api_admin_accounts_need_the_factor_for_a_token(who, make_user, client):
    """Without a device: no token; with one: no token without the code, a token with it."""
    user = OWES_THE_FACTOR[who](make_user)
    refused = _token(client, user)
    assert refused.status_code == 401
    assert refused.json() == TOKEN_REFUSED
    device = confirmed_totp_device(user)
    assert _token(client, user).status_code == 401
    made = _token(client, user, otp=totp_code(device))
    assert made.status_code == 201
    assert ApiToken.objects.get(user=user).second_factor is True
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {made.json()['token']}")
    assert me.status_code == 200


@pytest.mark.parametrize("before", [Role.RUNNER, None], ids=["runner", "no-role"])
def test_api_token_made_before_promotion_stops_working(before, make_user, client):
    """A token made by password alone answers 401 (JSON error) once the account is therapist."""
    user = make_user(before)
    made = _token(client, user)
    assert made.status_code == 201
    auth = {"HTTP_AUTHORIZATION": f"Bearer {made.json()['token']}"}
    assert client.get("/api/v1/me", **auth).status_code == 200
    _promote(user)
    refused = client.get("/api/v1/me", **auth)
    assert refused.status_code == 401
    assert "two-step sign-in" in refused.json()["detail"] and refused.json()["errors"] == {}
    device = confirmed_totp_device(user)
    assert _token(client, user).status_code == 401
    fresh = _token(client, user, otp=totp_code(device)).json()["token"]
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {fresh}").status_code == 200


def test_api_token_made_with_a_code_ends_with_a_promotion(runner, client):
    """A role change revokes every token of the account, one made with the code too."""
    device = confirmed_totp_device(runner)
    token = _token(client, runner, otp=totp_code(device)).json()["token"]
    _promote(runner)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_api_token_made_before_the_admin_flag_stops_working(make_user, client):
    """Made `is_staff` (no role): the password-only token is refused."""
    user = make_user(None)
    token = _token(client, user).json()["token"]
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_api_runner_with_mfa_must_send_a_code(runner, client):
    """A runner who turned MFA on is asked for the code like staff."""
    device = confirmed_totp_device(runner)
    assert _token(client, runner).status_code == 401
    assert _token(client, runner, otp=totp_code(device)).status_code == 201


def _wrong_code(device) -> str:
    """A six-digit code the device does not accept now (none within its tolerance)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = time.time()
    right = set()
    for offset in range(-device.tolerance - 1, device.tolerance + 2):
        totp.time = now + offset * device.step
        right.add(f"{totp.token():06d}")
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in right)
