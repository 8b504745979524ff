"""`manage.py export_fhir`: a real worker writes the clinic as FHIR NDJSON, the command follows."""

import json
import os
import stat
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from tests.dangpt.wiring.fhir_record import (
    add_program,
    add_records,
    assert_valid_ndjson_line,
    references,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.integration


def _read_export(output: Path) -> dict[str, list[dict]]:
    """Every file of the manifest, each line validated against its resource type."""
    manifest = json.loads((output / "manifest.json").read_text())
    found: dict[str, list[dict]] = {}
    for entry in manifest["output"]:
        path = Path(entry["url"].removeprefix("file://"))
        assert path.parent == output and path.name == f"{entry['type']}.ndjson"
        lines = path.read_text().splitlines()
        assert len(lines) == entry["count"]
        found[entry["type"]] = [assert_valid_ndjson_line(line, entry["type"]) for line in lines]
    return found


def test_a_real_worker_writes_the_clinic_as_valid_ndjson(start_worker, make_user, tmp_path):
    """Two runners' records, through Redis and a worker: every line valid R4, every ref resolves."""
    therapist = make_user(Role.THERAPIST)
    manager = make_user(Role.MANAGER)
    patients = [PatientFactory(), PatientFactory()]
    for patient in patients:
        add_records(patient, therapist, 2)
    add_program(patients[0], therapist)
    queue = start_worker().queue
    out = StringIO()

    old = os.umask(0o022)
    try:
        call_command(
            "export_fhir",
            user=manager.username,
            output=str(tmp_path / "export"),
            queue=queue,
            poll=0.2,
            stdout=out,
        )
    finally:
        os.umask(old)

    exported = _read_export(tmp_path / "export")
    assert {kind: len(rows) for kind, rows in exported.items()} == {
        "Patient": 2,
        "Practitioner": 2,  # the therapist and the manager running the export
        "Location": 1,
        "Appointment": 4,
        "Condition": 4,
        "Observation": 12,  # per patient: 2 x (NPRS, LEFS, gait)
        "QuestionnaireResponse": 12,  # per patient: 2 x (screening, NPRS, LEFS)
        "CarePlan": 1,
        "Consent": 4,
    }
    ids = {f"{kind}/{r['id']}" for kind, rows in exported.items() for r in rows}
    for kind, rows in exported.items():
        for resource in rows:
            assert set(references(resource)) <= ids, f"{kind}/{resource['id']} dangles"
    printed = out.getvalue()
    # Which states the command catches depends on the worker's speed (two records take
    # milliseconds); at least one is shown before the counts. `_progress_line` is tested below.
    assert "Status: " in printed or "%)" in printed
    assert "Observation: 12" in printed and "Done:" in printed
    # Private on disk, and one access-log row per patient naming the manager and the export.
    export = tmp_path / "export"
    assert stat.S_IMODE(export.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o600 for f in export.iterdir())
    export_id = printed.split("Export ", 1)[1].split()[0]
    rows = AccessLog.objects.filter(kind=AccessKind.BULK_EXPORT)
    assert sorted(rows.values_list("patient_id", flat=True)) == sorted(p.pk for p in patients)
    for row in rows:
        assert (row.user, row.role, row.view) == (manager, Role.MANAGER.value, "export_fhir")
        assert row.what == f"clinic export (fhir) {export_id}"
    assert AccessLog.objects.count() == 2


def test_a_symlinked_folder_fails_without_writing_through(start_worker, make_user, tmp_path):
    """A symlink where the export goes: the worker refuses it; its target stays empty and the
    access log has no row (nothing was exported)."""
    PatientFactory()
    manager = make_user(Role.MANAGER)
    target = tmp_path / "target"
    target.mkdir(mode=0o700)
    (tmp_path / "export").symlink_to(target)
    queue = start_worker().queue
    with pytest.raises(CommandError, match="not a folder the export may write into"):
        call_command(
            "export_fhir",
            user=manager.username,
            output=str(tmp_path / "export"),
            queue=queue,
            poll=0.2,
            stdout=StringIO(),
        )
    assert list(target.iterdir()) == []
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("role", [None, Role.THERAPIST])
def test_only_a_manager_may_export(make_user, tmp_path, role):
    """The operator must be a manager; nobody else's name is accepted (nothing is enqueued)."""
    user = make_user(role)
    with pytest.raises(CommandError, match="not an active manager"):
        call_command("export_fhir", user=user.username, output=str(tmp_path / "x"))
    with pytest.raises(CommandError, match="not an active manager"):
        call_command("export_fhir", user="nobody-by-this-name", output=str(tmp_path / "x"))
    assert not (tmp_path / "x").exists()


def test_the_export_refuses_a_directory_with_files(tmp_path, make_user):
    """An earlier export is never overwritten: the command stops before it enqueues anything."""
    (tmp_path / "Patient.ndjson").write_text("{}\n")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_fhir", user=make_user(Role.MANAGER).username, output=str(tmp_path))


def test_a_failed_export_is_reported_by_the_command(start_worker, make_user, tmp_path):
    """The worker cannot write (the directory's parent is a file): the command says it failed."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    manager = make_user(Role.MANAGER)
    queue = start_worker().queue
    with pytest.raises(CommandError, match="The export failed"):
        call_command(
            "export_fhir",
            user=manager.username,
            output=str(blocker / "export"),
            queue=queue,
            poll=0.2,
            stdout=StringIO(),
        )


def test_progress_lines_read_as_people_count():
    from dangpt.management.commands.export_fhir import _progress_line

    assert _progress_line({"status": "queued"}) == "Status: queued"
    running = {"status": "running", "done": 1500, "total": 6000, "resource": "Observation"}
    assert _progress_line(running) == "Observation: 1,500 of 6,000 (25%)"
