"""The whole clinic as FHIR NDJSON, one file per resource type (the Bulk Data layout).

Rows are streamed from PostgreSQL in chunks (`iterator(chunk_size=...)`) and written a line at a
time, so memory stays flat however large the clinic. References are relative (`Patient/12`).
Practitioners and locations are written last: every member of staff and every location, plus any
other account a record names (e.g. a manager who recorded a measure), so every reference resolves.
"""

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from patients import selectors as patients

from . import resources
from .sources import PATIENT_SOURCES

CHUNK_SIZE = 1000
Progress = Callable[[int, int, str], None]  # (done, total, resource type)


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


def export_clinic(*, output: Path, progress: Progress, chunk_size: int = CHUNK_SIZE) -> dict:
    """Write <Type>.ndjson files and manifest.json into `output`; answers the manifest."""
    output.mkdir(parents=True, exist_ok=True)
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
                path = output / f"{source.resource_type}.ndjson"
                handles[source.resource_type] = path.open("w", encoding="utf-8")
            handle = handles[source.resource_type]
            for row in source.rows().iterator(chunk_size=chunk_size):
                _write(handle, source.to_resource(row, ref))
                counts[source.resource_type] = counts.get(source.resource_type, 0) + 1
                done += 1
                if done % chunk_size == 0:
                    progress(done, total, source.resource_type)
            progress(done, total, source.resource_type)
    finally:
        for handle in handles.values():
            handle.close()
    done = _write_people_and_places(output, ref, counts, done, total, progress)
    for kind in handles:
        if kind not in counts:  # the manifest lists only files with resources in them
            (output / f"{kind}.ndjson").unlink()
    return _write_manifest(output, started, counts)


def _write_people_and_places(output, ref, counts, done, total, progress) -> int:
    staff = list(patients.record_staff().values_list("pk", flat=True))
    named = sorted(ref.practitioners - set(staff))
    with (output / "Practitioner.ndjson").open("w", encoding="utf-8") as handle:
        for rows in (patients.record_staff(), patients.record_staff(user_ids=named)):
            for user in rows.iterator(chunk_size=CHUNK_SIZE):
                _write(handle, resources.practitioner(user))
                counts["Practitioner"] = counts.get("Practitioner", 0) + 1
                done += 1
    progress(min(done, total), total, "Practitioner")
    with (output / "Location.ndjson").open("w", encoding="utf-8") as handle:
        for loc in patients.record_locations().iterator(chunk_size=CHUNK_SIZE):
            _write(handle, resources.location(loc))
            counts["Location"] = counts.get("Location", 0) + 1
            done += 1
    progress(done, max(done, total), "Location")
    return done


def _write_manifest(output: Path, started: dt.datetime, counts: dict[str, int]) -> dict:
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
    (output / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest
