"""GET /api/v1/patients/{id}/fhir: the record as a FHIR R4 Bundle, for clinicians only."""

import datetime as dt
from collections import Counter

import pytest

from assessments.models import OutcomeSource
from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from tests.assessments.factories import EvaluationFactory, OutcomeResultFactory, lefs_answers
from tests.dangpt.wiring.fhir_record import add_program, add_records, assert_valid_bundle
from tests.factories import PatientFactory, move_elsewhere
from tests.patients.factories import AppointmentFactory
from tests.perf.budget import api_headers

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json"


def _url(patient) -> str:
    return f"/api/v1/patients/{patient.pk}/fhir"


@pytest.fixture
def record(therapist):
    """A runner with one of every record and a published program."""
    patient = PatientFactory(sex="female", phone="2135550100", emergency_contact_name="Sam")
    add_records(patient, therapist)
    add_program(patient, therapist)
    return patient


def _bundle(client, user, patient) -> dict:
    response = client.get(_url(patient), **api_headers(user))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    return response.json()


def _resources(body: dict, resource_type: str) -> list[dict]:
    return [e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == resource_type]


def test_the_bundle_holds_every_kind_of_record_and_validates(client, therapist, record):
    """Patient, staff, place, visit, diagnosis, measures, answers, program and consent: valid R4."""
    body = _bundle(client, therapist, record)
    assert_valid_bundle(body)
    kinds = Counter(e["resource"]["resourceType"] for e in body["entry"])
    assert kinds == {
        "Patient": 1,
        "Practitioner": 1,
        "Location": 1,
        "Appointment": 1,
        "Condition": 1,
        "Observation": 3,  # NPRS, LEFS, gait
        "QuestionnaireResponse": 3,  # screening, NPRS, LEFS
        "CarePlan": 1,
        "Consent": 1,
    }
    assert body["entry"][0]["resource"]["id"] == str(record.pk)


def test_codes_are_the_standard_ones_where_they_exist(client, therapist, record):
    """ICD-10-CM for the coded diagnosis, LOINC for NPRS, UCUM cadence; the clinic's code else."""
    body = _bundle(client, therapist, record)
    (condition,) = _resources(body, "Condition")
    systems = {c["system"]: c["code"] for c in condition["code"]["coding"]}
    assert systems["http://hl7.org/fhir/sid/icd-10-cm"] == "M22.2"
    assert condition["verificationStatus"]["coding"][0]["code"] == "confirmed"  # signed
    assert condition["note"][0]["text"].startswith("Pain with squatting")
    observations = {o["id"]: o for o in _resources(body, "Observation")}
    by_code = {c["system"]: c["code"] for o in observations.values() for c in o["code"]["coding"]}
    assert by_code["http://loinc.org"] == "72514-3"
    lefs = next(o for o in observations.values() if o["code"]["text"].startswith("Lower"))
    assert [c["code"] for c in lefs["code"]["coding"]] == ["lefs"]
    assert lefs["valueQuantity"]["value"] == 60
    gait = next(o for o in observations.values() if o["id"].startswith("gait-"))
    cadence = next(c for c in gait["component"] if c["code"]["coding"][0]["code"] == "cadence_spm")
    assert cadence["valueQuantity"] == {
        "value": 164,
        "unit": "steps/min",
        "system": "http://unitsofmeasure.org",
        "code": "/min",
    }


def test_the_care_plan_lists_each_exercise_with_its_dose(client, therapist, record):
    """The published program: its exercises, doses and the diagnosis it addresses."""
    body = _bundle(client, therapist, record)
    (plan,) = _resources(body, "CarePlan")
    assert len(plan["activity"]) == 2
    assert all("sets" in a["detail"]["description"] for a in plan["activity"])
    assert plan["addresses"][0]["reference"] == next(
        e["fullUrl"] for e in body["entry"] if e["resource"]["resourceType"] == "Condition"
    )


def test_full_urls_are_stable_across_requests(client, therapist, manager, record):
    """The same object has the same urn:uuid in every bundle, whoever asks."""
    first = [e["fullUrl"] for e in _bundle(client, therapist, record)["entry"]]
    second = [e["fullUrl"] for e in _bundle(client, manager, record)["entry"]]
    assert first == second


def test_an_empty_record_is_a_valid_bundle(client, manager):
    """A patient with nothing recorded yet: the Patient alone."""
    patient = PatientFactory()
    body = _bundle(client, manager, patient)
    assert_valid_bundle(body)
    assert [e["resource"]["resourceType"] for e in body["entry"]] == ["Patient"]


def test_the_read_is_audited(client, therapist, record):
    """One access-log row for the patient, naming the bundle."""
    _bundle(client, therapist, record)
    row = AccessLog.objects.get(patient_id=record.pk)
    assert (row.user, row.kind, row.what) == (therapist, AccessKind.CHART, "chart FHIR bundle")


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.RUNNER])
def test_the_front_desk_and_runners_get_404(client, make_user, record, role):
    """Neither the desk nor a runner (even their own record) gets the clinical bundle."""
    user = make_user(role)
    if role == Role.RUNNER:
        record.user = user
        record.save(update_fields=["user"])
    response = client.get(_url(record), **api_headers(user))
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."
    assert not AccessLog.objects.filter(patient_id=record.pk).exists()


def test_a_therapist_elsewhere_gets_404(client, make_user, record):
    """Another location's patient is not found, like one that does not exist."""
    elsewhere = move_elsewhere(make_user(Role.THERAPIST))
    assert client.get(_url(record), **api_headers(elsewhere)).status_code == 404
    missing = client.get("/api/v1/patients/999999/fhir", **api_headers(elsewhere))
    assert missing.status_code == 404


def test_anonymous_gets_401(client, record):
    assert client.get(_url(record)).status_code == 401


def test_drafts_portal_answers_and_cancellations_are_told_apart(client, therapist):
    """A draft note's diagnosis is provisional; the runner authored portal answers; a cancelled
    visit says so, with its reason."""
    patient = PatientFactory()
    AppointmentFactory(
        patient=patient,
        therapist=therapist,
        location=patient.preferred_location,
        status="cancelled",
        cancel_reason="Sick",
        cancelled_at=dt.datetime.now(dt.UTC),
    )
    EvaluationFactory(patient=patient, therapist=therapist)
    OutcomeResultFactory(
        patient=patient,
        collected_by=therapist,
        instrument="lefs",
        answers=lefs_answers(2),
        score=40,
        max_score=80,
        source=OutcomeSource.PORTAL,
    )
    body = _bundle(client, therapist, patient)
    assert_valid_bundle(body)
    (condition,) = _resources(body, "Condition")
    assert condition["verificationStatus"]["coding"][0]["code"] == "provisional"
    assert [c["system"] for c in condition["code"]["coding"]] == [
        "https://fhir.dangpt.example/CodeSystem/condition"
    ]
    (visit,) = _resources(body, "Appointment")
    assert (visit["status"], visit["cancelationReason"]) == ("cancelled", {"text": "Sick"})
    (answers,) = _resources(body, "QuestionnaireResponse")
    assert answers["author"] == {"reference": body["entry"][0]["fullUrl"]}  # the Patient
    assert len(answers["item"]) == 20


def test_the_bundle_is_never_cached(client, therapist, record):
    response = client.get(_url(record), **api_headers(therapist))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store, private"
