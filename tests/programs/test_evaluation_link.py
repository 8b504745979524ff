"""A program stays tied to the patient and the evaluation whose plan it carries out."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from programs import services
from programs.models import Program
from tests.assessments.factories import EvaluationFactory
from tests.factories import PatientFactory, move_elsewhere
from tests.programs.factories import staff_at


@pytest.fixture
def at_clinic(therapist, runner):
    staff_at(therapist, runner.patient.preferred_location)
    return runner.patient


def test_prescribing_from_an_evaluation_links_both_ways(client_for, therapist, at_clinic):
    """The program page names the evaluation; the evaluation page lists the program."""
    evaluation = EvaluationFactory(patient=at_clinic, therapist=therapist)
    client = client_for(therapist)
    response = client.post(
        reverse("programs:create"),
        {"patient": at_clinic.pk, "evaluation": evaluation.pk, "title": "Knee plan"},
    )
    program = Program.objects.get(patient=at_clinic)
    assert response.status_code == 302 and program.evaluation == evaluation
    detail = client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert reverse("assessments:evaluation_detail", args=[evaluation.pk]) in detail
    note = client.get(
        reverse("assessments:evaluation_detail", args=[evaluation.pk])
    ).content.decode()
    assert "Knee plan" in note and reverse("programs:detail", args=[program.pk]) in note


def test_an_evaluation_of_another_runner_is_refused(therapist, at_clinic):
    """The service refuses a mismatched evaluation and stores nothing."""
    other = EvaluationFactory(patient=PatientFactory(), therapist=therapist)
    with pytest.raises(ValidationError) as error:
        services.program_create_blank(
            patient=at_clinic, therapist=therapist, title="x", tissue="tendon", evaluation=other
        )
    assert "evaluation" in error.value.message_dict
    assert not Program.objects.exists()


def test_the_form_offers_only_evaluations_of_the_therapists_runners(
    client_for, therapist, at_clinic
):
    """An evaluation of a runner elsewhere is not a valid choice: a field error, nothing saved."""
    elsewhere = EvaluationFactory(patient=move_elsewhere(PatientFactory()), therapist=therapist)
    response = client_for(therapist).post(
        reverse("programs:create"), {"patient": at_clinic.pk, "evaluation": elsewhere.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Program.objects.exists()


def test_api_shows_the_evaluation(client_for, therapist, at_clinic):
    from dangpt.services import api_token_create

    evaluation = EvaluationFactory(patient=at_clinic, therapist=therapist)
    program = services.program_create_blank(
        patient=at_clinic, therapist=therapist, title="x", tissue="tendon", evaluation=evaluation
    )
    _, token = api_token_create(user=therapist, second_factor=True)
    body = (
        client_for(therapist)
        .get(f"/api/v1/programs/{program.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
        .json()
    )
    assert body["evaluation"] == evaluation.pk
