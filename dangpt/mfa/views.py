"""Pages of two-step sign-in: set-up, verify, recovery codes, settings and (for runners) disable."""

from base64 import b32encode

import segno
from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.util import random_hex

from dangpt.mfa import enrolment
from dangpt.mfa import factors as mfa

NEW_CODES_SESSION_KEY = "mfa_new_recovery_codes"
PENDING_KEY_SESSION_KEY = "mfa_pending_key"


class AppCodeForm(forms.Form):
    code = forms.CharField(
        label="6-digit code from your authenticator app",
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autofocus": True,
                "spellcheck": "false",
            }
        ),
    )


class EmailCodeForm(forms.Form):
    email_code = forms.CharField(
        label="8-digit code from the email",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )


class RecoveryCodeForm(forms.Form):
    recovery_code = forms.CharField(
        label="Recovery code",
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


def _next_url(request: HttpRequest) -> str:
    """The page the person was on their way to, if it is one of ours; else their home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


def _with_next(name: str, request: HttpRequest) -> str:
    return f"{reverse(name)}?{urlencode({'next': _next_url(request)})}"


def _mark_verified(request: HttpRequest, device) -> None:
    """A new session key on privilege change, then django-otp's verified-device marker."""
    request.session.cycle_key()
    otp_login(request, device)


def _qr_svg(uri: str) -> str:
    return segno.make(uri, error="m").svg_inline(
        border=2, omitsize=True, title="QR code for your authenticator app", svgclass="mfa-qr"
    )


def _grouped_secret(device) -> str:
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Show a new authenticator secret (QR and text) and turn it on with its first code."""
    if mfa.confirmed_totp(request.user) is not None:
        if request.user.is_verified():
            messages.info(request, "Two-step sign-in is already on.")
            return redirect("mfa:settings")
        return redirect(_with_next("mfa:verify", request))
    if not enrolment.enrolment_proven(request.session, request.user):
        return _email_step(request)
    # The secret lives in the session until the first code confirms it: a GET stores nothing.
    key = request.session.setdefault(PENDING_KEY_SESSION_KEY, random_hex(20))
    device = mfa.pending_setup_device(user=request.user, key=key)
    form = AppCodeForm(request.POST or None)
    if form.is_valid():
        device = mfa.mfa_setup_start(user=request.user, key=key)
        check = mfa.check_setup_code(device, form.cleaned_data["code"])
        if check.device is None:
            form.add_error("code", check.error)
        else:
            codes = mfa.mfa_setup_confirm(device=check.device)
            request.session.pop(PENDING_KEY_SESSION_KEY, None)
            enrolment.enrolment_done(request.session)
            _mark_verified(request, check.device)
            request.session[NEW_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-step sign-in is on.")
            return redirect(_with_next("mfa:recovery_codes", request))
    context = {
        "form": form,
        "qr_svg": _qr_svg(device.config_url),
        "secret": _grouped_secret(device),
        "next": _next_url(request),
        "enforced": mfa.mfa_enforced(request.user),
    }
    return render(request, "registration/mfa_setup.html", context)


def _email_step(request: HttpRequest) -> HttpResponse:
    """Before any secret is shown: send a code to the account's email and take it back."""
    user = request.user
    if request.method == "POST" and "send" in request.POST:
        outcome = enrolment.enrolment_code_send(request.session, user)
        (messages.success if outcome.ok else messages.error)(request, outcome.message)
        return redirect(_with_next("mfa:setup", request))
    form = EmailCodeForm(request.POST if "email_code" in request.POST else None)
    if form.is_valid():
        outcome = enrolment.enrolment_code_check(
            request.session, user, form.cleaned_data["email_code"]
        )
        if outcome.ok:
            messages.success(request, outcome.message)
            return redirect(_with_next("mfa:setup", request))
        form.add_error("email_code", outcome.message)
    context = {
        "form": form,
        "email": enrolment.masked_email(user.email) if user.email else "",
        "sent": enrolment.CODE_SESSION_KEY in request.session,
        "next": _next_url(request),
        "enforced": mfa.mfa_enforced(user),
    }
    return render(request, "registration/mfa_setup_email.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """Ask for the app's code (or a recovery code) before the rest of the app opens."""
    step = mfa.second_factor_step(request.user)
    if step == "setup":
        return redirect(_with_next("mfa:setup", request))
    if step is None:
        return redirect(_next_url(request))
    use_recovery = "recovery_code" in request.POST
    app_form = AppCodeForm(None if use_recovery else (request.POST or None))
    recovery_form = RecoveryCodeForm(request.POST if use_recovery else None)
    form = recovery_form if use_recovery else app_form
    if request.method == "POST" and form.is_valid():
        field = "recovery_code" if use_recovery else "code"
        check = mfa.check_code(request.user, form.cleaned_data[field], allow_recovery=use_recovery)
        if check.device is not None:
            _mark_verified(request, check.device)
            if use_recovery:
                left = mfa.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; it cannot be used again. "
                    f"{left} left — make new ones under Two-step sign-in.",
                )
            return redirect(_next_url(request))
        form.add_error(field, check.error)
    context = {
        "form": app_form,
        "recovery_form": recovery_form,
        "use_recovery": use_recovery,
        "next": _next_url(request),
    }
    return render(request, "registration/mfa_verify.html", context)


@never_cache
@require_http_methods(["GET"])
def mfa_settings(request: HttpRequest) -> HttpResponse:
    """Whether two-step sign-in is on, and what the person can do about it."""
    enabled = mfa.confirmed_totp(request.user) is not None
    context = {
        "enabled": enabled,
        "enforced": mfa.mfa_enforced(request.user),
        "codes_left": mfa.recovery_codes_left(request.user) if enabled else 0,
    }
    return render(request, "registration/mfa_settings.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    """New codes are shown once; making new ones asks for the app's current code again."""
    if mfa.confirmed_totp(request.user) is None:
        return redirect("mfa:settings")
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    form = AppCodeForm(request.POST or None)
    if codes is None and form.is_valid():
        check = mfa.check_code(request.user, form.cleaned_data["code"], allow_recovery=False)
        if check.device is None:
            form.add_error("code", check.error)
        else:
            codes = mfa.recovery_codes_regenerate(user=request.user)
            messages.success(request, "New recovery codes made; the old ones no longer work.")
    context = {
        "codes": codes,
        "form": form,
        "codes_left": mfa.recovery_codes_left(request.user),
        "next": _next_url(request),
    }
    return render(request, "registration/mfa_recovery_codes.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def mfa_disable(request: HttpRequest) -> HttpResponse:
    """A runner turns two-step sign-in off after entering a current code; staff cannot."""
    if mfa.mfa_enforced(request.user):
        raise Http404
    if mfa.confirmed_totp(request.user) is None:
        return redirect("mfa:settings")
    form = AppCodeForm(request.POST or None)
    if form.is_valid():
        check = mfa.check_code(request.user, form.cleaned_data["code"], allow_recovery=False)
        if check.device is None:
            form.add_error("code", check.error)
        else:
            mfa.mfa_disable(user=request.user)
            mfa.forget_verification(request)
            messages.success(request, "Two-step sign-in is off.")
            return redirect("mfa:settings")
    return render(request, "registration/mfa_disable.html", {"form": form})
