"""Two-step sign-in (TOTP plus recovery codes): who needs it, the page gate, and code checks.

Every account that can reach staff pages or `/admin/` (a staff role, `is_staff` or `is_superuser`)
must use it while `MFA_REQUIRED` is on; runners may turn it on and are then asked for it like staff.
A session counts as verified once `django_otp.login` has stored the device that accepted a code
(OTPMiddleware then sets `request.user.otp_device`).
"""

import logging
import math
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from dangpt.mfa.crypto import new_recovery_code, recovery_code_digest
from dangpt.mfa.models import AuthenticatorDevice
from dangpt.roles import reaches_staff_pages

logger = logging.getLogger(__name__)

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
WRONG_CODE = (
    "That code is not right. Check the app's current code (or the recovery code) and try again."
)


# --- Who needs a second factor ------------------------------------------------------------
def mfa_enforced(user) -> bool:
    """Staff roles, `is_staff` and superusers must use two-step sign-in while MFA_REQUIRED is on."""
    if not settings.MFA_REQUIRED or not getattr(user, "is_authenticated", False):
        return False
    if not user.is_active:
        return False
    return reaches_staff_pages(user)


def confirmed_totp(user) -> AuthenticatorDevice | None:
    """The user's confirmed authenticator-app device, if any."""
    return AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the user has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def second_factor_step(user) -> str | None:
    """`"setup"` or `"verify"` when this signed-in, unverified user must pass MFA; else None."""
    if not user.is_authenticated or user.is_verified():
        return None
    has_totp = getattr(user, "has_confirmed_totp", None)  # loaded with the user, see auth_backend
    if has_totp is None:
        has_totp = confirmed_totp(user) is not None
    if has_totp:
        return "verify"
    return "setup" if mfa_enforced(user) else None


# --- The gate -----------------------------------------------------------------------------
class MfaRequiredMiddleware:
    """Send a signed-in user who still owes the second factor to set-up or verify.

    Only the set-up and verify pages, logout, static files, /healthz and the token-authenticated
    API (which has its own rule at POST /api/v1/auth/token) are reachable before that.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    @cached_property
    def exempt_paths(self) -> tuple[str, ...]:
        return (reverse("mfa:setup"), reverse("mfa:verify"), reverse("logout"))

    @cached_property
    def exempt_prefixes(self) -> tuple[str, ...]:
        return ("/api/", "/healthz", settings.STATIC_URL)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path in self.exempt_paths or request.path_info.startswith(self.exempt_prefixes):
            return self.get_response(request)
        step = second_factor_step(request.user)
        if step is None:
            return self.get_response(request)
        return _send_to(request, f"mfa:{step}")


def _send_to(request: HttpRequest, name: str) -> HttpResponse:
    url = reverse(name)
    if request.method == "GET":
        url = f"{url}?{urlencode({'next': request.get_full_path()})}"
    if request.headers.get("HX-Request"):
        # htmx would swap the whole page into a fragment; ask it to navigate instead.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


# --- Checking a code ----------------------------------------------------------------------
@dataclass(frozen=True)
class CodeCheck:
    """The device that accepted a code, or the message to show."""

    device: Device | None
    error: str = ""


def normalise_code(raw: str) -> str:
    """Codes are typed with spaces or dashes on phones; recovery codes are case-insensitive."""
    return "".join(raw.split()).replace("-", "").lower()


def check_code(user, raw: str, *, allow_recovery: bool = True) -> CodeCheck:
    """Check a 6-digit app code, or a recovery code (used up on success), with throttling."""
    code = normalise_code(raw)
    if code.isdigit() and len(code) == 6:
        devices = AuthenticatorDevice.objects.filter(user=user, confirmed=True)
    elif allow_recovery and code:
        devices = StaticDevice.objects.filter(user=user, confirmed=True)
        code = recovery_code_digest(code)  # only digests are stored
    else:
        return CodeCheck(None, "Enter the 6-digit code from your authenticator app.")
    return _check_against(devices, code)


def check_setup_code(device: AuthenticatorDevice, raw: str) -> CodeCheck:
    """Check the first code from a device that is being set up."""
    code = normalise_code(raw)
    if not (code.isdigit() and len(code) == 6):
        return CodeCheck(None, "Enter the 6-digit code from your authenticator app.")
    return _check_against(AuthenticatorDevice.objects.filter(pk=device.pk), code)


def _check_against(devices, code: str) -> CodeCheck:
    with transaction.atomic():
        device = devices.select_for_update().first()
        if device is None:
            return CodeCheck(None, WRONG_CODE)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(None, _throttled_message(info or {}))
        if device.verify_token(code):
            logger.info("MFA code accepted user=%s device=%s", device.user_id, device.persistent_id)
            return CodeCheck(device)
    logger.warning("MFA code refused user=%s device=%s", device.user_id, device.persistent_id)
    return CodeCheck(None, WRONG_CODE)


def _throttled_message(info: dict) -> str:
    until = info.get("locked_until")
    seconds = max(1, math.ceil((until - timezone.now()).total_seconds())) if until else 1
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes. Wait {seconds} {unit} and try again with a fresh code."


@dataclass(frozen=True)
class TokenExchange:
    """What `POST /api/v1/auth/token` may do: the refusal to send, or whether a code was checked."""

    refusal: str | None
    second_factor: bool = False


def token_exchange_check(user, otp: str) -> TokenExchange:
    """Check a token request's code: needed by anyone who owes or has set up a second factor."""
    if confirmed_totp(user) is None:
        if mfa_enforced(user):
            return TokenExchange(
                "Two-step sign-in (MFA) is required for staff accounts. Set it up by signing in "
                "to the web app, then ask for a token with the current code in `otp`."
            )
        return TokenExchange(None)
    if not otp.strip():
        return TokenExchange(
            "This account uses two-step sign-in: send the current 6-digit code from the "
            "authenticator app (or a recovery code) in the `otp` field."
        )
    check = check_code(user, otp)
    if check.device is None:
        return TokenExchange(check.error)
    return TokenExchange(None, second_factor=True)


def token_refusal(token) -> str | None:
    """Why an API token may not act now: made without a second factor the account now owes."""
    if token.second_factor or not mfa_enforced(token.user):
        return None
    return (
        "This token was made without two-step sign-in, which this account now requires. "
        "Ask for a new token with the current code in `otp`."
    )


# --- Writes -------------------------------------------------------------------------------
@transaction.atomic
def mfa_setup_start(*, user, key: str) -> AuthenticatorDevice:
    """Store the device being set up with the secret the page showed (on the first code)."""
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        return AuthenticatorDevice.objects.create(
            user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=False
        )
    if device.key != key:
        device.key = key
        device.save(update_fields=["key"])
    return device


def pending_setup_device(*, user, key: str) -> AuthenticatorDevice:
    """An unsaved device for showing a secret: looking at the set-up page writes nothing."""
    return AuthenticatorDevice(user=user, name=TOTP_DEVICE_NAME, key=key, confirmed=False)


@transaction.atomic
def mfa_setup_confirm(*, device: AuthenticatorDevice) -> list[str]:
    """Confirm a device whose first code was accepted; returns fresh recovery codes."""
    AuthenticatorDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return recovery_codes_regenerate(user=device.user)


@transaction.atomic
def recovery_codes_regenerate(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones (shown once)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=recovery_code_digest(normalise_code(code)))
        for code in codes
    )
    return codes


@transaction.atomic
def mfa_disable(*, user) -> None:
    """Remove the user's authenticator app and recovery codes (runners only; checked by views)."""
    AuthenticatorDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def forget_verification(request: HttpRequest) -> None:
    """Drop the session's verified device (after the devices were removed)."""
    request.session.pop(DEVICE_ID_SESSION_KEY, None)
    request.user.otp_device = None
