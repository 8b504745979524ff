"""The form error summary in Chromium: focus lands on it, and each link moves focus to its field."""

import contextlib
import os
from pathlib import Path

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dangpt.roles import Role
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser


def _shoot(page, name: str) -> None:
    """With SCREENSHOTS set to a folder, keep a picture of the page for a person to look at."""
    folder = os.environ.get("SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name))


def _focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def _summary_focused(page) -> str:
    """The focused element's id once the page has loaded and the summary could take focus."""
    page.wait_for_load_state("load")
    # A timeout is not the failure: the assertion after this names what has focus instead.
    with contextlib.suppress(PlaywrightTimeout):
        page.wait_for_function(
            "document.activeElement && document.activeElement.id === 'error-summary'",
            timeout=5000,
        )
    return _focused_id(page)


def test_summary_takes_focus_and_links_focus_the_field(
    live_server, page, transactional_db, make_user
):
    """Knee flexion 500° and runs per week 30: the summary is focused, its links focus fields."""
    therapist = make_user(Role.THERAPIST)
    patient = PatientFactory()
    sign_in(page, live_server.url, therapist)
    page.goto(f"{live_server.url}/clinical/patients/{patient.pk}/evaluations/new/")
    page.locator("#id_rom_knee_flexion_deg_left").fill("500")
    page.locator("#id_profile_runs_per_week").fill("30")
    page.get_by_role("button", name="Save draft").click()

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert _summary_focused(page) == "error-summary"
    assert "There is a problem" in summary.inner_text()
    _shoot(page, "error-summary-desktop.png")

    summary.get_by_role("link", name="Knee flexion must be between 0° and 160°.").click()
    assert _focused_id(page) == "id_rom_knee_flexion_deg_left"
    summary.get_by_role("link", name="Runs per week must be between 0 and 21.").click()
    assert _focused_id(page) == "id_profile_runs_per_week"


def test_summary_on_a_phone(live_server, phone_page, transactional_db, make_user):
    """On a phone the summary is the first thing under the heading and takes focus."""
    desk = make_user(Role.FRONT_DESK)
    sign_in(phone_page, live_server.url, desk)
    phone_page.goto(f"{live_server.url}/desk/patients/new/")
    phone_page.get_by_role("button", name="Register").click()
    phone_page.locator("#error-summary").wait_for()
    assert _summary_focused(phone_page) == "error-summary"
    _shoot(phone_page, "error-summary-phone.png")
    phone_page.locator("#error-summary a").first.click()
    assert _focused_id(phone_page) == "id_p-first_name"
