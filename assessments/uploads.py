"""Attachment uploads: the type read from the first bytes, limits enforced while the body streams.

`AttachmentUploadHandler` replaces Django's upload handlers on the upload view: each chunk goes to
a temporary file on disk (never into memory) and into a SHA-256, the first bytes decide the kind
(the file's name and the browser's claimed type are ignored), and a file that passes its kind's
limit is abandoned at once, its temporary file removed. The refusal is kept on the handler for
the view to show; no row and nothing in storage exist until the whole file has passed.
"""

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

SNIFF_BYTES = 64
MB = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    kind: str  # AttachmentKind value
    content_type: str
    extension: str


MP4 = FileType("video", "video/mp4", "mp4")
QUICKTIME = FileType("video", "video/quicktime", "mov")
WEBM = FileType("video", "video/webm", "webm")
PNG = FileType("image", "image/png", "png")
JPEG = FileType("image", "image/jpeg", "jpg")
WEBP = FileType("image", "image/webp", "webp")
PDF = FileType("pdf", "application/pdf", "pdf")

# ISO base media brands that are still images, not video (iPhone photos).
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1", b"avif"}
# Old QuickTime files may open with an atom other than ftyp.
QUICKTIME_ATOMS = {b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}

ACCEPTED_HELP = "Videos (MP4, MOV, WebM), photos (JPEG, PNG, WebP) and PDF documents."
UNSUPPORTED_MESSAGE = (
    "This file type is not accepted. Upload a video (MP4, MOV or WebM), a photo (JPEG, PNG or "
    "WebP) or a PDF document."
)
HEIF_MESSAGE = (
    "HEIC photos are not accepted yet. On the phone, share the photo as JPEG "
    "(Settings › Camera › Formats › Most Compatible) and upload it again."
)
EMPTY_MESSAGE = "The file is empty. Choose the file again."


class UploadRefused(Exception):
    """An upload refused while it streamed, with the message for the person uploading."""


def sniff(head: bytes) -> FileType:
    """The file's type from its first bytes; UploadRefused when it is none that is accepted."""
    if len(head) >= 12 and head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in HEIF_BRANDS:
            raise UploadRefused(HEIF_MESSAGE)
        return QUICKTIME if brand == b"qt  " else MP4
    if len(head) >= 8 and head[4:8] in QUICKTIME_ATOMS:
        return QUICKTIME
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    raise UploadRefused(UNSUPPORTED_MESSAGE)


def limit_bytes(kind: str) -> int:
    """The largest upload of a kind (ATTACHMENT_MAX_<KIND>_MB), read when each upload starts."""
    return getattr(settings, f"ATTACHMENT_MAX_{kind.upper()}_MB") * MB


def limit_message(file_type: FileType) -> str:
    label = {"video": "Videos", "image": "Photos", "pdf": "PDF documents"}[file_type.kind]
    return f"The file is too large. {label} can be up to {limit_bytes(file_type.kind) // MB} MB."


class SniffedUpload(TemporaryUploadedFile):
    """An uploaded file on disk with what was learnt while it streamed."""

    file_type: FileType
    sha256: str


class _NoFile:
    """Stands for no file: Django's parser closes `handler.file` after a SkipFile."""

    def close(self) -> None:
        return None


NO_FILE = _NoFile()


class AttachmentUploadHandler(FileUploadHandler):
    """Streams the `file` field to disk with its hash, type and limit checked chunk by chunk.

    Other file fields are skipped. After parsing, `refusal` holds the message of a refused file.
    """

    field_name = "file"

    def __init__(self, request=None):
        super().__init__(request)
        self.refusal: str | None = None
        self._reset()

    def _reset(self) -> None:
        self.file = NO_FILE
        self.head = b""
        self.file_type: FileType | None = None
        self.limit = 0
        self.digest = hashlib.sha256()

    def new_file(self, field_name, file_name, content_type, content_length, charset=None, *a, **k):
        super().new_file(field_name, file_name, content_type, content_length, charset, *a, **k)
        self._reset()
        if field_name != self.field_name:
            raise SkipFile
        self.file = SniffedUpload(file_name, "application/octet-stream", 0, None)

    def receive_data_chunk(self, raw_data, start):
        if self.file is NO_FILE:
            return None
        try:
            self._check(raw_data, start)
        except UploadRefused as refusal:
            self.refusal = str(refusal)
            self.abort()
            raise SkipFile from refusal  # Django reads the rest of the body and throws it away
        self.digest.update(raw_data)
        self.file.write(raw_data)
        return None

    def _check(self, raw_data: bytes, start: int) -> None:
        if self.file_type is None:
            self.head += raw_data[: SNIFF_BYTES - len(self.head)]
            if len(self.head) >= SNIFF_BYTES:
                self._decide()
        if self.file_type is not None and start + len(raw_data) > self.limit:
            raise UploadRefused(limit_message(self.file_type))

    def _decide(self) -> None:
        self.file_type = sniff(self.head)
        self.limit = limit_bytes(self.file_type.kind)

    def file_complete(self, file_size):
        if self.file is NO_FILE:
            return None
        try:
            if file_size == 0:
                raise UploadRefused(EMPTY_MESSAGE)
            if self.file_type is None:  # a file shorter than SNIFF_BYTES
                self._decide()
                if file_size > self.limit:
                    raise UploadRefused(limit_message(self.file_type))
        except UploadRefused as refusal:
            self.refusal = str(refusal)
            self.abort()
            return None
        upload = self.file
        upload.seek(0)
        upload.size = file_size
        upload.file_type = self.file_type
        upload.content_type = self.file_type.content_type
        upload.sha256 = self.digest.hexdigest()
        self.file = NO_FILE
        return upload

    def abort(self) -> None:
        """Close and so delete the temporary file of a refused or interrupted upload."""
        self.file.close()
        self.file = NO_FILE

    def upload_interrupted(self):
        self.abort()
