"""Two gait clips made with ffmpeg play side by side in Chromium: one timeline, frame steps, a
three-point angle saved to the gait analysis, and the runner sees only the clip shared with them."""

import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.files import File

from assessments.models import ClipMeasurement, GaitAnalysis
from assessments.services import attachment_create, attachment_process, attachment_share
from assessments.video_measures import measure_angle
from dangpt.roles import Role
from tests.assessments.factories import GaitAnalysisFactory
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser

FPS = 30
WIDTH, HEIGHT = 320, 240
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".data" / "screenshots"


def _make_clip(path: Path, pattern: str) -> Path:
    """A 2-second 30 fps H.264 test picture, as a phone would upload it."""
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            "/usr/bin/ffmpeg", "-loglevel", "error", "-y", "-f", "lavfi",
            "-i", f"{pattern}=duration=2:size={WIDTH}x{HEIGHT}:rate={FPS}",
            "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path),
        ],  # fmt: skip
        check=True,
        timeout=60,
    )
    return path


def _upload(tmp_path, *, patient, user, gait, name, pattern, label):
    clip_path = _make_clip(tmp_path / name, pattern)
    with clip_path.open("rb") as handle:
        attachment = attachment_create(
            patient=patient, user=user, upload=File(handle, name=name), label=label,
            gait_analysis=gait,
        )  # fmt: skip
    attachment_process(attachment_id=attachment.pk)
    attachment.refresh_from_db()
    assert attachment.is_ready, attachment.error_message
    return attachment


def _axe_violations(page) -> list:
    results = Axe().run(page)
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
        pattern="testsrc", label="Before, back view",
    )  # fmt: skip
    after = _upload(
        tmp_path, patient=patient, user=therapist, gait=gait, name="after.mp4",
        pattern="testsrc2", label="After, back view",
    )  # fmt: skip
    assert float(after.frame_rate) == FPS and (after.width, after.height) == (WIDTH, HEIGHT)
    base = live_server.url

    sign_in(page, base, therapist)
    page.goto(f"{base}/clinical/patients/{patient.pk}/videos/compare/")
    # The two newest videos are offered; Show puts them side by side.
    page.get_by_label("Left video").select_option(str(before.pk))
    page.get_by_label("Right video").select_option(str(after.pk))
    page.get_by_role("button", name="Show").click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-clip] video')].every(v => v.readyState >= 2)"
    )
    assert _axe_violations(page) == []

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

    # Three points on the paused left frame: hip, knee, ankle.
    page.get_by_label("What it measures").select_option("knee_valgus")
    page.get_by_label("Standing leg").select_option("left")
    page.get_by_label("Gait analysis to fill").select_option(str(gait.pk))
    stage = page.locator("[data-clip='left'] .clip-stage")
    box = stage.bounding_box()
    fractions = [(0.40, 0.10), (0.48, 0.50), (0.40, 0.90)]
    for fx, fy in fractions:
        stage.click(position={"x": fx * box["width"], "y": fy * box["height"]})
    expected = measure_angle("knee_valgus", [(fx * WIDTH, fy * HEIGHT) for fx, fy in fractions])
    result = page.locator("[data-result]")
    shown = float(result.get_attribute("data-value"))
    assert shown == pytest.approx(expected, abs=0.5)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "player-desktop.png"), full_page=True)
    page.get_by_role("button", name="Save measurement").click()
    page.get_by_role("cell", name=f"{shown}°").wait_for()

    measurement = ClipMeasurement.objects.get()
    assert measurement.clip == before and measurement.gait_analysis == gait
    assert float(measurement.value) == shown  # the browser and the server agree
    assert float(measurement.time_s) == pytest.approx((frame + 0.5) / FPS, abs=0.001)
    assert GaitAnalysis.objects.get(pk=gait.pk).knee_valgus_left_deg == Decimal(str(shown))

    # The angle is on the gait analysis.
    page.goto(f"{base}/clinical/gait/{gait.pk}/")
    table = page.get_by_test_id("video-measurements")
    assert "Knee valgus (frontal-plane knee angle), left stance" in table.inner_text()
    assert f"{shown}°" in table.inner_text()

    # Shared with cues, the runner sees that clip only, and it plays.
    attachment_share(attachment=after, user=therapist, cues="Quicker, lighter steps.")
    page.context.clear_cookies()
    sign_in(phone_page, base, runner)
    phone_page.goto(f"{base}/me/clips/")
    assert "After, back view" in phone_page.content()
    assert "Before, back view" not in phone_page.content()
    assert "Quicker, lighter steps." in phone_page.content()
    phone_page.wait_for_function("() => document.querySelector('video').readyState >= 1")
    assert _axe_violations(phone_page) == []
