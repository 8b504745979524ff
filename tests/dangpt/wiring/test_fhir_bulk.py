"""The bulk exporter itself (the worker runs it; tests/integration runs it through one)."""

import json
import os
import stat

import pytest

from dangpt.roles import Role
from dangpt.wiring.fhir.bulk import ExportRefused, export_clinic
from tests.assessments.factories import OutcomeResultFactory
from tests.dangpt.wiring.fhir_record import add_records, assert_valid_ndjson_line, references
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def test_the_export_streams_in_chunks_and_every_reference_resolves(make_user, tmp_path):
    """Progress rises chunk by chunk to the total; staff, and an account a record names, are
    Practitioners; every line validates and every reference is relative and resolves."""
    therapist = make_user(Role.THERAPIST)
    make_user(Role.MANAGER)
    patients = [PatientFactory() for _ in range(3)]
    for patient in patients:
        add_records(patient, therapist)
    OutcomeResultFactory(patient=patients[0], collected_by=make_user())  # an account of no role
    seen: list[tuple[int, int, str]] = []

    audited: list[list[int]] = []

    manifest = export_clinic(
        output=tmp_path,
        progress=lambda *step: seen.append(step),
        audit=lambda ids: audited.append(list(ids)),
        chunk_size=2,
    )

    done = [step[0] for step in seen]
    assert done == sorted(done) and len(seen) > 10
    assert seen[-1][0] == seen[-1][1]
    counts = {entry["type"]: entry["count"] for entry in manifest["output"]}
    assert counts["Patient"] == 3 and counts["Observation"] == 10
    assert counts["Practitioner"] == 3  # the therapist, the manager and the collector
    ids, refs = set(), set()
    for kind in counts:
        for line in (tmp_path / f"{kind}.ndjson").read_text().splitlines():
            resource = assert_valid_ndjson_line(line, kind)
            ids.add(f"{kind}/{resource['id']}")
            refs |= set(references(resource))
    assert refs and refs <= ids
    assert all(ref.count("/") == 1 for ref in refs)  # relative: Type/id
    assert json.loads((tmp_path / "manifest.json").read_text()) == manifest
    assert not (tmp_path / "CarePlan.ndjson").exists()  # no program: no empty file
    assert audited == [[p.pk for p in patients[:2]], [patients[2].pk]]  # chunk by chunk


def _export(output):
    return export_clinic(output=output, progress=lambda *step: None, audit=lambda ids: None)


def test_the_files_are_private_under_a_permissive_umask(tmp_path):
    """Under umask 022 the folder the export makes is 0700 and every file 0600."""
    PatientFactory()
    output = tmp_path / "new" / "export"
    old = os.umask(0o022)
    try:
        _export(output)
    finally:
        os.umask(old)
    assert stat.S_IMODE(output.stat().st_mode) == 0o700
    files = list(output.iterdir())
    assert {f.name for f in files} >= {"Patient.ndjson", "manifest.json"}
    for path in files:
        assert stat.S_IMODE(path.lstat().st_mode) & 0o077 == 0, path.name


def test_a_symlinked_folder_is_refused_and_not_written_through(tmp_path):
    """A symlink planted where the folder goes (even to a private, empty folder): refused, and
    nothing lands in its target."""
    PatientFactory()
    target = tmp_path / "elsewhere"
    target.mkdir(mode=0o700)
    (tmp_path / "export").symlink_to(target)
    with pytest.raises(ExportRefused, match="not a folder"):
        _export(tmp_path / "export")
    assert list(target.iterdir()) == []


def test_a_planted_file_symlink_makes_the_folder_not_empty(tmp_path):
    canary = tmp_path / "canary"
    canary.write_text("canary")
    output = tmp_path / "export"
    output.mkdir(mode=0o700)
    (output / "Patient.ndjson").symlink_to(canary)
    with pytest.raises(ExportRefused, match="not empty"):
        _export(output)
    assert canary.read_text() == "canary"


@pytest.mark.parametrize(
    ("mode", "other_process", "message"),
    [(0o755, False, "open to other accounts"), (0o700, True, "belongs to another account")],
)
def test_an_existing_folder_must_be_private_and_ours(
    tmp_path, monkeypatch, mode, other_process, message
):
    """An empty folder others may enter, or one another account owns, is refused (the second
    case: the export runs as an account other than the folder's owner)."""
    output = tmp_path / "export"
    output.mkdir()
    output.chmod(mode)
    if other_process:
        owner = output.stat().st_uid
        monkeypatch.setattr(os, "getuid", lambda: owner + 1)
    with pytest.raises(ExportRefused, match=message):
        _export(output)
    assert list(output.iterdir()) == []


def test_a_failing_export_logs_its_id_and_the_error_class_only(
    make_user, tmp_path, monkeypatch, caplog
):
    """An error whose message quotes a record: the log and the task's error name the export
    and the exception's class, never the message."""
    import uuid

    from dangpt.wiring.fhir import bulk
    from dangpt.wiring.fhir.progress import export_progress, export_progress_set
    from dangpt.wiring.fhir.sources import Source
    from dangpt.wiring.fhir.tasks import ExportFailed, fhir_export_run
    from patients.selectors import record_patients

    patient = PatientFactory(first_name="Quillon")

    def leaky(row, ref):
        raise ValueError(f"cannot map {row.first_name}")

    monkeypatch.setattr(bulk, "PATIENT_SOURCES", (Source("Patient", record_patients, leaky),))
    export_id = uuid.uuid4().hex
    manager = make_user(Role.MANAGER)
    export_progress_set(
        export_id=export_id, status="queued", output=str(tmp_path / "x"), user_id=manager.pk
    )
    with pytest.raises(ExportFailed) as failed:
        fhir_export_run(export_id)
    assert patient.first_name not in str(failed.value) and "ValueError" in str(failed.value)
    assert failed.value.__suppress_context__
    assert export_id in caplog.text and "ValueError" in caplog.text
    assert patient.first_name not in caplog.text
    assert all(record.exc_info is None for record in caplog.records)
    assert export_progress(export_id=export_id)["error"] == "The export failed."
