"""A therapist writes and signs an evaluation with a gait analysis; the runner fills LEFS in the
portal; the therapist sees the LEFS trend with both points drawn."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments.models import Evaluation, GaitAnalysis, OutcomeResult, OutcomeSource
from assessments.services import outcome_record
from dangpt.roles import Role
from tests.assessments.factories import PromScheduleFactory, lefs_answers
from tests.browser.conftest import sign_in as sign_in_with_mfa
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser


def sign_in(page, base_url: str, username: str) -> None:
    """Through the login page, and the verify page for staff (tests/browser/conftest.py)."""
    sign_in_with_mfa(page, base_url, username)
    page.wait_for_load_state()


def sign_out(page) -> None:
    page.context.clear_cookies()


def test_evaluation_gait_sign_portal_lefs_and_trend(live_server, page, transactional_db, make_user):
    """The whole clinical-record flow through Chromium."""
    therapist = make_user(Role.THERAPIST, first_name="Dana", last_name="Nguyen")
    runner = make_user(Role.RUNNER)
    patient = PatientFactory(user=runner, first_name="Riley", last_name="Santos")
    # Baseline six weeks ago, LEFS recorded in clinic then; the 6-week measures are due now.
    schedule = PromScheduleFactory(
        patient=patient,
        condition="itbs",
        starts_on=timezone.localdate() - dt.timedelta(days=42),
        created_by=therapist,
    )
    outcome_record(
        patient=patient,
        instrument="lefs",
        answers=lefs_answers(2),
        collected_by=therapist,
        source=OutcomeSource.CLINIC,
        taken_at=timezone.now() - dt.timedelta(days=42),
        schedule=schedule,
        timepoint="baseline",
    )
    base = live_server.url

    # Therapist: new evaluation from the chart.
    sign_in(page, base, therapist.username)
    page.goto(f"{base}/clinical/patients/{patient.pk}/")
    page.get_by_role("link", name="New evaluation").click()
    page.get_by_label("Evaluated on").fill(timezone.localdate().isoformat())
    page.get_by_label("History (subjective)").fill("Lateral knee pain at 5 km, worse downhill.")
    page.get_by_label("Weekly distance (miles)").fill("21.7")
    page.get_by_label("Ankle dorsiflexion, knee-to-wall (cm) — left").fill("10")
    page.get_by_label("Ankle dorsiflexion, knee-to-wall (cm) — right").fill("11")
    page.get_by_label("Noble compression test").select_option("positive")
    page.get_by_label("Working diagnosis").select_option("itbs")
    page.get_by_label("Goals").fill("Run a half marathon pain-free")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Draft note saved.").wait_for()
    evaluation = Evaluation.objects.get(patient=patient)
    assert evaluation.exam["special_tests"] == {"noble_compression": "positive"}
    assert evaluation.running_profile["weekly_km"] == 34.9

    # Gait analysis attached to the note.
    page.get_by_role("link", name="Add gait analysis").click()
    page.get_by_label("Recorded on").fill(timezone.localdate().isoformat())
    page.get_by_label("Surface").select_option("treadmill")
    page.get_by_label("Speed (mph)").fill("6.5")
    page.locator("#id_cadence_spm").fill("160")
    page.get_by_label("Contralateral pelvic drop, left stance (°)").fill("7")
    page.get_by_label("Contralateral pelvic drop, right stance (°)").fill("3")
    page.locator("#id_step_width").select_option("crossover")
    page.get_by_label("Target cadence (steps/min)").fill("172")
    page.get_by_role("button", name="Save gait analysis").click()
    page.get_by_text("Gait analysis saved.").wait_for()
    assert GaitAnalysis.objects.get().evaluation == evaluation
    assert GaitAnalysis.objects.get().speed_kmh == Decimal("10.5")

    # Sign, with confirmation.
    page.get_by_role("link", name="Sign", exact=True).click()
    page.get_by_role("button", name="Sign and lock").click()
    page.get_by_text("Note signed.").wait_for()
    assert page.get_by_test_id("status").inner_text() == "Signed"
    assert page.get_by_role("link", name="Edit", exact=True).count() == 0
    evaluation.refresh_from_db()
    assert evaluation.status == "signed" and evaluation.signed_by == therapist
    sign_out(page)

    # Runner: fill the due LEFS in the portal.
    sign_in(page, base, runner.username)
    page.goto(f"{base}/me/measures/")
    page.get_by_role("link", name="Lower Extremity Functional Scale (LEFS) · 6 weeks").click()
    for row in page.locator("[data-testid=prom-grid] tbody tr").all():
        row.get_by_role("radio", name="A little difficulty").check()
    page.get_by_role("button", name="Save answers").click()
    page.get_by_text("saved").first.wait_for()
    latest = OutcomeResult.objects.filter(patient=patient, instrument="lefs").latest("taken_at")
    assert (latest.source, latest.timepoint, latest.score) == ("portal", "week_6", 60)
    sign_out(page)

    # Therapist: the trend chart has both points drawn, with the change label.
    sign_in(page, base, therapist.username)
    page.goto(f"{base}/clinical/patients/{patient.pk}/outcomes/lefs/")
    data = json.loads(page.locator("#trend-data").text_content())
    assert [p["score"] for p in data["points"]] == [40, 60]
    canvas = page.locator("#trend-chart")
    page.wait_for_function(
        "document.getElementById('trend-chart').dataset.pointsDrawn === '2'", timeout=10000
    )
    box = canvas.bounding_box()
    assert box["width"] > 100 and box["height"] > 100
    assert (
        page.get_by_test_id("change-label")
        .inner_text()
        .startswith("Improved beyond measurement error and the clinically important threshold")
    )
