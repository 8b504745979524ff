"""Playwright driving Debian's Chromium against pytest-django's live server."""

import os

import pytest
from playwright.sync_api import sync_playwright

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]

# Playwright's sync API runs an event loop in this thread; the tests' ORM calls are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser):
    """A phone-sized page."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def smtp(smtp, settings, live_server):
    """tests/conftest.py's SMTP sink, with the links in the mail pointing at the live server."""
    settings.SITE_URL = live_server.url
    return smtp


def sign_in(page, base_url: str, user, password: str = PASSWORD) -> None:
    """Sign in through the login page; staff then type their authenticator code on the verify page.

    `user` is a user or a username (demo accounts). A staff user gets a confirmed TOTP device
    first, as if they had set up MFA before.
    """
    from django.contrib.auth import get_user_model

    from dangpt.mfa.models import AuthenticatorDevice
    from tests.conftest import confirmed_totp_device, is_staff_user, totp_code

    if isinstance(user, str):
        user = get_user_model().objects.get(username=user)
    if is_staff_user(user):
        confirmed_totp_device(user)
    device = AuthenticatorDevice.objects.filter(user=user, confirmed=True).first()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    if device is None:
        return
    page.wait_for_url("**/accounts/mfa/verify/**")
    page.get_by_label("6-digit code from your authenticator app").fill(totp_code(device))
    page.get_by_role("button", name="Verify").click()
    page.wait_for_url(lambda url: "/accounts/mfa/" not in url)
