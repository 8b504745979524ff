"""A visitor reads the sign-in page in Spanish; a runner switches and sets their language."""

import os
from pathlib import Path

import pytest

from patients.models import Language, Patient
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser
# Set DANGPT_SCREENSHOTS to a folder to keep screenshots of the pages walked here.
SHOTS = os.environ.get("DANGPT_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_visitor_switches_the_sign_in_page_to_spanish(request, live_server, transactional_db, size):
    """ "Español" in the top bar turns the sign-in page Spanish, and it stays Spanish."""
    page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Iniciar sesión").is_visible()
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.get_by_label("Contraseña").is_visible()
    shot(page, f"sign-in-es-{size}")
    page.reload()
    assert page.get_by_role("button", name="English").is_visible()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_runner_switches_to_spanish_and_sees_it_in_settings(
    request, live_server, transactional_db, runner, size
):
    """The runner's switch saves Spanish; the settings page shows it chosen, in Spanish."""
    page = request.getfixturevalue("phone_page" if size == "phone" else "page")
    sign_in(page, live_server.url, runner)
    if size == "phone":
        page.get_by_role("button", name="Toggle navigation").click()
    page.get_by_role("button", name="Español").click()
    page.wait_for_load_state()
    assert Patient.objects.get(user=runner).preferred_language == Language.SPANISH
    page.goto(f"{live_server.url}/me/reminders/")
    assert page.get_by_role("heading", name="Configuración", exact=True).is_visible()
    assert page.get_by_label("Español").is_checked()
    page.get_by_label("Kilómetros").check()
    page.get_by_role("button", name="Guardar").click()
    assert page.get_by_text("Su configuración quedó guardada.").is_visible()
    assert Patient.objects.get(user=runner).distance_unit == "km"
    shot(page, f"settings-es-{size}")


def test_nudge_time_shows_only_while_the_nudge_is_on(
    live_server, phone_page, transactional_db, runner
):
    """The nudge's time is asked only when the runner wants the nudge."""
    page = phone_page
    sign_in(page, live_server.url, runner)
    page.goto(f"{live_server.url}/me/reminders/")
    nudge = page.get_by_label("Daily nudge when I have not logged my exercises")
    time_field = page.get_by_label("Nudge time (clinic time zone)")
    nudge.uncheck()
    assert not time_field.is_visible()
    nudge.check()
    assert time_field.is_visible()
    nudge.uncheck()
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state()
    assert not page.get_by_label("Nudge time (clinic time zone)").is_visible()
