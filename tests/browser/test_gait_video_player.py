"""Two gait clips made with ffmpeg play side by side in Chromium: one timeline, frame steps, a
three-point angle saved to the gait analysis, and the runner sees only the clip shared with them."""

from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe

from assessments.models import ClipMeasurement, GaitAnalysis
from assessments.services import attachment_create, attachment_process
from assessments.video_measures import cadence, measure_angle
from dangpt.roles import Role
from tests.assessments.attachment_files import make_testsrc_video, upload
from tests.assessments.factories import GaitAnalysisFactory
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser

FPS = 30
WIDTH, HEIGHT = 320, 240
ANGLE_CASES = [
    ["knee_valgus", [[100, 20], [110, 120], [100, 220]]],
    ["knee_valgus", [[40, 10], [90, 130], [60, 235]]],
    ["pelvic_drop", [[200, 100], [300, 107]]],
    ["shank_angle", [[150, 90], [171, 200]]],
    ["trunk_lean_forward", [[100, 200], [120, 20]]],
    ["trunk_lean_lateral", [[160, 200], [151, 40]]],
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".data" / "screenshots"


def _upload(tmp_path, *, patient, user, gait, name, label):
    """Upload a 2 s, 30 fps ffmpeg test clip through the real handler; process it at once."""
    clip = make_testsrc_video(tmp_path / name, seconds=2, fps=FPS)
    file, _ = upload(clip.read_bytes(), name)
    attachment = attachment_create(
        patient=patient, user=user, upload=file, label=label, gait_analysis=gait,
        enqueue=lambda pk: None,
    )  # fmt: skip
    attachment = attachment_process(attachment_id=attachment.pk)
    assert attachment.is_ready, attachment.error_message
    return attachment


def _axe_violations(page) -> list:
    """axe-core violations inside the page's main content (the shared navigation bar's link
    contrast is outside this page's work)."""
    results = Axe().run(page, context={"include": [["#main"]]})
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in results.response["violations"]]


def _times(page) -> list[float]:
    return page.eval_on_selector_all("[data-clip] video", "vs => vs.map(v => v.currentTime)")


def test_side_by_side_play_seek_step_measure_and_share(
    live_server, page, phone_page, transactional_db, make_user, tmp_path
):
    """The therapist plays, seeks, steps and measures; the runner then sees the shared clip."""
    therapist = make_user(Role.THERAPIST, first_name="Dana", last_name="Nguyen")
    runner = make_user(Role.RUNNER)
    patient = PatientFactory(user=runner, first_name="Riley", last_name="Santos")
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist, recorded_on="2026-11-20")
    before = _upload(
        tmp_path, patient=patient, user=therapist, gait=None, name="before.mp4",
        label="Before, back view",
    )  # fmt: skip
    after = _upload(
        tmp_path, patient=patient, user=therapist, gait=gait, name="IMG_0042.MOV",
        label="After, back view",
    )  # fmt: skip
    assert float(after.frame_rate) == FPS and (after.width, after.height) == (WIDTH, HEIGHT)
    base = live_server.url

    sign_in(page, base, therapist)
    page.goto(f"{base}/clinical/patients/{patient.pk}/videos/compare/")
    # The two newest videos play at once; Show puts other choices side by side.
    assert page.locator("#player [data-clip]").count() == 2
    page.locator("#id_left").select_option(str(before.pk))
    page.locator("#id_right").select_option(str(after.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-clip] video')].every(v => v.readyState >= 2)"
    )
    assert _axe_violations(page) == []
    # The browser's numbers are the server's (assessments/video_measures.py).
    js = page.evaluate(
        """cases => {
          const kinds = JSON.parse(document.getElementById("measure-kinds").textContent);
          return {
            angles: cases.map(([kind, points]) => dangptGaitMath.measureAngle(kinds[kind], points)),
            cadence: dangptGaitMath.cadence([0.1, 0.43, 0.77, 1.1, 1.43]),
          };
        }""",
        ANGLE_CASES,
    )
    assert js["angles"] == [measure_angle(kind, points) for kind, points in ANGLE_CASES]
    assert js["cadence"] == cadence([0.1, 0.43, 0.77, 1.1, 1.43])

    # Play together, then pause: both moved and stayed within a frame of each other.
    page.get_by_role("button", name="Play").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-clip] video')].every(v => v.currentTime > 0.4)"
    )
    page.get_by_role("button", name="Pause").click()
    left_t, right_t = _times(page)
    assert left_t > 0.4 and abs(left_t - right_t) <= 1.5 / FPS

    # One timeline: a seek moves both to the same time.
    page.get_by_label("Time (both videos)").fill("1.2")
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-clip] video')].every(v => !v.seeking)"
    )
    assert _times(page) == [pytest.approx(1.2, abs=0.001)] * 2

    # → steps one frame (the left clip is measured; both clips follow).
    page.get_by_role("heading", name="Compare videos").click()
    frame = int(page.get_attribute("[data-clip='left']", "data-frame"))
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        f"() => document.querySelector(\"[data-clip='left']\").dataset.frame === '{frame + 1}'"
    )
    assert _times(page) == [pytest.approx((frame + 1.5) / FPS, abs=0.001)] * 2
    page.keyboard.press("ArrowLeft")
    page.wait_for_function(
        f"() => document.querySelector(\"[data-clip='left']\").dataset.frame === '{frame}'"
    )

    # Speed applies to both clips.
    page.get_by_text("0.25×", exact=True).click()
    rates = page.eval_on_selector_all("[data-clip] video", "vs => vs.map(v => v.playbackRate)")
    assert rates == [0.25, 0.25]

    # Keyboard marking: Tab-reachable marking area, arrows move the cross, Enter marks a point.
    page.get_by_label("What it measures").select_option("trunk_lean_forward")
    stage = page.locator("[data-clip='left'] .clip-stage")
    stage.focus()
    page.keyboard.press("Enter")
    for _ in range(10):
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    result = page.locator("[data-result]")
    assert result.get_attribute("data-value") == "0"  # straight up: no lean

    # Three points on the paused, mirrored left frame: hip, knee, ankle.
    page.get_by_role("button", name="Mirror left video").click()
    assert page.get_attribute("[data-clip='left'] [data-action='mirror']", "aria-pressed") == "true"
    page.get_by_label("What it measures").select_option("knee_valgus")
    page.get_by_label("Standing leg").select_option("left")
    page.get_by_label("Gait analysis to fill").select_option("")
    box = stage.bounding_box()
    fractions = [(0.40, 0.10), (0.48, 0.50), (0.40, 0.90)]
    for fx, fy in fractions:
        stage.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    # Mirroring is undone: the points are the video's own pixels.
    unmirrored = [((1 - fx) * WIDTH, fy * HEIGHT) for fx, fy in fractions]
    expected = measure_angle("knee_valgus", unmirrored)
    shown = float(result.get_attribute("data-value"))
    assert shown == pytest.approx(expected, abs=0.5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "player-desktop.png"), full_page=True)
    # No gait analysis chosen: the message is at the field, which gets focus; the marks stay.
    page.get_by_role("button", name="Save measurement").click()
    error = page.locator("#gait-analysis-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "Choose the gait analysis to fill."
    assert page.evaluate("document.activeElement.id") == "id_gait_analysis"
    assert float(result.get_attribute("data-value")) == shown
    page.get_by_label("Gait analysis to fill").select_option(str(gait.pk))
    page.get_by_role("button", name="Save measurement").click()
    page.get_by_role("cell", name=f"{shown}°").wait_for()
    # Phone width: the clips stack, the controls wrap, and it stays axe-clean.
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=str(SCREENSHOTS / "player-phone.png"), full_page=True)
    assert _axe_violations(page) == []

    measurement = ClipMeasurement.objects.get()
    assert measurement.clip == before and measurement.gait_analysis == gait
    assert float(measurement.value) == shown  # the browser and the server agree
    hip = unmirrored[0]
    assert measurement.points[0] == [pytest.approx(hip[0], abs=1.5), pytest.approx(hip[1], abs=1.5)]
    assert float(measurement.time_s) == pytest.approx((frame + 0.5) / FPS, abs=0.001)
    assert GaitAnalysis.objects.get(pk=gait.pk).knee_valgus_left_deg == Decimal(str(shown))

    # Cadence: T taps a foot contact at the clip time; four contacts 1/3 s apart = 180 steps/min.
    page.get_by_label("What it measures").select_option("cadence")
    for time in ("0.1", "0.4333", "0.7667", "1.1"):
        page.get_by_label("Time (both videos)").fill(time)
        page.get_by_role("heading", name="Compare videos").click()
        page.keyboard.press("t")
    assert page.locator("[data-tap-count]").inner_text() == "4 foot contacts"
    page.get_by_role("button", name="Save measurement").click()
    page.get_by_role("cell", name="180 steps/min").wait_for()
    assert GaitAnalysis.objects.get(pk=gait.pk).cadence_spm == 180

    # The angle is on the gait analysis.
    page.goto(f"{base}/clinical/gait/{gait.pk}/")
    table = page.get_by_test_id("video-measurements")
    assert "Knee valgus (frontal-plane knee angle), left stance" in table.inner_text()
    assert f"{shown}°" in table.inner_text()

    # Shared with cues from the player, the runner sees that clip only, and it plays.
    page.go_back()
    share = page.get_by_role("form", name="Share the right video")
    share.get_by_label("Cues for the runner").fill("Quicker, lighter steps.")
    share.get_by_role("button", name="Share with the runner").click()
    page.get_by_text("Shared with Riley.").wait_for()
    assert "/videos/compare/" in page.url  # back on the player
    page.context.clear_cookies()
    sign_in(phone_page, base, runner)
    phone_page.goto(f"{base}/me/clips/")
    assert "After, back view" in phone_page.content()
    assert "Before, back view" not in phone_page.content()
    assert "Quicker, lighter steps." in phone_page.content()
    phone_page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    phone_page.screenshot(path=str(SCREENSHOTS / "runner-clips-phone.png"), full_page=True)
    assert _axe_violations(phone_page) == []
