"""The whole clinic as FHIR NDJSON, one file per resource type (the Bulk Data layout).

Rows are streamed from PostgreSQL in chunks (`iterator(chunk_size=...)`) and written a line at a
time, so memory stays flat however large the clinic. References are relative (`Patient/12`).
Practitioners and locations are written last: every member of staff and every location, plus any
other account a record names (e.g. a manager who recorded a measure), so every reference resolves.

The files hold every patient's record, so the exporter makes its folder itself, 0700, or takes an
empty one only when this process owns it and nobody else may enter it; it holds the folder open
and creates each file inside it 0600 with O_EXCL|O_NOFOLLOW, so a symlink planted at the folder
or at a file name is refused, never written through.
"""

import contextlib
import datetime as dt
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from patients import selectors as patients

from . import resources
from .sources import PATIENT_SOURCES

CHUNK_SIZE = 1000
Progress = Callable[[int, int, str], None]  # (done, total, resource type)
Audit = Callable[[list[int]], None]  # the ids of patients written, a chunk at a time
FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


class ExportRefused(Exception):
    """The output folder is not one the export may write into; the message says why."""


def open_output(output: Path) -> int:
    """A descriptor of the export's folder: made here 0700, or an existing empty folder this
    process owns that neither group nor others may enter. ExportRefused otherwise."""
    output.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):  # checked below, like any existing folder
        os.mkdir(output, 0o700)
    try:
        folder = os.open(output, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:  # a symlink (ELOOP) or a file (ENOTDIR) where the folder should be
        raise ExportRefused(f"{output} is not a folder the export may write into.") from exc
    try:
        info = os.fstat(folder)
        if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
            raise ExportRefused(f"{output} belongs to another account; choose a new folder.")
        if stat.S_IMODE(info.st_mode) & 0o077:
            raise ExportRefused(
                f"{output} is open to other accounts (mode {stat.S_IMODE(info.st_mode):o}); "
                "choose a new folder, the export makes it private."
            )
        if os.listdir(folder):
            raise ExportRefused(f"{output} is not empty; choose a new folder.")
    except BaseException:
        os.close(folder)
        raise
    return folder


def _create(folder: int, name: str):
    """A new file in the export's folder, readable by this account only."""
    return os.fdopen(os.open(name, FILE_FLAGS, 0o600, dir_fd=folder), "w", encoding="utf-8")


class RelativeRefs:
    """References as `Type/id`; remembers the practitioners and locations named."""

    def __init__(self):
        self.practitioners: set[int] = set()
        self.locations: set[int] = set()

    def __call__(self, resource_type: str, resource_id: str) -> dict:
        if resource_type == "Practitioner":
            self.practitioners.add(int(resource_id))
        elif resource_type == "Location":
            self.locations.add(int(resource_id))
        return {"reference": f"{resource_type}/{resource_id}"}


def _write(handle, resource: dict) -> None:
    handle.write(json.dumps(resource, cls=DjangoJSONEncoder, separators=(",", ":")))
    handle.write("\n")


def export_clinic(
    *, output: Path, progress: Progress, audit: Audit, chunk_size: int = CHUNK_SIZE
) -> dict:
    """Write <Type>.ndjson files and manifest.json into `output` (see `open_output`); `audit`
    gets the ids of the patients written. Answers the manifest."""
    folder = open_output(output)
    try:
        return _export(output, folder, progress, audit, chunk_size)
    finally:
        os.close(folder)


def _export(output: Path, folder: int, progress: Progress, audit: Audit, chunk_size: int) -> dict:
    started = timezone.now()
    ref = RelativeRefs()
    counts: dict[str, int] = {}
    total = sum(source.rows().count() for source in PATIENT_SOURCES)
    total += patients.record_locations().count() + patients.record_staff().count()
    done = 0
    handles: dict = {}
    try:
        for source in PATIENT_SOURCES:
            if source.resource_type not in handles:
                name = f"{source.resource_type}.ndjson"
                handles[source.resource_type] = _create(folder, name)
            handle = handles[source.resource_type]
            written: list[int] = []
            for row in source.rows().iterator(chunk_size=chunk_size):
                _write(handle, source.to_resource(row, ref))
                if source.resource_type == "Patient":
                    written.append(row.pk)
                    if len(written) == chunk_size:
                        audit(written)
                        written = []
                counts[source.resource_type] = counts.get(source.resource_type, 0) + 1
                done += 1
                if done % chunk_size == 0:
                    progress(done, total, source.resource_type)
            if written:
                audit(written)
            progress(done, total, source.resource_type)
    finally:
        for handle in handles.values():
            handle.close()
    done = _write_people_and_places(folder, ref, counts, done, total, progress)
    for kind in handles:
        if kind not in counts:  # the manifest lists only files with resources in them
            os.unlink(f"{kind}.ndjson", dir_fd=folder)
    return _write_manifest(output, folder, started, counts)


def _write_people_and_places(folder, ref, counts, done, total, progress) -> int:
    staff = list(patients.record_staff().values_list("pk", flat=True))
    named = sorted(ref.practitioners - set(staff))
    with _create(folder, "Practitioner.ndjson") as handle:
        for rows in (patients.record_staff(), patients.record_staff(user_ids=named)):
            for user in rows.iterator(chunk_size=CHUNK_SIZE):
                _write(handle, resources.practitioner(user))
                counts["Practitioner"] = counts.get("Practitioner", 0) + 1
                done += 1
    progress(min(done, total), total, "Practitioner")
    with _create(folder, "Location.ndjson") as handle:
        for loc in patients.record_locations().iterator(chunk_size=CHUNK_SIZE):
            _write(handle, resources.location(loc))
            counts["Location"] = counts.get("Location", 0) + 1
            done += 1
    progress(done, max(done, total), "Location")
    return done


def _write_manifest(
    output: Path, folder: int, started: dt.datetime, counts: dict[str, int]
) -> dict:
    """The Bulk Data output manifest: one entry per file written, with its line count."""
    manifest = {
        "transactionTime": started.astimezone(dt.UTC).isoformat(),
        "request": "python manage.py export_fhir",
        "requiresAccessToken": False,
        "output": [
            {"type": kind, "url": (output / f"{kind}.ndjson").resolve().as_uri(), "count": n}
            for kind, n in sorted(counts.items())
        ],
        "error": [],
    }
    with _create(folder, "manifest.json") as handle:
        handle.write(json.dumps(manifest, indent=2))
    return manifest
