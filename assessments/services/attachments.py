"""Writes of attachments: upload, process (the worker), retry, share, delete, lock on signing."""

import datetime
import logging
import shutil
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import storages
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from assessments import media
from assessments.models import (
    Attachment,
    AttachmentKind,
    Evaluation,
    GaitAnalysis,
    ProcessingStatus,
)
from assessments.services.common import require_clinician
from assessments.uploads import SniffedUpload
from dangpt.roles import Role, role_of
from dangpt.text import text_within

log = logging.getLogger(__name__)

LOCKED_FILE_MESSAGE = (
    "This file is part of a signed note: it is kept as it was and cannot be deleted or replaced."
)
SIGNED_NOTE_MESSAGE = "This note is signed and locked: files can no longer be added to it."
AUTHOR_ONLY_MESSAGE = "Only the note's author can add files to it."


def attachments_storage():
    """The private storage every attachment lives in (settings.STORAGES['attachments'])."""
    return storages["attachments"]


def _note_for(*, patient, user, evaluation, gait_analysis) -> Evaluation | None:
    """Check the note the file joins (same patient, draft, its author's) and lock its row."""
    if gait_analysis is not None:
        if gait_analysis.patient_id != patient.pk:
            raise ValidationError({"gait_analysis": ["Choose one of this patient's analyses."]})
        if evaluation is not None and gait_analysis.evaluation_id != evaluation.pk:
            raise ValidationError({"gait_analysis": ["This analysis is not part of that note."]})
        if gait_analysis.evaluation_id is not None:
            evaluation = gait_analysis.evaluation
    if evaluation is None:
        return None
    if evaluation.patient_id != patient.pk:
        raise ValidationError({"evaluation": ["Choose one of this patient's evaluations."]})
    # Signing takes the same row lock: a file cannot slip into a note being signed.
    evaluation = Evaluation.objects.select_for_update().get(pk=evaluation.pk)
    if evaluation.is_signed:
        raise ValidationError(SIGNED_NOTE_MESSAGE)
    if evaluation.therapist_id != user.pk:
        raise ValidationError(AUTHOR_ONLY_MESSAGE)
    return evaluation


@transaction.atomic
def attachment_create(
    *,
    patient,
    user,
    upload: SniffedUpload,
    label: str = "",
    evaluation: Evaluation | None = None,
    gait_analysis: GaitAnalysis | None = None,
    enqueue: Callable[[int], object] | None = None,
) -> Attachment:
    """Store a streamed, sniffed upload and record it; a video is queued for processing
    (`enqueue(attachment_id)` after commit; the Celery task by default)."""
    try:
        require_clinician(user)
        _note_for(patient=patient, user=user, evaluation=evaluation, gait_analysis=gait_analysis)
        # A random folder per file: no name, date or patient in any path.
        stored = attachments_storage().save(
            f"{uuid.uuid4().hex}/original.{upload.file_type.extension}", upload
        )
    finally:
        upload.close()  # the temporary file: moved into storage, or removed now
    attachment = _record(
        patient=patient,
        user=user,
        upload=upload,
        stored=stored,
        label=label,
        evaluation=evaluation,
        gait_analysis=gait_analysis,
    )
    if attachment.is_video:
        _enqueue(attachment.pk, enqueue)
    return attachment


def _record(*, patient, user, upload, stored, label, evaluation, gait_analysis) -> Attachment:
    """The row of a stored file; the file goes again when the row cannot be written."""
    file_type = upload.file_type
    try:
        attachment = Attachment(
            patient=patient,
            evaluation=evaluation,
            gait_analysis=gait_analysis,
            kind=file_type.kind,
            label=text_within(label, limit=120, field="label"),
            original_name=(upload.name or "upload")[-255:],
            storage_name=stored,
            size_bytes=upload.size,
            sha256=upload.sha256,
            content_type=file_type.content_type,
            uploaded_by=user,
            status=ProcessingStatus.PENDING
            if file_type.kind == AttachmentKind.VIDEO
            else ProcessingStatus.READY,
        )
        attachment.full_clean()
        with transaction.atomic():
            attachment.save()
    except BaseException:
        attachments_storage().delete(stored)
        raise
    return attachment


def _enqueue(attachment_id: int, enqueue: Callable[[int], object] | None = None) -> None:
    if enqueue is None:
        from assessments.tasks import process_attachment

        enqueue = process_attachment.delay
    transaction.on_commit(lambda: enqueue(attachment_id))


def attachment_process(*, attachment_id: int) -> Attachment | None:
    """The worker's job: probe a video, make its poster and MP4, record them or the failure.

    Claims the row with a conditional update (pending, or processing for longer than the
    timeout after a lost worker), so a duplicate delivery does nothing.
    """
    stale = timezone.now() - datetime.timedelta(
        seconds=settings.ATTACHMENT_PROCESS_TIMEOUT_SECONDS * 2
    )
    claimed = (
        Attachment.objects.filter(pk=attachment_id, kind=AttachmentKind.VIDEO)
        .filter(
            Q(status=ProcessingStatus.PENDING)
            | Q(status=ProcessingStatus.PROCESSING, processing_started_at__lt=stale)
        )
        .update(
            status=ProcessingStatus.PROCESSING,
            processing_started_at=timezone.now(),
            processing_attempts=F("processing_attempts") + 1,
            error_message="",
        )
    )
    if not claimed:
        return None
    attachment = Attachment.objects.filter(pk=attachment_id).first()
    if attachment is None:  # deleted since it was claimed
        return None
    try:
        outcome = _convert(attachment)
    except media.MediaError as exc:
        log.warning("attachment %s: processing failed: %s", attachment_id, exc)
        Attachment.objects.filter(pk=attachment_id, status=ProcessingStatus.PROCESSING).update(
            status=ProcessingStatus.FAILED, error_message=str(exc)
        )
    else:
        Attachment.objects.filter(pk=attachment_id, status=ProcessingStatus.PROCESSING).update(
            status=ProcessingStatus.READY, error_message="", **outcome
        )
    attachment.refresh_from_db()
    return attachment


def _convert(attachment: Attachment) -> dict:
    storage = attachments_storage()
    folder = attachment.storage_name.rsplit("/", 1)[0]
    with tempfile.TemporaryDirectory(prefix="dangpt-video-") as work:
        work_dir = Path(work)
        source = work_dir / Path(attachment.storage_name).name
        try:
            with storage.open(attachment.storage_name, "rb") as stored, source.open("wb") as out:
                shutil.copyfileobj(stored, out, 1024 * 1024)
        except OSError as exc:
            raise media.MediaError("The uploaded file could not be read from storage.") from exc
        demuxer = media.demuxer_for(attachment.content_type)
        media.probe(source, demuxer=demuxer)  # refuse what is no video before converting it
        playable = work_dir / "playable.mp4"
        media.make_playable(source, playable, demuxer=demuxer)
        info = media.probe(playable, demuxer=media.PLAYABLE_DEMUXER)
        poster = work_dir / "poster.jpg"
        media.make_poster(playable, poster, duration_s=info.duration_s)
        names = {}
        for field, path in (("playable_name", playable), ("poster_name", poster)):
            old = getattr(attachment, field)
            if old:
                storage.delete(old)
            with path.open("rb") as handle:
                names[field] = storage.save(f"{folder}/{path.name}", File(handle))
    return {
        **names,
        "duration_s": info.duration_s,
        "frame_rate": info.frame_rate,
        "width": info.width,
        "height": info.height,
    }


@transaction.atomic
def attachment_retry(
    *, attachment: Attachment, user, enqueue: Callable[[int], object] | None = None
) -> Attachment:
    """Queue a failed video again."""
    require_clinician(user)
    updated = Attachment.objects.filter(
        pk=attachment.pk, kind=AttachmentKind.VIDEO, status=ProcessingStatus.FAILED
    ).update(status=ProcessingStatus.PENDING, error_message="", processing_started_at=None)
    if not updated:
        raise ValidationError("Only a video whose processing failed can be tried again.")
    _enqueue(attachment.pk, enqueue)
    attachment.refresh_from_db()
    return attachment


@transaction.atomic
def attachment_share(*, attachment: Attachment, user, cues: str) -> Attachment:
    """Show a ready clip with the therapist's cues in the runner's portal."""
    if role_of(user) != Role.THERAPIST:
        raise ValidationError("Only a therapist shares clips with a runner.")
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if not attachment.is_video or not attachment.is_ready:
        raise ValidationError("Only a video that has finished processing can be shared.")
    attachment.shared_with_runner = True
    attachment.runner_cues = (cues or "").strip()
    attachment.shared_at = attachment.shared_at or timezone.now()
    attachment.save(update_fields=["shared_with_runner", "runner_cues", "shared_at"])
    return attachment


@transaction.atomic
def attachment_unshare(*, attachment: Attachment, user) -> Attachment:
    """Take a clip off the runner's portal."""
    require_clinician(user)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    attachment.shared_with_runner = False
    attachment.shared_at = None
    attachment.save(update_fields=["shared_with_runner", "shared_at"])
    return attachment


@transaction.atomic
def attachment_delete(*, attachment: Attachment, user) -> None:
    """Delete a file that is not part of a signed note; its uploader or a manager only."""
    require_clinician(user)
    attachment = Attachment.objects.select_for_update().get(pk=attachment.pk)
    if attachment.locked:
        raise ValidationError(LOCKED_FILE_MESSAGE)
    if attachment.uploaded_by_id != user.pk and role_of(user) != Role.MANAGER:
        raise ValidationError("Only the person who uploaded this file can delete it.")
    names = [
        name
        for name in (attachment.storage_name, attachment.poster_name, attachment.playable_name)
        if name
    ]
    attachment.delete()
    storage = attachments_storage()
    transaction.on_commit(lambda: [storage.delete(name) for name in names])


def attachments_lock(*, evaluation: Evaluation) -> int:
    """Make the files of a note being signed part of it (its own and its gait analyses')."""
    return Attachment.objects.filter(
        Q(evaluation=evaluation) | Q(gait_analysis__evaluation=evaluation), locked=False
    ).update(locked=True, locked_at=timezone.now())
