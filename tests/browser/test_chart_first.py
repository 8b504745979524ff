"""A therapist goes from My day to the runner's chart, starts the note of the visit with what is
known filled in, saves it and signs it."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from assessments.models import Evaluation
from dangpt.roles import Role
from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory, default_location
from tests.patients.factories import AppointmentFactory, AppointmentTypeFactory

pytestmark = pytest.mark.browser


def _earlier_today() -> dt.datetime:
    """A visit that began earlier on the clinic's day (an hour ago, or just after midnight)."""
    now = timezone.localtime()
    midnight = now.replace(hour=0, minute=1, second=0, microsecond=0)
    return max(midnight, (now - dt.timedelta(hours=1)).replace(second=0, microsecond=0))


def test_my_day_to_chart_to_a_prefilled_signed_note(live_server, page, transactional_db, make_user):
    therapist = make_user(Role.THERAPIST, first_name="Dana", last_name="Nguyen")
    patient = PatientFactory(first_name="Riley", last_name="Santos", sex="female")
    screening = ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))
    visit = AppointmentFactory(
        patient=patient,
        therapist=therapist,
        location=default_location(),
        appointment_type=AppointmentTypeFactory(name="Initial evaluation", duration_minutes=60),
        start=_earlier_today(),
    )
    base = live_server.url

    sign_in(page, base, therapist)
    page.goto(f"{base}/therapist/day/")
    page.get_by_role("link", name="Riley Santos", exact=True).click()

    # The chart opens with the summary header, red flags first.
    page.wait_for_url(f"**/clinical/patients/{patient.pk}/")
    summary = page.locator("#chart-summary")
    assert "Female" in summary.inner_text()
    assert "consider referral" in page.get_by_role("alert").inner_text()
    assert page.locator("[data-timeline=visits]").count() == 1

    # Start the note of today's visit from the timeline.
    page.get_by_role("link", name=re.compile(r"^Start note for the visit of")).click()
    page.wait_for_url("**/evaluations/new/**")
    assert page.get_by_label("Evaluated on").input_value() == timezone.localdate().isoformat()
    assert page.get_by_label("Appointment").input_value() == str(visit.pk)
    assert page.get_by_label("Screening").input_value() == str(screening.pk)
    assert page.get_by_label("Kind").input_value() == "initial"
    assert "Where does it hurt?" in page.get_by_label("History (subjective)").input_value()
    assert page.get_by_label("Working diagnosis").input_value() == ""
    page.get_by_label("Working diagnosis").select_option("other")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft note saved.").wait_for()

    # Sign it.
    page.get_by_role("link", name="Sign", exact=True).click()
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Note signed.").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Signed"
    note = Evaluation.objects.get(patient=patient)
    assert note.status == "signed" and note.signed_by == therapist
    assert (note.appointment, note.screening, note.kind) == (visit, screening, "initial")
