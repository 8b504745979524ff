"""Fixtures shared by the assessments tests: a chart of records, a draft and a signed note."""

import pytest

from assessments.services import evaluation_create, evaluation_sign
from tests.assessments.factories import EvaluationFactory, GaitAnalysisFactory, OutcomeResultFactory
from tests.factories import PatientFactory


@pytest.fixture
def chart(therapist):
    """One patient with a note by the therapist, a gait analysis and an outcome result (ids)."""
    patient = PatientFactory()
    return {
        "patient": patient.pk,
        "evaluation": EvaluationFactory(patient=patient, therapist=therapist).pk,
        "gait": GaitAnalysisFactory(patient=patient).pk,
        "result": OutcomeResultFactory(patient=patient).pk,
    }


@pytest.fixture
def draft(therapist):
    """A draft note of a new patient, written by the therapist."""
    return evaluation_create(
        patient=PatientFactory(),
        therapist=therapist,
        fields={"evaluated_on": "2026-03-02", "history": "Knee pain", "working_diagnosis": "pfps"},
    )


@pytest.fixture
def signed(draft, therapist):
    """The draft, signed by the therapist."""
    return evaluation_sign(evaluation=draft, user=therapist)
