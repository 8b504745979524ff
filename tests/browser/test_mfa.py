"""A therapist's first sign-in in Chromium: set up the authenticator app, then land on their day."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from dangpt.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


def test_therapist_sets_up_mfa_at_first_sign_in(
    live_server, phone_page, transactional_db, make_user, mailoutbox
):
    """Password, the code emailed to them, then set-up: the key, the app's code, save the codes."""
    therapist = make_user(Role.THERAPIST)
    page = phone_page
    base = live_server.url
    refused: list[str] = []
    page.on(
        "console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None
    )
    page.goto(f"{base}/therapist/day/")
    page.get_by_label("Username").fill(therapist.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url("**/accounts/mfa/setup/**")
    expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
    page.get_by_role("button", name="Email me a code").click()
    expect(page.get_by_text("We sent a code to")).to_be_visible()
    emailed = re.search(r"\b(\d{8})\b", mailoutbox[-1].body).group(1)
    page.get_by_label("8-digit code from the email").fill(emailed)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("svg.mfa-qr")).to_be_visible()
    secret = page.get_by_test_id("totp-secret").inner_text().replace(" ", "")
    code = f"{TOTP(b32decode(secret)).token():06d}"
    field = page.get_by_label("6-digit code from your authenticator app")
    expect(field).to_have_attribute("autocomplete", "one-time-code")
    expect(field).to_have_attribute("inputmode", "numeric")
    field.fill(code)
    field.press("Enter")  # keyboard only

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="I have saved them — continue").click()
    page.wait_for_url(f"{base}/therapist/day/")
    assert therapist.authenticatordevice_set.get().confirmed
    assert refused == []  # the QR code and pages need nothing inline
