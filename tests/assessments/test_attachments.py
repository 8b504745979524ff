"""Attachments: streamed uploads typed from their content, private Range-aware serving, processing
with ffmpeg, and files that a signed note holds."""

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadhandler import SkipFile
from django.db import DatabaseError, transaction
from django.test import Client
from django.urls import reverse

from assessments.models import Attachment
from assessments.services import (
    attachment_create,
    attachment_delete,
    attachment_process,
    attachment_retry,
    attachment_share,
    evaluation_sign,
)
from assessments.uploads import AttachmentUploadHandler
from dangpt.models import AccessKind, AccessLog
from tests.assessments.attachment_files import (
    FAKE_MP4,
    PDF,
    PNG,
    make_testsrc_video,
    original_bytes,
    stored_attachment,
    upload,
)
from tests.assessments.factories import GaitAnalysisFactory
from tests.factories import PatientFactory, move_elsewhere

pytestmark = pytest.mark.django_db


def stored_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


@pytest.fixture
def upload_temp(settings, tmp_path):
    """Uploads stream to temporary files here, so a test can see that none is left behind."""
    folder = tmp_path / "upload-tmp"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


def post_file(client, patient, data: bytes, name: str, query: str = ""):
    url = reverse("assessments:attachment_upload", args=[patient.pk]) + query
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(url, {"label": "Treadmill", "file": SimpleUploadedFile(name, data)})


# --- Upload ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("data", "name", "kind", "content_type", "status"),
    [
        (PNG, "knee.png", "image", "image/png", "ready"),
        (PDF, "referral.pdf", "pdf", "application/pdf", "ready"),
        (FAKE_MP4, "IMG_0042.MOV", "video", "video/mp4", "pending"),
    ],
)
def test_upload_stores_the_file_typed_from_its_content(
    client_for, therapist, _private_attachment_storage, data, name, kind, content_type, status
):
    """The kind and type come from the first bytes; the hash is of what was stored."""
    patient = PatientFactory()
    response = post_file(client_for(therapist), patient, data, name)
    attachment = Attachment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:attachment_detail", args=[attachment.pk])
    assert (attachment.kind, attachment.content_type, attachment.status) == (
        kind,
        content_type,
        status,
    )
    assert attachment.original_name == name and attachment.label == "Treadmill"
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()
    assert attachment.size_bytes == len(data)
    stored = _private_attachment_storage / attachment.storage_name
    assert stored.read_bytes() == data
    assert name not in attachment.storage_name  # no uploaded name (or patient) in a path


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"just some text, not a video\n" * 100, "gait.mp4", "This file type is not accepted"),
        (b"GIF89a" + bytes(500), "photo.gif", "This file type is not accepted"),
        (b"\x00\x00\x00\x18ftypheic" + bytes(500), "IMG_1.HEIC", "HEIC photos are not accepted"),
        (b"", "empty.pdf", "The file is empty"),
    ],
)
def test_refused_upload_says_why_and_leaves_nothing(
    client_for, therapist, _private_attachment_storage, upload_temp, data, name, message
):
    """A renamed text file, an unsupported type: a message, no row, no file, no temp file."""
    response = post_file(client_for(therapist), PatientFactory(), data, name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert "Choose a file to upload." not in response.content.decode()  # only the reason
    assert not Attachment.objects.exists()
    assert stored_files(_private_attachment_storage) == []
    assert list(upload_temp.iterdir()) == []


def test_oversize_upload_is_abandoned_while_it_streams(
    client_for, therapist, settings, _private_attachment_storage, upload_temp
):
    """Past the kind's limit the handler stops writing at once and removes its temp file."""
    settings.ATTACHMENT_MAX_PDF_MB = 1
    data = PDF + b"0" * (3 * 1024 * 1024)
    response = post_file(client_for(therapist), PatientFactory(), data, "report.pdf")
    assert response.status_code == 400
    assert "The file is too large. PDF documents can be up to 1 MB." in response.content.decode()
    assert not Attachment.objects.exists()
    assert stored_files(_private_attachment_storage) == []
    assert list(upload_temp.iterdir()) == []


def test_the_handler_stops_at_the_first_chunk_past_the_limit(settings, upload_temp):
    """The limit is checked per chunk: the chunk that passes it is not written, the temporary
    file is removed at once."""
    settings.ATTACHMENT_MAX_IMAGE_MB = 1
    handler = AttachmentUploadHandler()
    handler.new_file("file", "big.png", "image/png", None)
    chunk = PNG + bytes(64 * 1024 - len(PNG))
    for start in range(0, 1024 * 1024, len(chunk)):
        handler.receive_data_chunk(chunk, start)
    assert handler.file.tell() == 1024 * 1024  # exactly at the limit: still accepted
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(chunk, 1024 * 1024)
    assert handler.refusal == "The file is too large. Photos can be up to 1 MB."
    assert list(upload_temp.iterdir()) == []


def test_upload_without_a_file_asks_for_one(client_for, therapist):
    response = client_for(therapist).post(
        reverse("assessments:attachment_upload", args=[PatientFactory().pk]), {"label": "x"}
    )
    assert response.status_code == 400
    assert "Choose a file to upload." in response.content.decode()


def test_upload_needs_the_csrf_token(therapist):
    """The view swaps upload handlers, so it checks CSRF itself: still refused without it."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(therapist)
    response = post_file(client, PatientFactory(), PNG, "a.png")
    assert response.status_code == 403
    assert not Attachment.objects.exists()


def test_upload_to_another_locations_patient_is_404(client_for, therapist):
    patient = move_elsewhere(PatientFactory())
    assert post_file(client_for(therapist), patient, PNG, "a.png").status_code == 404
    assert not Attachment.objects.exists()


def test_upload_to_a_draft_note_and_its_gait_analysis(client_for, therapist, draft):
    """A file joins the note named in the query; a gait analysis of another patient is 404."""
    client = client_for(therapist)
    response = post_file(client, draft.patient, PNG, "a.png", f"?evaluation={draft.pk}")
    assert response.status_code == 302
    assert Attachment.objects.get().evaluation == draft
    gait = GaitAnalysisFactory(patient=draft.patient, evaluation=draft, therapist=therapist)
    post_file(client, draft.patient, PDF, "b.pdf", f"?gait={gait.pk}")
    assert Attachment.objects.get(gait_analysis=gait).kind == "pdf"
    other = GaitAnalysisFactory()
    assert post_file(client, draft.patient, PDF, "c.pdf", f"?gait={other.pk}").status_code == 404


def test_a_signed_note_takes_no_new_file(client_for, therapist, signed):
    response = post_file(
        client_for(therapist), signed.patient, PNG, "a.png", f"?evaluation={signed.pk}"
    )
    assert response.status_code == 400
    assert "signed and locked" in response.content.decode()
    assert not Attachment.objects.exists()


def test_service_refuses_a_gait_analysis_of_another_patient(therapist):
    file, _ = upload(PNG, "a.png")
    with pytest.raises(ValidationError, match="this patient's analyses"):
        attachment_create(
            patient=PatientFactory(),
            user=therapist,
            upload=file,
            gait_analysis=GaitAnalysisFactory(),
        )


# --- Serving -----------------------------------------------------------------------------------
@pytest.fixture
def video(therapist):
    return stored_attachment(PatientFactory(), therapist)


def test_range_request_answers_206_with_the_bytes_asked(client_for, therapist, video):
    url = reverse("assessments:attachment_original", args=[video.pk])
    response = client_for(therapist).get(url, HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == original_bytes()[10:20]
    assert response["Content-Range"] == f"bytes 10-19/{video.size_bytes}"
    assert response["Content-Length"] == "10"
    assert response["Accept-Ranges"] == "bytes"
    assert response["Content-Type"] == "video/mp4"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(
    ("header", "first", "last"),
    [("bytes=1000-", 1000, None), ("bytes=-24", -24, None), ("bytes=0-99999999", 0, None)],
)
def test_open_ended_and_suffix_ranges(client_for, therapist, video, header, first, last):
    url = reverse("assessments:attachment_original", args=[video.pk])
    response = client_for(therapist).get(url, HTTP_RANGE=header)
    assert response.status_code == 206
    assert b"".join(response.streaming_content) == original_bytes()[first:last]


def test_unsatisfiable_range_is_416(client_for, therapist, video):
    url = reverse("assessments:attachment_original", args=[video.pk])
    response = client_for(therapist).get(url, HTTP_RANGE=f"bytes={video.size_bytes}-")
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{video.size_bytes}"


HUGE = "9" * 5000


@pytest.mark.parametrize(
    "header",
    [
        f"bytes={HUGE}-",
        f"bytes=0-{HUGE}",
        f"bytes=-{HUGE}",
        f"bytes={HUGE}-{HUGE}",
        "bytes=-",
        "bytes=١-٢",  # Arabic-Indic digits are no byte positions
        "bytes=0-9, 20-29",
    ],
)
@pytest.mark.parametrize("who", ["therapist", "runner"])
def test_absurd_ranges_never_raise(client_for, therapist, runner, header, who):
    """Thousands of digits (past Python's int() limit) or a malformed range: the whole file,
    a range or 416, never a 500; on the clinic's path and on the runner's clip."""
    if who == "therapist":
        clip = stored_attachment(PatientFactory(), therapist)
        url = reverse("assessments:attachment_original", args=[clip.pk])
    else:
        clip = stored_attachment(runner.patient, therapist, shared=True)
        url = reverse("assessments:my_clip_playable", args=[clip.pk])
    response = client_for(runner if who == "runner" else therapist).get(url, HTTP_RANGE=header)
    assert response.status_code in {200, 206, 416}
    if response.status_code != 416:
        b"".join(response.streaming_content)


def test_a_suffix_range_of_an_empty_file_is_416():
    from django.test import RequestFactory

    from dangpt.ranges import parse_range, ranged_file_response

    assert parse_range("bytes=-5", 0) is False
    request = RequestFactory().get("/", HTTP_RANGE="bytes=-5")
    response = ranged_file_response(
        request, open_file=lambda: None, size=0, content_type="video/mp4", etag="e", filename="x"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == "bytes */0"


def test_stale_if_range_or_no_range_gets_the_whole_file(client_for, therapist, video):
    url = reverse("assessments:attachment_original", args=[video.pk])
    client = client_for(therapist)
    whole = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE='"old"')
    assert whole.status_code == 200
    assert b"".join(whole.streaming_content) == original_bytes()
    fresh = client.get(url, HTTP_RANGE="bytes=0-9", HTTP_IF_RANGE=f'"{video.sha256}"')
    assert fresh.status_code == 206
    plain = client.get(url)
    assert plain.status_code == 200 and plain["Content-Length"] == str(video.size_bytes)


def test_playable_and_poster_are_served_with_their_types(client_for, therapist, video):
    client = client_for(therapist)
    mp4 = client.get(reverse("assessments:attachment_playable", args=[video.pk]))
    assert mp4["Content-Type"] == "video/mp4" and mp4["Content-Length"] == "5000"
    poster = client.get(reverse("assessments:attachment_poster", args=[video.pk]))
    assert poster["Content-Type"] == "image/jpeg"


def test_every_read_writes_an_access_log_row(client_for, therapist, video):
    """Each request for the bytes, ranges included, is one row naming the attachment."""
    client = client_for(therapist)
    url = reverse("assessments:attachment_playable", args=[video.pk])
    for header in ("bytes=0-99", "bytes=100-199", "bytes=200-"):
        client.get(url, HTTP_RANGE=header)
    client.get(reverse("assessments:attachment_poster", args=[video.pk]))
    rows = AccessLog.objects.filter(kind=AccessKind.ATTACHMENT, patient_id=video.patient_id)
    assert rows.count() == 4
    assert {row.what for row in rows} == {f"attachment {video.pk}"}
    assert {row.view for row in rows} == {
        "assessments:attachment_playable",
        "assessments:attachment_poster",
    }


def test_production_hands_the_transfer_to_the_proxy(client_for, therapist, video, settings):
    settings.ATTACHMENTS_X_ACCEL_PREFIX = "/protected-attachments/"
    response = client_for(therapist).get(
        reverse("assessments:attachment_playable", args=[video.pk])
    )
    assert response["X-Accel-Redirect"] == f"/protected-attachments/{video.playable_name}"
    assert response.content == b""
    assert AccessLog.objects.filter(kind=AccessKind.ATTACHMENT).count() == 1


@pytest.mark.parametrize(
    "name", ["attachment_original", "attachment_playable", "attachment_poster"]
)
def test_another_locations_file_is_404_on_every_path(client_for, make_user, video, name):
    from dangpt.roles import Role

    elsewhere = move_elsewhere(make_user(Role.THERAPIST))
    response = client_for(elsewhere).get(reverse(f"assessments:{name}", args=[video.pk]))
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_runner_sees_only_clips_shared_with_them(client_for, runner, therapist):
    """Shared and ready: the runner's own clip plays; unshared or someone else's is 404."""
    patient = runner.patient
    shared = stored_attachment(patient, therapist, shared=True)
    unshared = stored_attachment(patient, therapist)
    others = stored_attachment(PatientFactory(), therapist, shared=True)
    client = client_for(runner)
    url = lambda a: reverse("assessments:my_clip_playable", args=[a.pk])  # noqa: E731
    assert client.get(url(shared), HTTP_RANGE="bytes=0-9").status_code == 206
    assert client.get(url(unshared)).status_code == 404
    assert client.get(url(others)).status_code == 404
    assert (
        client.get(reverse("assessments:attachment_original", args=[shared.pk])).status_code == 404
    )
    assert AccessLog.objects.filter(kind=AccessKind.ATTACHMENT).count() == 1


def test_media_is_not_publicly_reachable(client, video):
    """No public URL: the storage's folder is not served, anonymous callers go to sign in."""
    response = client.get(reverse("assessments:attachment_original", args=[video.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get(f"/no-public-url/{video.storage_name}").status_code in (302, 404)


# --- Pages -------------------------------------------------------------------------------------
def test_a_damaged_video_says_so_in_plain_words_without_a_retry(client_for, therapist, video):
    """ffmpeg's own words stay off the page; trying the same file again would fail again."""
    Attachment.objects.filter(pk=video.pk).update(
        status="failed",
        error_message="Reading the video failed: Invalid data found when processing input",
    )
    page = (
        client_for(therapist)
        .get(reverse("assessments:attachment_detail", args=[video.pk]))
        .content.decode()
    )
    assert "This file looks damaged or incomplete. Export it again from the phone" in page
    assert "Invalid data" not in page and "Try again" not in page


def test_detail_page_shows_a_failed_job_and_retry_queues_it(client_for, therapist, video):
    Attachment.objects.filter(pk=video.pk).update(
        status="failed", error_message="Making the playable copy took longer than 10 minutes."
    )
    client = client_for(therapist)
    page = client.get(reverse("assessments:attachment_detail", args=[video.pk])).content.decode()
    assert "took longer than" not in page and "Try again" in page
    response = client.post(reverse("assessments:attachment_retry", args=[video.pk]))
    video.refresh_from_db()
    assert response.status_code == 302 and video.status == "pending" and video.error_message == ""


def test_pages_list_and_show_files(client_for, therapist, video, draft):
    client = client_for(therapist)
    stored_attachment(draft.patient, therapist, kind="pdf", evaluation=draft)
    listing = client.get(reverse("assessments:attachment_list", args=[video.patient_id]))
    assert listing.status_code == 200 and "upload.mp4" in listing.content.decode()
    note = client.get(reverse("assessments:evaluation_detail", args=[draft.pk])).content.decode()
    assert "upload.pdf" in note and f"?evaluation={draft.pk}" in note
    chart = client.get(reverse("assessments:patient_chart", args=[video.patient_id]))
    assert "upload.mp4" in chart.content.decode()
    empty = client.get(reverse("assessments:attachment_list", args=[PatientFactory().pk]))
    assert "No files yet" in empty.content.decode()


def test_share_with_cues_then_stop(client_for, therapist, video):
    client = client_for(therapist)
    url = reverse("assessments:attachment_share", args=[video.pk])
    client.post(url, {"action": "share", "cues": "Land under your hips"})
    video.refresh_from_db()
    assert video.shared_with_runner and video.runner_cues == "Land under your hips"
    client.post(url, {"action": "unshare"})
    video.refresh_from_db()
    assert not video.shared_with_runner and video.shared_at is None


def test_sharing_from_the_player_returns_there_and_names_the_runner(client_for, therapist, video):
    """A safe "next" (the player) is honoured, another site's is not; the message names the
    runner."""
    client = client_for(therapist)
    url = reverse("assessments:attachment_share", args=[video.pk])
    player = f"/clinical/patients/{video.patient_id}/videos/compare/?left=1&right=2"
    response = client.post(url, {"action": "share", "cues": "", "next": player}, follow=True)
    assert response.redirect_chain[0][0] == player
    assert f"Shared with {video.patient.first_name}." in response.content.decode()
    elsewhere = client.post(url, {"action": "share", "next": "https://evil.example/x"})
    assert elsewhere["Location"] == reverse("assessments:attachment_detail", args=[video.pk])


def test_a_clip_still_processing_cannot_be_shared(therapist):
    pending = stored_attachment(PatientFactory(), therapist, ready=False)
    with pytest.raises(ValidationError, match="finished processing"):
        attachment_share(attachment=pending, user=therapist, cues="")


def test_delete_asks_first_then_removes_row_and_files(
    client_for, therapist, video, _private_attachment_storage, django_capture_on_commit_callbacks
):
    client = client_for(therapist)
    url = reverse("assessments:attachment_delete", args=[video.pk])
    confirm = client.get(url)
    assert "cannot be undone" in confirm.content.decode()
    assert Attachment.objects.filter(pk=video.pk).exists()
    assert len(stored_files(_private_attachment_storage)) == 3
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert not Attachment.objects.filter(pk=video.pk).exists()
    assert stored_files(_private_attachment_storage) == []


def test_only_the_uploader_or_a_manager_deletes(client_for, make_user, video):
    from dangpt.roles import Role

    colleague = make_user(Role.THERAPIST)
    response = client_for(colleague).post(reverse("assessments:attachment_delete", args=[video.pk]))
    assert response.status_code == 400
    assert "Only the person who uploaded this file" in response.content.decode()
    assert Attachment.objects.filter(pk=video.pk).exists()


# --- Signed notes ------------------------------------------------------------------------------
def test_signing_locks_the_notes_files_and_its_gait_files(therapist, draft):
    gait = GaitAnalysisFactory(patient=draft.patient, evaluation=draft, therapist=therapist)
    own = stored_attachment(draft.patient, therapist, kind="pdf", evaluation=draft)
    gait_clip = stored_attachment(draft.patient, therapist, gait_analysis=gait)
    loose = stored_attachment(draft.patient, therapist, kind="image")
    evaluation_sign(evaluation=draft, user=therapist)
    for attachment, locked in ((own, True), (gait_clip, True), (loose, False)):
        attachment.refresh_from_db()
        assert attachment.locked is locked
    with pytest.raises(ValidationError, match="part of a signed note"):
        attachment_delete(attachment=own, user=therapist)
    # Sharing a signed clip with the runner is still allowed: its identity does not change.
    attachment_share(attachment=gait_clip, user=therapist, cues="Shorter steps")


def test_the_database_refuses_to_delete_or_replace_a_locked_file(therapist, signed):
    attachment = stored_attachment(signed.patient, therapist, kind="pdf", evaluation=signed)
    Attachment.objects.filter(pk=attachment.pk).update(locked=True, locked_at="2026-12-04T10:00Z")
    for change in (
        lambda: Attachment.objects.filter(pk=attachment.pk).delete(),
        lambda: Attachment.objects.filter(pk=attachment.pk).update(sha256="0" * 64),
        lambda: Attachment.objects.filter(pk=attachment.pk).update(storage_name="other/file"),
        lambda: Attachment.objects.filter(pk=attachment.pk).update(locked=False, locked_at=None),
    ):
        with pytest.raises(DatabaseError), transaction.atomic():
            change()
    Attachment.objects.filter(pk=attachment.pk).update(label="Referral letter")  # allowed


# --- Processing (the job's body; the worker wiring is in tests/integration) -------------------
def test_processing_makes_poster_mp4_duration_and_frame_rate(
    therapist, tmp_path, _private_attachment_storage
):
    clip = make_testsrc_video(tmp_path / "clip.mov", seconds=2, fps=30)
    file, _ = upload(clip.read_bytes(), "IMG_0001.MOV")
    attachment = attachment_create(
        patient=PatientFactory(), user=therapist, upload=file, enqueue=lambda pk: None
    )
    done = attachment_process(attachment_id=attachment.pk)
    assert done.status == "ready", done.error_message
    assert done.duration_s == Decimal("2.000") and done.frame_rate == Decimal("30.000")
    assert (done.width, done.height) == (320, 240)
    playable = _private_attachment_storage / done.playable_name
    assert playable.read_bytes()[4:8] == b"ftyp"
    assert (_private_attachment_storage / done.poster_name).read_bytes()[:3] == b"\xff\xd8\xff"
    assert attachment_process(attachment_id=attachment.pk) is None  # claimed once only


def test_a_video_ffmpeg_cannot_read_fails_with_a_message_and_can_be_retried(therapist):
    file, _ = upload(FAKE_MP4, "broken.mp4")
    attachment = attachment_create(
        patient=PatientFactory(), user=therapist, upload=file, enqueue=lambda pk: None
    )
    failed = attachment_process(attachment_id=attachment.pk)
    assert failed.status == "failed"
    assert failed.error_message.startswith("Reading the video failed")
    assert "dangpt-video" not in failed.error_message  # no temporary path in the message
    queued = []
    with transaction.atomic():
        attachment_retry(attachment=failed, user=therapist, enqueue=queued.append)
    retried = Attachment.objects.get(pk=attachment.pk)
    assert retried.status == "pending"
    with pytest.raises(ValidationError):
        attachment_retry(attachment=retried, user=therapist)


def test_gait_page_offers_upload_only_where_the_therapist_may_add(client_for, make_user, draft):
    """A note's analysis takes files from the note's author while a draft; a loose one from any
    therapist who sees the chart."""
    from dangpt.roles import Role

    author = draft.therapist
    colleague = make_user(Role.THERAPIST)
    in_note = GaitAnalysisFactory(patient=draft.patient, evaluation=draft, therapist=author)
    loose = GaitAnalysisFactory(patient=draft.patient, therapist=author)
    link = "files/new/?gait="

    def page(user, gait) -> str:
        url = reverse("assessments:gait_detail", args=[gait.pk])
        return client_for(user).get(url).content.decode()

    assert link in page(author, in_note)
    assert link not in page(colleague, in_note)
    assert link in page(colleague, loose)


def test_head_answers_the_size_without_the_bytes_and_is_logged(client_for, therapist, video):
    response = client_for(therapist).head(
        reverse("assessments:attachment_original", args=[video.pk])
    )
    assert response.status_code == 200
    assert response["Content-Length"] == str(video.size_bytes)
    assert b"".join(response.streaming_content) == b""
    assert AccessLog.objects.filter(kind=AccessKind.ATTACHMENT).count() == 1


def test_the_upload_and_delete_forms_log_the_chart_read(client_for, therapist, video):
    """Both forms show the patient: each GET is one access-log row of its kind; a POST that
    fails validation logs no read (the write is in the history)."""
    client = client_for(therapist)
    client.get(reverse("assessments:attachment_upload", args=[video.patient_id]))
    listed = AccessLog.objects.get(kind=AccessKind.ATTACHMENT_LIST)
    assert (listed.patient_id, listed.user, listed.method) == (video.patient_id, therapist, "GET")
    client.get(reverse("assessments:attachment_delete", args=[video.pk]))
    shown = AccessLog.objects.get(kind=AccessKind.ATTACHMENT)
    assert (shown.patient_id, shown.what) == (video.patient_id, f"attachment {video.pk}")
    client.post(reverse("assessments:attachment_upload", args=[video.patient_id]), {"label": "x"})
    assert AccessLog.objects.count() == 2


# --- What ffmpeg may read, and what the playable copy keeps --------------------------------------
def _tags(path) -> dict:
    """Every format and stream tag ffprobe reports, lower-cased names."""
    import json
    import subprocess

    done = subprocess.run(
        ["/usr/bin/ffprobe", "-v", "error", "-show_entries", "format_tags:stream_tags",
         "-of", "json", str(path)],
        capture_output=True, check=True, timeout=60,
    )  # fmt: skip
    data = json.loads(done.stdout)
    tags = dict(data.get("format", {}).get("tags", {}))
    for stream in data.get("streams", []):
        tags |= stream.get("tags", {})
    return {key.lower(): value for key, value in tags.items()}


def test_the_playable_copy_drops_the_phones_location_and_titles(
    therapist, tmp_path, _private_attachment_storage
):
    """A phone clip tagged with where it was shot and a title: the MP4 a runner may be shown
    has neither."""
    import subprocess

    source = tmp_path / "IMG_0002.MOV"
    subprocess.run(
        ["/usr/bin/ffmpeg", "-nostdin", "-y", "-v", "error",
         "-f", "lavfi", "-i", "testsrc=duration=1:size=320x240:rate=25", "-c:v", "mpeg4",
         "-metadata", "location=+37.77-122.41/", "-metadata", "title=x",
         "-metadata:s:v:0", "title=x", str(source)],
        check=True, timeout=60,
    )  # fmt: skip
    assert {"location", "title"} <= set(_tags(source))
    file, _ = upload(source.read_bytes(), source.name)
    attachment = attachment_create(
        patient=PatientFactory(), user=therapist, upload=file, enqueue=lambda pk: None
    )
    done = attachment_process(attachment_id=attachment.pk)
    assert done.status == "ready", done.error_message
    tags = _tags(_private_attachment_storage / done.playable_name)
    assert not {key for key in tags if key.startswith(("location", "title"))}, tags


def test_ffmpeg_reads_the_sniffed_container_from_a_local_file_only(tmp_path):
    """The demuxer comes from the sniffed type, never from ffmpeg's guess; another protocol
    (`concat:` here, `http:` or an HLS playlist's likewise) is refused."""
    from assessments import media

    clip = make_testsrc_video(tmp_path / "clip.mp4")
    assert media.probe(clip, demuxer=media.demuxer_for("video/mp4")).width == 320
    with pytest.raises(media.MediaError):
        media.probe(clip, demuxer=media.demuxer_for("video/webm"))  # MP4 bytes: not WebM
    with pytest.raises(media.MediaError, match="not a video"):
        media.demuxer_for("image/png")
    joined = Path(f"concat:{clip}|{clip}")  # ffmpeg reads this without the whitelist
    with pytest.raises(media.MediaError, match="Reading the video failed"):
        media.probe(joined, demuxer="mov")
