"""`manage.py export_fhir`: a real worker writes the clinic as FHIR NDJSON, the command follows."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

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
    patients = [PatientFactory(), PatientFactory()]
    for patient in patients:
        add_records(patient, therapist, 2)
    add_program(patients[0], therapist)
    queue = start_worker().queue
    out = StringIO()

    call_command("export_fhir", output=str(tmp_path / "export"), queue=queue, poll=0.2, stdout=out)

    exported = _read_export(tmp_path / "export")
    assert {kind: len(rows) for kind, rows in exported.items()} == {
        "Patient": 2,
        "Practitioner": 1,
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
    assert "Status: queued" in printed and "Observation: 12" in printed
    assert "%)" in printed  # progress while the worker runs
    assert "Done:" in printed


def test_the_export_refuses_a_directory_with_files(tmp_path, db):
    """An earlier export is never overwritten: the command stops before it enqueues anything."""
    (tmp_path / "Patient.ndjson").write_text("{}\n")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export_fhir", output=str(tmp_path))


def test_a_failed_export_is_reported_by_the_command(start_worker, tmp_path):
    """The worker cannot write (the directory's parent is a file): the command says it failed."""
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    queue = start_worker().queue
    with pytest.raises(CommandError, match="The export failed"):
        call_command(
            "export_fhir", output=str(blocker / "export"), queue=queue, poll=0.2, stdout=StringIO()
        )
