"""runner1 on a phone: checks off today's exercises, logs a spiking run, sees progress update."""

import json
import re

import pytest
from django.core.management import call_command

from patients.models import Patient

pytestmark = pytest.mark.browser

PASSWORD = "browser-demo-password"


def _adherence(page) -> int:
    text = page.locator("[data-adherence] strong").inner_text()
    return int(text.rstrip("%"))


def _this_week_km(page) -> float:
    text = page.locator("[data-this-week]").inner_text()
    return float(re.search(r"([\d.]+) km", text).group(1))


def test_runner_checks_off_exercises_and_logs_a_spiking_run(
    live_server, phone_page, transactional_db
):
    """Check-off with pain scores raises adherence; a 12 km run warns and updates the chart."""
    call_command("seed_demo", "--password", PASSWORD)
    # This runner reads kilometres (the Spanish walk-through covers miles).
    Patient.objects.filter(user__username="runner1").update(distance_unit="km")
    page = phone_page
    page.goto(f"{live_server.url}/")
    page.get_by_label("Username").fill("runner1")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.get_by_role("heading", name="Today's exercises").is_visible()
    before = _adherence(page)

    cards = page.locator("article.exercise-card")
    count = cards.count()
    assert count >= 3
    page.get_by_label("I did the whole session").check()
    for index in range(count):
        card = cards.nth(index)
        assert card.locator("input[data-done]").is_checked()
        assert card.locator("img.exercise-illustration").is_visible()
        name = card.locator("h3").inner_text()
        card.get_by_label(f"Pain during, {name}").select_option("2")
        card.get_by_label(f"Pain after, {name}").select_option("1")
        card.get_by_label(f"How hard, {name}").select_option("ok")
    page.get_by_role("button", name="Save session").click()
    page.wait_for_url(f"{live_server.url}/me/")
    assert page.get_by_text("Session saved").is_visible()
    assert page.get_by_text("Today's session is done.").is_visible()
    assert _adherence(page) > before

    page.get_by_role("link", name="Log a run").click()
    page.wait_for_url(f"{live_server.url}/me/runs/")
    assert page.locator("#volume-chart[data-rendered]").count() == 1
    km_before = _this_week_km(page)
    page.get_by_label("Distance (km)").fill("12")
    page.get_by_label("Duration (minutes)").fill("70")
    page.get_by_label("Effort (1–10)").select_option("6")
    page.get_by_label("Pain during").select_option("1")
    page.get_by_role("button", name="Save run").click()
    page.wait_for_url(f"{live_server.url}/me/runs/")
    warning = page.get_by_role("alert").filter(has_text="as long as your longest run")
    assert warning.is_visible()
    assert "about 1.5 times" in warning.inner_text()
    assert _this_week_km(page) == pytest.approx(km_before + 12)
    page.locator("#volume-chart[data-rendered]").wait_for(state="attached")
    data = json.loads(page.locator("#volume-data").text_content())
    assert data["km"][-1] == pytest.approx(km_before + 12)
