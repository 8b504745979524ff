"""Issue 17 end to end, on a phone: a new runner books on /book/, confirms from the email, sets
a password, fills intake, consents and the questionnaire; the therapist's day then shows the
visit with the screening result."""

import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from patients.models import Appointment, VisitKind
from tests.browser.conftest import sign_in
from tests.patients.conftest import build_clinic
from tests.smtp import plain_text

pytestmark = pytest.mark.browser
PASSWORD = "a-long-and-new-password-2026"


def _start(page, item: str):
    return page.get_by_role("link", name=re.compile(rf"^Start\W+{item}$"))


@pytest.mark.usefixtures("celery_eager")
def test_new_runner_books_online_prepares_and_the_therapist_sees_it(
    live_server, phone_page, page, smtp, transactional_db, make_user
):
    """From /book/ to the therapist's day, as the runner and the therapist would click it."""
    clinic = build_clinic(make_user)
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    runner = phone_page

    # Book: visit, first available, a day, a time, the runner's details.
    runner.goto(f"{live_server.url}/book/")
    runner.get_by_role("link", name=re.compile("Initial evaluation")).click()
    runner.get_by_role("link", name="First available").click()
    runner.locator(".day-list a").first.click()
    runner.locator("a.time-button").nth(2).click()
    runner.get_by_label("First name").fill("Ana")
    runner.get_by_label("Last name").fill("Runner")
    runner.get_by_label("Email").fill("ana.runner@example.test")
    runner.get_by_label("Mobile phone").fill("(213) 555-0100")
    runner.get_by_label("Date of birth").fill("1990-05-01")
    runner.get_by_role("button", name="Hold this time").click()
    runner.get_by_role("heading", name="Check your email").wait_for()

    # Confirm from the email; the portal invitation follows.
    confirm = re.search(r"https?://\S+/book/confirm/\S+/", plain_text(smtp.wait_for(1))).group(0)
    runner.goto(confirm)
    runner.get_by_role("button", name="Confirm my visit").click()
    runner.get_by_role("heading", name="You're booked").wait_for()
    visit = Appointment.objects.select_related("location").get()
    invite = re.search(r"https?://\S+/invite/\S+/", plain_text(smtp.wait_for(2))).group(0)

    # Set a password: the checklist opens.
    runner.goto(invite)
    runner.locator("#id_new_password1").fill(PASSWORD)
    runner.locator("#id_new_password2").fill(PASSWORD)
    runner.get_by_role("button", name="Set password and sign in").click()
    runner.wait_for_url("**/me/before-your-visit/")
    expect(runner.locator("[data-progress]")).to_have_text("0 of 4 done")

    _start(runner, "About you").click()
    runner.locator("#id_phone").fill("213 555 0142")
    runner.get_by_label("Home address").fill("1 Sunset Blvd, Los Angeles, CA 90026")
    runner.get_by_label("Emergency contact's name").fill("Luis Runner")
    runner.get_by_label("Emergency contact's phone").fill("(213) 555-0143")
    runner.get_by_role("button", name="Save").click()
    expect(runner.locator("[data-progress]")).to_have_text("1 of 4 done")

    _start(runner, "Your running").click()
    runner.get_by_label("Runs per week").fill("4")
    runner.get_by_label("Miles per week").fill("20")
    runner.get_by_role("button", name="Save").click()
    expect(runner.locator("[data-progress]")).to_have_text("2 of 4 done")

    _start(runner, "Consents").click()
    for kind in ("treatment", "privacy", "communications"):
        section = runner.locator(f'[data-consent="{kind}"]')
        section.get_by_label("Type your full name to sign").fill("Ana Runner")
        section.get_by_label("I have read this text and I agree").check()
        section.get_by_role("button", name="Sign").click()
        expect(runner.locator(f'[data-consent="{kind}"] [data-signed]')).to_be_visible()
    runner.get_by_role("link", name="Back to the checklist").click()
    expect(runner.locator("[data-progress]")).to_have_text("3 of 4 done")

    _start(runner, "Symptom questionnaire").click()
    runner.get_by_label("Calf muscle").check()
    runner.get_by_role("group", name="Which side?").get_by_label("Right").check()
    runner.get_by_label("Gradually, over days or weeks").check()
    runner.get_by_label("How bad is the pain right now?").fill("3")
    runner.get_by_label("How bad was the pain at its worst in the last 24 hours?").fill("4")
    runner.get_by_label("How bad was the pain during or after your last run?").fill("4")
    runner.get_by_role("button", name="Send to my therapist").click()
    expect(runner.get_by_role("heading", name="Thank you")).to_be_visible()
    runner.goto(f"{live_server.url}/me/before-your-visit/")
    expect(runner.locator("[data-progress]")).to_have_text("4 of 4 done")

    # The therapist's day: the visit, ready, with the screening one click away.
    day = visit.start.astimezone(ZoneInfo(visit.location.time_zone)).date()
    sign_in(page, live_server.url, visit.therapist)
    page.goto(f"{live_server.url}/therapist/day/?date={day.isoformat()}")
    row = page.locator("li", has_text="Ana Runner")
    expect(row.locator('[data-intake="ready"]')).to_have_text("Ready")
    badge = row.locator("[data-screening]")
    expect(badge).to_contain_text("Screening")
    badge.click()
    page.wait_for_url("**/screenings/*/")
    expect(page.get_by_text("Ana Runner").first).to_be_visible()
