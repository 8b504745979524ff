"""A runner signs in through Chromium and sees their home."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.browser


def test_runner1_signs_in_and_sees_the_runner_home(live_server, phone_page, transactional_db):
    call_command("seed_demo", "--password", "browser-demo-password")
    page = phone_page
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Username").fill("runner1")
    page.get_by_label("Password").fill("browser-demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.get_by_role("heading", name="Hi Riley").is_visible()
    assert page.get_by_role("heading", name="Today's exercises").is_visible()


def test_wrong_password_stays_on_login(live_server, page, transactional_db):
    call_command("seed_demo", "--password", "browser-demo-password")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("runner1")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_text("correct username and password").is_visible()
