"""A runner's whole record for the FHIR tests, and the checks every exported resource passes."""

import datetime as dt
import json

from django.utils import timezone
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from assessments.models import OutcomeSource
from patients.models import Consent, ConsentKind, StaffProfile
from tests.assessments.factories import (
    EvaluationFactory,
    GaitAnalysisFactory,
    OutcomeResultFactory,
    ScreeningFactory,
    lefs_answers,
)
from tests.patients.factories import AppointmentFactory
from tests.programs.factories import program_with_items


def add_records(patient, therapist, n: int = 1) -> None:
    """`n` of each kind of record: appointments, notes, gait, measures, screenings, consents."""
    location = patient.preferred_location
    StaffProfile.objects.get_or_create(user=therapist)[0].locations.add(location)
    start = dt.datetime(2030, 1, 7, 17, 0, tzinfo=dt.UTC) + dt.timedelta(
        days=therapist.appointments_as_therapist.count()
    )
    base = Consent.objects.filter(patient=patient).count()
    for i in range(n):
        appointment = AppointmentFactory(
            patient=patient,
            therapist=therapist,
            location=location,
            start=start + dt.timedelta(days=i),
            status="completed",
        )
        EvaluationFactory(
            patient=patient,
            therapist=therapist,
            appointment=appointment,
            icd10="M22.2" if i % 2 == 0 else "",
            assessment_notes="Pain with squatting and stairs, as in patellofemoral pain.",
            status="signed",
            signed_by=therapist,
            signed_at=timezone.now(),
        )
        GaitAnalysisFactory(patient=patient, therapist=therapist, overstride_cm=4.5)
        OutcomeResultFactory(patient=patient, collected_by=therapist)
        OutcomeResultFactory(
            patient=patient,
            collected_by=therapist,
            instrument="lefs",
            answers=lefs_answers(3),
            score=60,
            max_score=80,
            source=OutcomeSource.PORTAL,
        )
        ScreeningFactory(patient=patient, created_by=therapist)
        Consent.objects.create(
            patient=patient,
            kind=ConsentKind.TREATMENT,
            text_version=f"{base + i + 1}",
            given_at=timezone.now(),
        )


def add_program(patient, therapist):
    """A published home program, carrying out the patient's latest diagnosed note."""
    program = program_with_items(therapist=therapist, patient=patient, count=2)
    program.evaluation = patient.evaluations.exclude(working_diagnosis="").first()
    program.save(update_fields=["evaluation"])
    return program


def walk(value, path=""):
    """Every (path, dict) inside a JSON value."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{path}[{index}]")


def assert_codes_name_systems(resource: dict) -> None:
    """Every coding has a system and a code; every coded quantity names its system."""
    for path, node in walk(resource):
        for coding in node.get("coding", []) if isinstance(node.get("coding"), list) else []:
            assert coding.get("system") and coding.get("code"), f"{path}: {coding}"
        if "code" in node and "value" in node and "unit" in node:
            assert node.get("system") == "http://unitsofmeasure.org", f"{path}: {node}"


def references(resource: dict) -> list[str]:
    return [node["reference"] for _, node in walk(resource) if "reference" in node]


def assert_valid_bundle(body: dict) -> Bundle:
    """The bundle validates with the R4 models; references resolve; codes name their systems."""
    bundle = Bundle.model_validate(body)
    assert bundle.type == "collection"
    full_urls = [entry["fullUrl"] for entry in body["entry"]]
    assert len(full_urls) == len(set(full_urls))
    assert all(url.startswith("urn:uuid:") for url in full_urls)
    for entry in body["entry"]:
        missing = set(references(entry["resource"])) - set(full_urls)
        assert not missing, f"{entry['resource']['resourceType']}: unresolved {missing}"
        assert_codes_name_systems(entry["resource"])
    return bundle


def assert_valid_ndjson_line(line: str, resource_type: str) -> dict:
    """One NDJSON line: a resource of the file's type that validates with the R4 models."""
    resource = json.loads(line)
    assert resource["resourceType"] == resource_type
    get_fhir_model_class(resource_type).model_validate(resource)
    assert_codes_name_systems(resource)
    return resource
