"""A Spanish-speaking runner on a phone: home, pain over the limit, a run in miles, a PROM."""

import datetime as dt
import os

import pytest
from django.utils import timezone

from assessments.models import PromSchedule
from assessments.proms.registry import INSTRUMENTS
from assessments.selectors import due_measures
from dangpt.roles import Role
from patients.models import Location
from programs import services
from tests.browser.conftest import sign_in
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.browser

# Screenshots for a person to look at, when asked for (SCREENSHOTS=/some/dir).
SHOTS = os.environ.get("SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def spanish_runner(make_user, transactional_db):
    """A runner who reads Spanish and miles, with a program, a run last week and an NPRS due."""
    therapist = make_user(Role.THERAPIST)
    runner = make_user(Role.RUNNER)
    from tests.factories import PatientFactory

    patient = PatientFactory(
        user=runner, first_name="Lucía", last_name="Ramos", preferred_language="es"
    )
    Location.objects.filter(pk=patient.preferred_location_id).update(phone="+12135550100")
    program_with_items(therapist=therapist, patient=patient, count=2)
    services.run_log(
        patient=patient,
        date=timezone.localdate() - dt.timedelta(days=3),
        distance_km=5,
        duration_min=30,
    )
    PromSchedule.objects.create(
        patient=patient, condition="pfps", starts_on=timezone.localdate(), created_by=therapist
    )
    return runner


def test_spanish_runner_on_a_phone(live_server, phone_page, spanish_runner):
    """Sign in, Spanish home, pain over the limit gets advice, a spike in miles warns, a PROM."""
    page = phone_page
    base = live_server.url
    sign_in(page, base, spanish_runner)
    page.goto(f"{base}/me/")
    assert page.get_by_role("heading", name="Ejercicios de hoy").is_visible()
    assert page.get_by_role("heading", name="Próxima cita").is_visible()
    assert page.get_by_role("heading", name="Para hoy").is_visible()
    _shot(page, "home-es-390")

    # A session with pain 5/10 on a 3/10 rule: the plan's advice, in Spanish.
    page.get_by_label("Hice toda la sesión").check()
    cards = page.locator("article.exercise-card")
    for index in range(cards.count()):
        name = cards.nth(index).locator("h3").inner_text()
        cards.nth(index).get_by_label(f"Dolor durante, {name}").select_option("5")
    page.get_by_role("button", name="Guardar sesión").click()
    page.wait_for_url(f"{base}/me/")
    advice = page.get_by_role("alert").filter(has_text="Su dolor pasó del límite de su plan")
    assert advice.is_visible()
    assert "una cuarta parte menos" in advice.inner_text()
    assert "(213) 555-0100" in advice.inner_text()
    assert "¡Muy bien!" not in page.content()
    _shot(page, "home-advice-es-390")

    # A run in miles 2.6 times the longest of the last 30 days.
    page.locator("button.navbar-toggler").click()  # Django admin's Spanish names it
    page.get_by_role("link", name="Carreras").click()
    page.wait_for_url(f"{base}/me/runs/")
    page.get_by_label("Distancia (millas)").fill("8.1")
    page.get_by_label("Duración (minutos)").fill("80")
    page.get_by_role("button", name="Guardar carrera").click()
    page.wait_for_url(f"{base}/me/runs/")
    warning = page.get_by_role("alert").filter(has_text="veces la distancia")
    assert "de unas 2.6 veces la distancia de su carrera más larga" in warning.inner_text()
    assert page.get_by_text("8.1 mi").first.is_visible()
    _shot(page, "runs-es-390")

    # The questionnaire that is due, from the home page.
    patient = spanish_runner.patient
    nprs = next(d for d in due_measures(patient=patient) if d.instrument.startswith("nprs"))
    nprs_es = INSTRUMENTS[nprs.instrument].name_in("es")  # the name a Spanish reader sees
    page.goto(f"{base}/me/")
    page.get_by_role("link", name=f"Cuestionario: {nprs_es}").click()
    form = page.get_by_test_id("prom-form")
    fieldsets = form.locator("fieldset")
    for index in range(fieldsets.count()):
        # The answers are buttons (Bootstrap's btn-check): the runner taps the label.
        choice = fieldsets.nth(index).locator("input[type=radio]").nth(3)
        form.locator(f'label[for="{choice.get_attribute("id")}"]').click()
        assert choice.is_checked()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{base}/me/measures/")
    assert page.get_by_role("heading", name="Cuestionarios", exact=True).is_visible()
    assert patient.outcome_results.filter(instrument=nprs.instrument).exists()
    page.goto(f"{base}/me/")
    assert page.get_by_role("link", name=f"Cuestionario: {nprs_es}").count() == 0


def test_spanish_runner_on_a_desktop(live_server, page, spanish_runner):
    """The same home and run log at 1280 px: the menu fits and reads in Spanish."""
    base = live_server.url
    sign_in(page, base, spanish_runner)
    page.goto(f"{base}/me/")
    nav = page.get_by_role("navigation").first
    for label in ("Hoy", "Carreras", "Calendario", "Cuestionarios", "Mi expediente"):
        assert nav.get_by_role("link", name=label, exact=True).is_visible()
    _shot(page, "home-es-1280")
    page.goto(f"{base}/me/runs/")
    assert page.get_by_role("heading", name="Registrar una carrera").is_visible()
    _shot(page, "runs-es-1280")
    page.goto(f"{base}/me/program/print/")
    assert page.get_by_text("(213) 555-0100").first.is_visible()
    _shot(page, "print-es-1280")
