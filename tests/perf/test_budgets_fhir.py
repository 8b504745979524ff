"""Query budget of the FHIR bundle: the same queries at 1 and at 50 of every kind of record."""

import pytest

from programs.models import Program, ProgramStatus
from programs.services import program_end
from tests.dangpt.wiring.fhir_record import add_program, add_records, assert_valid_bundle
from tests.factories import PatientFactory
from tests.perf.budget import LARGE, api_headers, assert_flat

pytestmark = pytest.mark.django_db

BUDGETED_PAGES: set[str] = set()
BUDGETED_API: set[str] = {"dangpt_api_patient_fhir"}

# Auth (token, its use, the user's groups) + patient + access log + one query per table the
# record is read from (appointments, notes, screenings, measures, gait, programs, consents) +
# the practitioners and locations it names.
FHIR_BUDGET = 14


def test_the_fhir_bundle_is_flat_in_records(client, therapist):
    """1 or 50 of each record (appointments, notes, gait, measures, screenings, consents)."""
    patient = PatientFactory()

    def grow(n: int) -> None:
        add_records(patient, therapist, n)
        for _ in range(n):  # one program active at a time: end the last, publish a new one
            active = Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE)
            for program in active:
                program_end(program=program)
            add_program(patient, therapist)

    def check(response) -> None:
        assert_valid_bundle(response.json())
        kinds = [e["resource"]["resourceType"] for e in response.json()["entry"]]
        assert kinds.count("Appointment") == LARGE
        assert kinds.count("Observation") == 3 * LARGE
        assert kinds.count("CarePlan") == LARGE

    assert_flat(
        client,
        f"/api/v1/patients/{patient.pk}/fhir",
        grow,
        budget=FHIR_BUDGET,
        check=check,
        **api_headers(therapist),
    )
