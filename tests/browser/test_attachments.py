"""A therapist uploads a phone video to a chart; once processed it plays and seeks in Chromium
(Range requests), and is shared with the runner with cues."""

import pytest

from assessments.models import Attachment
from assessments.services import attachment_process
from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from tests.assessments.attachment_files import make_testsrc_video
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory

pytestmark = pytest.mark.browser


def test_upload_process_play_seek_and_share(
    live_server, page, transactional_db, make_user, tmp_path
):
    therapist = make_user(Role.THERAPIST)
    patient = PatientFactory(first_name="Riley", last_name="Santos")
    clip = make_testsrc_video(tmp_path / "IMG_0042.MOV", seconds=2, fps=30)
    base = live_server.url
    sign_in(page, base, therapist)

    page.goto(f"{base}/clinical/patients/{patient.pk}/")
    page.get_by_role("link", name="Upload a file").click()
    page.get_by_label("Label").fill("Treadmill, posterior view")
    page.get_by_label("File").set_input_files(str(clip))
    page.get_by_role("button", name="Upload").click()
    page.get_by_text("Video uploaded. It is being prepared for playback.").wait_for()
    page.get_by_text("a poster frame and a version that plays in every browser").wait_for()

    attachment = Attachment.objects.get()
    attachment_process(attachment_id=attachment.pk)  # the worker's job (worker wiring: integration)
    page.get_by_role("link", name="Check again").click()
    video = page.locator("video")
    video.wait_for()
    duration = page.evaluate(
        """() => new Promise((resolve, reject) => {
            const v = document.querySelector('video');
            const done = () => resolve(v.duration);
            if (v.readyState >= 1) done(); else v.addEventListener('loadedmetadata', done);
            v.addEventListener('error', () => reject(v.error && v.error.message));
        })"""
    )
    assert abs(duration - 2) < 0.1
    seeked = page.evaluate(
        """() => new Promise(resolve => {
            const v = document.querySelector('video');
            v.addEventListener('seeked', () => resolve(v.currentTime), {once: true});
            v.currentTime = 1.5;
        })"""
    )
    assert abs(seeked - 1.5) < 0.05
    assert page.get_by_text("30 frames per second").is_visible()
    reads = AccessLog.objects.filter(kind=AccessKind.ATTACHMENT, patient_id=patient.pk)
    assert reads.filter(view="assessments:attachment_playable").exists()

    page.get_by_label("Cues for the runner").fill("Land under your hips")
    page.get_by_role("button", name="Share with the runner").click()
    page.get_by_text(f"Shared with {patient.first_name}.", exact=True).wait_for()
    attachment.refresh_from_db()
    assert attachment.shared_with_runner and attachment.runner_cues == "Land under your hips"

    page.get_by_role("link", name="Delete").click()
    page.get_by_text("This cannot be undone.").wait_for()
    page.get_by_role("button", name="Delete the file").click()
    page.get_by_text("File deleted.").wait_for()
    assert not Attachment.objects.exists()
