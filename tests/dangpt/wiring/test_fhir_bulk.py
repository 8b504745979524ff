"""The bulk exporter itself (the worker runs it; tests/integration runs it through one)."""

import json

import pytest

from dangpt.roles import Role
from dangpt.wiring.fhir.bulk import export_clinic
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

    manifest = export_clinic(
        output=tmp_path, progress=lambda *step: seen.append(step), chunk_size=2
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
