"""The runner's pages work under the Content-Security-Policy: Chromium reports no violation."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser

RUNNER_PAGES = [
    "/me/",
    "/me/runs/",
    "/me/calendar/",
    "/me/program/print/",
    "/me/questionnaire/",
    "/me/measures/",
    "/me/reminders/",
    "/api/v1/docs",
]


def test_runner_pages_raise_no_csp_violation(live_server, phone_page, transactional_db):
    """Every page loads its scripts and styles from our own origin, nothing inline."""
    call_command("seed_demo", "--password", "browser-demo-password")
    page = phone_page
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text)
            if "Content Security Policy" in message.text or "Refused to" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("runner1")
    page.get_by_label("Password").fill("browser-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/me/")
    for path in RUNNER_PAGES:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert "Content-Security-Policy" in response.headers or "content-security-policy" in (
            response.headers
        ), path
        page.wait_for_load_state("networkidle")
    assert violations == [], "\n".join(violations)
