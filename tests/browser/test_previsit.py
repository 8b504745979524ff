"""A new runner, on a phone, from the invitation email to a finished pre-visit checklist; the
therapist's day then shows the visit as ready, with the screening one click away."""

import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dangpt.roles import Role
from patients import services
from patients.models import Consent, RunningProfile, VisitKind
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic

pytestmark = pytest.mark.browser
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".data" / "screenshots"
PASSWORD = "a-long-and-new-password-2026"


def _shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _start(page, item: str):
    """The checklist's "Start" link of an item (its accessible name names the item)."""
    return page.get_by_role("link", name=re.compile(rf"^Start\W+{item}$"))


def _invitation_link(sink) -> str:
    body = sink.messages[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/invite/\S+/", body).group(0)


@pytest.mark.usefixtures("celery_eager")
def test_runner_finishes_the_checklist_and_the_therapist_sees_it(
    live_server, phone_page, page, transactional_db, make_user, smtp, settings
):
    """Set a password, fill about you, running in miles, consents, the questionnaire: all done;
    the therapist's day shows "Ready" and the screening badge, which opens the screening."""
    settings.SITE_URL = live_server.url
    clinic = build_clinic(make_user)
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    desk = make_user(Role.FRONT_DESK)
    patient = PatientFactory(
        first_name="Ana",
        last_name="Ruiz",
        email="ana.ruiz@example.test",
        preferred_location=clinic.location,
    )
    start = at(clinic.monday, 15)  # 3:00 PM in Los Angeles
    services.appointment_book(
        patient=patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=start,
        by=desk,
    )
    services.runner_invitation_send(patient=patient, by=desk)
    assert smtp.messages, "the invitation email reached the SMTP server"

    runner = phone_page
    runner.goto(_invitation_link(smtp))
    runner.locator("#id_new_password1").fill(PASSWORD)
    runner.locator("#id_new_password2").fill(PASSWORD)
    runner.get_by_role("button", name="Set password and sign in").click()
    runner.wait_for_url("**/me/before-your-visit/")
    expect(runner.get_by_role("heading", name="Before your visit")).to_be_visible()
    expect(runner.locator("[data-progress]")).to_have_text("0 of 4 done")
    expect(runner.locator("[data-first-visit]")).to_contain_text("at 3:00 PM")
    _shoot(runner, "previsit-checklist-start-phone.png")

    # About you.
    _start(runner, "About you").click()
    runner.locator("#id_phone").fill("213 555 0142")
    runner.get_by_label("Home address").fill("1 Sunset Blvd, Los Angeles, CA 90026")
    runner.get_by_label("Emergency contact's name").fill("Luis Ruiz")
    runner.get_by_label("Emergency contact's phone").fill("(213) 555-0143")
    runner.get_by_role("button", name="Save").click()
    expect(runner.locator("[data-progress]")).to_have_text("1 of 4 done")

    # Your running, in miles.
    _start(runner, "Your running").click()
    runner.get_by_label("Runs per week").fill("4")
    runner.get_by_label("Miles per week").fill("20")
    runner.get_by_label("Longest run in the last 30 days (miles)").fill("8")
    runner.get_by_label("Road").check()
    _shoot(runner, "previsit-running-phone.png")
    runner.get_by_role("button", name="Save").click()
    expect(runner.locator("[data-progress]")).to_have_text("2 of 4 done")
    assert RunningProfile.objects.get(patient=patient).weekly_km == Decimal("32.2")

    # Consents: each signed with the typed name.
    _start(runner, "Consents").click()
    for kind in ("treatment", "privacy", "communications"):
        section = runner.locator(f'[data-consent="{kind}"]')
        section.get_by_label("Type your full name to sign").fill("Ana Ruiz")
        section.get_by_label("I have read this text and I agree").check()
        section.get_by_role("button", name="Sign").click()
        expect(runner.locator(f'[data-consent="{kind}"] [data-signed]')).to_be_visible()
    expect(runner.locator('[data-consent="treatment"] [data-signed]')).to_contain_text(
        "You signed “Consent to treatment” version 2026-01 on"
    )
    _shoot(runner, "previsit-consents-signed-phone.png")
    assert Consent.objects.filter(patient=patient, method="electronic").count() == 3
    runner.get_by_role("link", name="Back to the checklist").click()
    expect(runner.locator("[data-progress]")).to_have_text("3 of 4 done")

    # The symptom questionnaire, its minimum answers.
    _start(runner, "Symptom questionnaire").click()
    runner.get_by_label("Calf muscle").check()
    runner.get_by_role("group", name="Which side?").get_by_label("Right").check()
    runner.get_by_label("Gradually, over days or weeks").check()
    runner.get_by_label("How bad is the pain right now?").fill("4")
    runner.get_by_label("How bad was the pain at its worst in the last 24 hours?").fill("6")
    runner.get_by_label("How bad was the pain during or after your last run?").fill("5")
    runner.get_by_role("group", name="Is your calf swollen, warm or red?").get_by_label(
        "Yes"
    ).check()
    runner.get_by_role("button", name="Send to my therapist").click()
    expect(runner.get_by_role("heading", name="Thank you")).to_be_visible()

    runner.goto(f"{live_server.url}/me/before-your-visit/")
    expect(runner.locator("[data-progress]")).to_have_text("4 of 4 done")
    expect(runner.locator("[data-all-done]")).to_be_visible()
    _shoot(runner, "previsit-checklist-done-phone.png")
    page.set_viewport_size({"width": 1280, "height": 900})

    # The therapist's day.
    sign_in(page, live_server.url, clinic.therapist)
    page.goto(f"{live_server.url}/therapist/day/?date={clinic.monday.isoformat()}")
    row = page.locator("li", has_text="Ana Ruiz")
    expect(row.locator('[data-intake="ready"]')).to_have_text("Ready")
    badge = row.locator("[data-screening]")
    expect(badge).to_contain_text("Screening suggests referral — red flag")
    _shoot(page, "previsit-therapist-day-desktop.png")
    badge.click()
    page.wait_for_url("**/screenings/*/")
    expect(page.get_by_text("Ana Ruiz").first).to_be_visible()


def test_checklist_pages_read_well_on_a_desktop(
    live_server, page, transactional_db, make_user, smtp
):
    """The consents and the checklist at 1280 wide (screenshots to look at)."""
    user = make_user(Role.RUNNER, first_name="Ana", last_name="Ruiz")
    PatientFactory(user=user, first_name="Ana", last_name="Ruiz")
    sign_in(page, live_server.url, user)
    page.goto(f"{live_server.url}/me/before-your-visit/")
    expect(page.locator("[data-progress]")).to_have_text("0 of 4 done")
    _shoot(page, "previsit-checklist-desktop.png")
    page.goto(f"{live_server.url}/me/before-your-visit/consents/")
    section = page.locator('[data-consent="privacy"]')
    section.get_by_label("Type your full name to sign").fill("Ana Ruiz")
    section.get_by_label("I have read this text and I agree").check()
    section.get_by_role("button", name="Sign").click()
    expect(page.locator('[data-consent="privacy"] [data-signed]')).to_be_visible()
    _shoot(page, "previsit-consents-desktop.png")
    page.goto(f"{live_server.url}/me/before-your-visit/about-you/")
    _shoot(page, "previsit-about-desktop.png")
