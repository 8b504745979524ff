"""Evaluation pages: writing, signing and amending a note, invalid input, roles."""

import pytest
from django.urls import reverse

from assessments.models import Evaluation, EvaluationAddendum
from dangpt.roles import Role
from tests.assessments.factories import (
    EvaluationFactory,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _evaluation_post(**changes):
    data = {
        "kind": "initial",
        "evaluated_on": "2026-03-02",
        "history": "Gradual anterior knee pain, worse on stairs.",
        "profile_weekly_miles": "26.4",
        "profile_runs_per_week": "4",
        "rom_knee_to_wall_cm_left": "9",
        "rom_knee_to_wall_cm_right": "12.5",
        "strength_hip_abduction_left": "18",
        "test_patellar_palpation_pain": "positive",
        "test_hop_pain": "negative",
        "working_diagnosis": "pfps",
        "icd10": "m22.2",
        "goals": "Run 10 km pain-free",
        "visits_per_week": "1",
        "plan_weeks": "8",
    }
    data.update(changes)
    return data


def test_therapist_creates_a_structured_evaluation(therapist, client_for):
    """Saving the form stores the SOAP note with structured exam and profile snapshot."""
    patient = PatientFactory()
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/evaluations/new/", _evaluation_post()
    )
    evaluation = Evaluation.objects.get(patient=patient)
    assert response.status_code == 302
    assert response["Location"] == f"/clinical/evaluations/{evaluation.pk}/"
    assert evaluation.status == "draft" and evaluation.therapist == therapist
    assert evaluation.icd10 == "M22.2"
    assert evaluation.running_profile == {"weekly_km": 42.5, "runs_per_week": 4}
    assert evaluation.exam == {
        "rom": {"knee_to_wall_cm": {"left": 9.0, "right": 12.5}},
        "strength": {"hip_abduction": {"left": 18.0}},
        "special_tests": {"patellar_palpation_pain": "positive", "hop_pain": "negative"},
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"icd10": "not a code"}, "icd10"),
        ({"working_diagnosis": "flu"}, "working_diagnosis"),
        ({"evaluated_on": ""}, "evaluated_on"),
        ({"rom_knee_to_wall_cm_left": "abc"}, "rom_knee_to_wall_cm_left"),
        ({"test_hop_pain": "maybe"}, "test_hop_pain"),
    ],
)
def test_invalid_evaluation_input_is_shown_at_the_field(changes, field, therapist, client_for):
    """Bad input re-renders the form with the error at the field and saves nothing."""
    patient = PatientFactory()
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/evaluations/new/", _evaluation_post(**changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_appointment_of_another_patient_is_refused(therapist, client_for):
    """A screening of another patient cannot be linked."""
    from tests.assessments.factories import ScreeningFactory

    patient = PatientFactory()
    other = ScreeningFactory()
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/evaluations/new/",
        _evaluation_post(screening=str(other.pk)),
    )
    assert response.status_code == 200
    assert "screening" in response.context["form"].errors


def test_sign_page_confirms_then_signs(therapist, client_for):
    """GET asks for confirmation; POST signs and locks."""
    evaluation = EvaluationFactory(therapist=therapist)
    client = client_for(therapist)
    assert b"Sign and lock" in client.get(f"/clinical/evaluations/{evaluation.pk}/sign/").content
    response = client.post(f"/clinical/evaluations/{evaluation.pk}/sign/")
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == "signed" and evaluation.signed_by == therapist


def test_addendum_page_adds_and_rejects_empty(therapist, client_for):
    """An addendum is added to a signed note; an empty one is refused at the field."""
    evaluation = EvaluationFactory(therapist=therapist)
    client = client_for(therapist)
    client.post(f"/clinical/evaluations/{evaluation.pk}/sign/")
    url = f"/clinical/evaluations/{evaluation.pk}/addenda/"
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "Called the runner."}).status_code == 302
    assert EvaluationAddendum.objects.get().text == "Called the runner."
    detail = client.get(f"/clinical/evaluations/{evaluation.pk}/").content.decode()
    assert "Called the runner." in detail and "Gradual anterior knee pain" in detail


def test_invalid_addendum_keeps_the_notes_programs(therapist, runner, client_for):
    """A refused addendum re-renders the note with its home programs, as the note page shows."""
    from programs.models import Program
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    evaluation = EvaluationFactory(patient=runner.patient, therapist=therapist)
    client = client_for(therapist)
    client.post(
        reverse("programs:create"),
        {"patient": runner.patient.pk, "evaluation": evaluation.pk, "title": "Knee plan"},
    )
    program = Program.objects.get(evaluation=evaluation)
    client.post(reverse("assessments:evaluation_sign", args=[evaluation.pk]))
    url = reverse("assessments:evaluation_addendum", args=[evaluation.pk])
    response = client.post(url, {"text": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Knee plan" in page and reverse("programs:detail", args=[program.pk]) in page


def test_manager_reads_but_cannot_write(manager, client_for, chart):
    """Managers read notes; writing pages answer 404."""
    client = client_for(manager)
    assert client.get(f"/clinical/evaluations/{chart['evaluation']}/").status_code == 200
    assert client.get(f"/clinical/evaluations/{chart['evaluation']}/edit/").status_code == 404


def test_signed_note_edit_refused_in_the_ui(signed, therapist, client_for):
    """The edit page of a signed note redirects with a message and changes nothing."""
    client = client_for(therapist)
    response = client.post(
        f"/clinical/evaluations/{signed.pk}/edit/",
        {"kind": "initial", "evaluated_on": "2026-03-02", "history": "Rewritten"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/clinical/evaluations/{signed.pk}/"
    signed.refresh_from_db()
    assert signed.history == "Knee pain"
    page = client.get(response["Location"])
    assert "signed and locked" in page.content.decode()


def test_another_therapist_cannot_edit_or_sign_a_draft(draft, make_user, client_for):
    """Edit and sign pages of someone else's draft answer 404; the detail page offers neither."""
    colleague = make_user(Role.THERAPIST)
    client = client_for(colleague)
    base = f"/clinical/evaluations/{draft.pk}"
    assert client.get(f"{base}/edit/").status_code == 404
    assert client.post(f"{base}/edit/", _evaluation_post(history="Rewritten")).status_code == 404
    assert client.get(f"{base}/sign/").status_code == 404
    assert client.post(f"{base}/sign/").status_code == 404
    detail = client.get(f"{base}/")
    assert detail.status_code == 200
    page = detail.content.decode()
    assert f"{base}/edit/" not in page and f"{base}/sign/" not in page
    draft.refresh_from_db()
    assert (draft.history, draft.status) == ("Knee pain", "draft")


def test_the_author_still_sees_edit_and_sign(draft, therapist, client_for):
    """The note's author is offered Edit and Sign on the detail page."""
    page = client_for(therapist).get(f"/clinical/evaluations/{draft.pk}/").content.decode()
    assert f"/clinical/evaluations/{draft.pk}/edit/" in page
    assert f"/clinical/evaluations/{draft.pk}/sign/" in page
