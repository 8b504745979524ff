"""A real worker process takes a video's job from Redis and makes its poster and MP4 with ffmpeg."""

import time

import pytest

from assessments.models import Attachment
from assessments.services import attachment_create
from assessments.tasks import process_attachment
from tests.assessments.attachment_files import make_testsrc_video, upload
from tests.factories import PatientFactory

pytestmark = pytest.mark.integration


def test_worker_makes_poster_and_playable_mp4(
    start_worker, make_user, tmp_path, _private_attachment_storage
):
    """Upload → the job (the attachment id only) → a separate worker → poster, MP4, fps, length."""
    from dangpt.roles import Role

    worker = start_worker(env={"ATTACHMENTS_ROOT": str(_private_attachment_storage)})
    therapist = make_user(Role.THERAPIST)
    clip = make_testsrc_video(tmp_path / "IMG_0042.mov", seconds=1, fps=25)
    file, _ = upload(clip.read_bytes(), "IMG_0042.MOV")
    sent = []

    def enqueue(attachment_id):
        sent.append(attachment_id)
        process_attachment.apply_async(args=[attachment_id], queue=worker.queue)

    attachment = attachment_create(
        patient=PatientFactory(), user=therapist, upload=file, enqueue=enqueue
    )
    assert sent == [attachment.pk]  # ids only in the task's arguments
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        attachment.refresh_from_db()
        if attachment.status in ("ready", "failed"):
            break
        time.sleep(0.3)
    assert attachment.status == "ready", attachment.error_message or worker.output()
    assert attachment.duration_s == 1 and attachment.frame_rate == 25
    playable = (_private_attachment_storage / attachment.playable_name).read_bytes()
    assert playable[4:8] == b"ftyp" and b"avc1" in playable[:4096]  # H.264, index up front
    poster = (_private_attachment_storage / attachment.poster_name).read_bytes()
    assert poster[:3] == b"\xff\xd8\xff"
    assert Attachment.objects.get(pk=attachment.pk).processing_attempts == 1
