"""Issue 15: a runner with groin pain in runs and missed periods is told to call today."""

import pytest
from playwright.sync_api import expect

from assessments.models import Screening
from dangpt.roles import Role
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_groin_pain_in_runs_and_missed_periods_calls_today_and_flags_same_day(
    live_server, phone_page, page, transactional_db, make_user, runner
):
    """The runner is told to call today and not run; the therapist sees the same-day flag first."""
    therapist = make_user(Role.THERAPIST)
    base = live_server.url

    # The runner, on a phone.
    sign_in(phone_page, base, runner)
    phone_page.goto(f"{base}/me/questionnaire/")
    phone_page.get_by_label("Groin or front of the hip").check()
    # At the groin the gentle self-press is asked now (issue 15 #8); the runner is not sure.
    self_check = phone_page.get_by_role("group", name="Self-check")
    expect(self_check).to_be_visible()
    self_check.get_by_label("Not sure").check()
    phone_page.get_by_role("group", name="Which side?").get_by_label("Left").check()
    phone_page.get_by_label("Gradually, over days or weeks").check()
    phone_page.get_by_label("How bad is the pain right now?").fill("2")
    phone_page.get_by_label("How bad was the pain at its worst in the last 24 hours?").fill("4")
    phone_page.get_by_label("How bad was the pain during or after your last run?").fill("5")
    phone_page.get_by_label("During the whole run").check()
    phone_page.get_by_role(
        "group", name="Have you gone 3 months or more in a row without a period?"
    ).get_by_label("Yes").check()
    phone_page.get_by_role("button", name="Send to my therapist").click()

    expect(phone_page.get_by_role("heading", name="Thank you")).to_be_visible()
    call_today = phone_page.locator("[data-call-today]")
    expect(call_today).to_be_visible()
    expect(call_today).to_contain_text("Please call the clinic today")
    expect(call_today).to_contain_text("Do not run, hop or jump until you have been seen.")
    expect(phone_page.get_by_text("femoral", exact=False)).to_have_count(0)
    expect(phone_page.get_by_text("stress", exact=False)).to_have_count(0)
    screening = Screening.objects.get()
    assert screening.urgency == "same_day"

    # The therapist, on a desktop: the list marks it same day, the review shows that flag first.
    sign_in(page, base, therapist)
    page.get_by_role("button", name="Clinical").click()
    page.get_by_role("link", name="Screenings").click()
    row = page.get_by_role("link", name=str(runner.patient))
    expect(row).to_contain_text("Same day")
    row.click()
    expect(page.get_by_role("heading", name=f"Screen {runner.patient}")).to_be_visible()
    first_flag = page.locator("[data-red-flag]").first
    expect(first_flag).to_be_visible()
    expect(first_flag).to_have_attribute("data-red-flag", "suspected_femoral_neck_bsi")
    expect(first_flag).to_contain_text("Same day")
    expect(page.locator('[data-red-flag="reds_missed_periods"]')).to_contain_text("Prompt")
