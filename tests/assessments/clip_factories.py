"""A processed gait clip row for player and measurement tests (no file bytes are read by them)."""

import uuid
from decimal import Decimal

from django.utils import timezone

from assessments.models import Attachment, AttachmentKind, ProcessingStatus


def ready_video(*, patient, uploaded_by, **fields) -> Attachment:
    """A ready 2-second, 30 fps, 320 × 240 video on the patient's chart."""
    name = uuid.uuid4().hex
    values = {
        "kind": AttachmentKind.VIDEO,
        "label": "Treadmill, back view",
        "original_name": "run.mp4",
        "storage_name": f"{name}.mp4",
        "size_bytes": 12345,
        "sha256": "a" * 64,
        "content_type": "video/mp4",
        "status": ProcessingStatus.READY,
        "playable_name": f"{name}-playable.mp4",
        "poster_name": f"{name}-poster.jpg",
        "duration_s": Decimal("2.000"),
        "frame_rate": Decimal("30.000"),
        "width": 320,
        "height": 240,
        **fields,
    }
    if values.get("shared_with_runner") and "shared_at" not in fields:
        values["shared_at"] = timezone.now()
    return Attachment.objects.create(patient=patient, uploaded_by=uploaded_by, **values)
