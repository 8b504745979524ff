"""A runner fills the questionnaire; the therapist screens it and acknowledges a red flag."""

import pytest
from playwright.sync_api import expect

from assessments.models import Screening, ScreeningStatus
from dangpt.roles import Role
from tests.browser.conftest import sign_in as sign_in_with_mfa

pytestmark = pytest.mark.browser


def sign_in(page, base_url, user):
    """Sign in through the login page (and the verify page for staff)."""
    sign_in_with_mfa(page, base_url, user)
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_questionnaire_to_acknowledged_red_flag(
    live_server, phone_page, page, transactional_db, make_user, runner
):
    """The full flow: runner questionnaire, therapist review with exam findings, acknowledgement."""
    therapist = make_user(Role.THERAPIST)
    base = live_server.url

    # The runner, on a phone.
    sign_in(phone_page, base, runner)
    phone_page.get_by_role("button", name="Toggle navigation").click()
    phone_page.get_by_role("link", name="Questionnaires").click()
    phone_page.get_by_role("link", name="Symptom questionnaire").click()
    self_check = phone_page.get_by_role("group", name="Self-check")
    expect(self_check).to_be_visible()
    # Where one cannot press one's own bone (pubic bone, sacrum) the self-check is hidden.
    phone_page.get_by_label("Pubic bone, low at the front between the legs").check()
    expect(self_check).to_be_hidden()
    expect(phone_page.get_by_text("No self-check needed")).to_be_visible()
    phone_page.get_by_label("Pubic bone, low at the front between the legs").uncheck()
    expect(self_check).to_be_visible()
    # Knee-only questions appear only for the knee.
    knee_question = phone_page.get_by_text("Does the knee lock, catch or give way")
    expect(knee_question).to_be_hidden()
    phone_page.get_by_label("Calf muscle").check()
    phone_page.get_by_role("group", name="Which side?").get_by_label("Right").check()
    phone_page.get_by_label("Gradually, over days or weeks").check()
    phone_page.get_by_label("How bad is the pain right now?").fill("4")
    phone_page.get_by_label("How bad was the pain at its worst in the last 24 hours?").fill("6")
    phone_page.get_by_label("How bad was the pain during or after your last run?").fill("5")
    phone_page.get_by_role("group", name="Is your calf swollen, warm or red?").get_by_label(
        "Yes"
    ).check()
    phone_page.get_by_role("button", name="Send to my therapist").click()
    expect(phone_page.get_by_role("heading", name="Thank you")).to_be_visible()
    screening = Screening.objects.get()
    assert screening.status == ScreeningStatus.DRAFT
    assert screening.answers["calf_swelling_warmth"] is True
    assert "locking_or_giving_way" not in screening.answers

    # The therapist, on a desktop.
    sign_in(page, base, therapist)
    page.get_by_role("button", name="Clinical").click()
    page.get_by_role("link", name="Screenings").click()
    page.get_by_role("link", name=str(runner.patient)).click()
    expect(page.get_by_role("heading", name=f"Screen {runner.patient}")).to_be_visible()
    expect(page.get_by_label("Calf muscle")).to_be_checked()
    exam = page.get_by_role("group", name="Pain on single-leg hop")
    exam.get_by_label("Negative").check()
    page.get_by_role("button", name="Screen and mark reviewed").click()

    # The result: red flags first, ranked patterns, then the acknowledgement.
    expect(page.get_by_role("heading", name="Red flags: consider referral")).to_be_visible()
    expect(page.locator('[data-red-flag="suspected_dvt"]')).to_contain_text("Same day")
    expect(page.locator("[data-condition]")).to_have_count(6)
    page.get_by_label("What was done").fill("Sent to urgent care for a scan today.")
    page.get_by_role("button", name="Acknowledge red flags").click()
    expect(page.get_by_text("Red flags acknowledged.")).to_be_visible()
    expect(page.locator("[data-acknowledged]")).to_contain_text("Sent to urgent care")

    screening.refresh_from_db()
    assert screening.status == ScreeningStatus.REVIEWED
    assert screening.answers["exam"] == {"hop_pain": False}
    assert screening.acknowledged_by == therapist
