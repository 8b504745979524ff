"""Issues 21, 22: a Spanish-reading runner fills LEFS on a phone through the item x answer grid."""

import os
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from assessments.models import OutcomeResult
from assessments.proms import describe
from patients.models import Language, Patient
from tests.assessments.factories import PromScheduleFactory
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
SHOTS = os.environ.get("SCREENSHOT_DIR")


def shot(page, name: str) -> None:
    """Keep a full-page screenshot when SCREENSHOT_DIR is set (to look at, not to compare)."""
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_spanish_runner_fills_lefs_through_the_grid_on_a_phone(
    live_server, phone_page, transactional_db, runner
):
    """Unanswered items are listed and linked; every radio is named by item and answer."""
    Patient.objects.filter(user=runner).update(preferred_language=Language.SPANISH)
    schedule = PromScheduleFactory(patient=runner.patient, condition="itbs")
    page = phone_page
    sign_in(page, live_server.url, runner)
    page.goto(f"{live_server.url}/me/measures/{schedule.pk}/baseline/lefs/")
    expect(page.get_by_test_id("english-only")).to_contain_text("solo está disponible en inglés")
    shot(page, "lefs-es-390")
    violations = Axe().run(page, context={"include": [["#main"]]}).response["violations"]
    assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []

    page.get_by_role("button", name="Guardar respuestas").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Por favor, revise sus respuestas")
    expect(summary.get_by_role("link")).to_have_count(20)
    shot(page, "lefs-es-390-errors")
    summary.get_by_role("link", name="6. Squatting").click()
    expect(
        page.get_by_role("radio", name="6. Squatting Extreme difficulty or unable")
    ).to_be_focused()

    items = describe("lefs")["items"]
    for number, item in enumerate(items, 1):
        answer = "A little difficulty" if number % 2 else "No difficulty"
        page.get_by_role("radio", name=f"{number}. {item['label']} {answer}", exact=True).check()
    shot(page, "lefs-es-390-filled")
    page.get_by_role("button", name="Guardar respuestas").click()
    expect(page.get_by_text("Gracias: se guardó su cuestionario")).to_be_visible()
    # The browser keeps the error link's #fragment across the redirect.
    expect(page).to_have_url(re.compile(r"/me/measures/(#.*)?$"))
    shot(page, "lefs-es-390-sent")
    result = OutcomeResult.objects.get(patient=runner.patient)
    assert result.score == 10 * 3 + 10 * 4
