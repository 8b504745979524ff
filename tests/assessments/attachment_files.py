"""Files for attachment tests: real clips made by ffmpeg, uploads fed through the real handler,
and stored attachments (bytes in the test's storage plus their row)."""

import hashlib
import subprocess
import uuid
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from assessments.models import Attachment
from assessments.services import attachments_storage
from assessments.uploads import AttachmentUploadHandler

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
PDF = b"%PDF-1.7\n" + b"1 0 obj << /Type /Catalog >> endobj\n" * 20 + b"%%EOF\n"
# Bytes 4-8 say ftyp: passes the sniffing, but no video is in it (ffprobe refuses it).
FAKE_MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"junk" * 5000


def make_testsrc_video(
    path: Path, *, seconds: float = 1, fps: int = 25, vcodec: str = "mpeg4"
) -> Path:
    """A short clip from ffmpeg's test pattern (mpeg4 in MP4: not H.264, so it is converted)."""
    subprocess.run(
        [
            "/usr/bin/ffmpeg", "-nostdin", "-y", "-v", "error",
            "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size=320x240:rate={fps}",
            "-c:v", vcodec, "-pix_fmt", "yuv420p", str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path


def upload(data: bytes, name: str = "clip.mp4", chunk: int = 64 * 1024):
    """Feed bytes through the upload handler as Django's parser does; (file or None, handler)."""
    handler = AttachmentUploadHandler()
    handler.new_file("file", name, "application/octet-stream", len(data))
    try:
        for start in range(0, len(data), chunk):
            handler.receive_data_chunk(data[start : start + chunk], start)
    except Exception:  # SkipFile: the refusal is on the handler
        return None, handler
    return handler.file_complete(len(data)), handler


def stored_attachment(patient, user, *, kind="video", ready=True, shared=False, **fields):
    """An attachment whose files exist in the test's storage, without running ffmpeg."""
    storage = attachments_storage()
    folder = uuid.uuid4().hex
    original = b"original-bytes-" + bytes(range(256)) * 4
    names = {"storage_name": storage.save(f"{folder}/original.bin", ContentFile(original))}
    if kind == "video" and ready:
        names["playable_name"] = storage.save(f"{folder}/playable.mp4", ContentFile(b"m" * 5000))
        names["poster_name"] = storage.save(f"{folder}/poster.jpg", ContentFile(b"\xff\xd8\xff"))
    content_type = {"video": "video/mp4", "image": "image/png", "pdf": "application/pdf"}[kind]
    values = {
        "patient": patient,
        "kind": kind,
        "original_name": f"upload.{content_type.rsplit('/', 1)[1]}",
        "size_bytes": len(original),
        "sha256": hashlib.sha256(original).hexdigest(),
        "content_type": content_type,
        "uploaded_by": user,
        "status": "ready" if ready else "pending",
        **names,
    }
    if kind == "video" and ready:
        values.update(duration_s=1, frame_rate=25, width=320, height=240)
    if shared:
        values.update(shared_with_runner=True, shared_at=timezone.now(), runner_cues="Tall posture")
    values.update(fields)
    return Attachment.objects.create(**values)


def original_bytes() -> bytes:
    return b"original-bytes-" + bytes(range(256)) * 4
