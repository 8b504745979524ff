"""Evaluation pages and API: success, invalid input, scoping (404), methods, login, query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Evaluation, EvaluationAddendum
from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.assessments.factories import (
    EvaluationFactory,
    GaitAnalysisFactory,
    OutcomeResultFactory,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

NOTE_PAGES = [
    "/clinical/patients/",
    "/clinical/patients/{patient}/",
    "/clinical/patients/{patient}/evaluations/new/",
    "/clinical/patients/{patient}/gait/new/",
    "/clinical/patients/{patient}/gait/compare/",
    "/clinical/evaluations/",
    "/clinical/evaluations/{evaluation}/",
    "/clinical/evaluations/{evaluation}/edit/",
    "/clinical/evaluations/{evaluation}/sign/",
    "/clinical/evaluations/{evaluation}/history/",
    "/clinical/gait/{gait}/",
    "/clinical/gait/{gait}/edit/",
    "/clinical/outcomes/",
    "/clinical/outcome-results/{result}/history/",
    "/clinical/patients/{patient}/outcomes/lefs/record/",
]


@pytest.fixture
def chart():
    patient = PatientFactory()
    return {
        "patient": patient.pk,
        "evaluation": EvaluationFactory(patient=patient).pk,
        "gait": GaitAnalysisFactory(patient=patient).pk,
        "result": OutcomeResultFactory(patient=patient).pk,
    }


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_runner_gets_404_on_notes(url, chart, runner, client_for):
    """A runner never sees notes, gait analyses or the clinic's outcome pages."""
    assert client_for(runner).get(url.format(**chart)).status_code == 404


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_front_desk_gets_404_on_notes(url, chart, front_desk, client_for):
    """The front desk sees no clinical notes."""
    assert client_for(front_desk).get(url.format(**chart)).status_code == 404


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_anonymous_is_sent_to_login(url, chart, client):
    """Signed-out visitors go to the login page."""
    response = client.get(url.format(**chart))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", NOTE_PAGES)
def test_therapist_opens_every_page(url, chart, therapist, client_for):
    """Each page opens for a therapist."""
    assert client_for(therapist).get(url.format(**chart)).status_code == 200


def test_missing_objects_answer_404(therapist, client_for):
    """An id that does not exist answers 404."""
    client = client_for(therapist)
    assert client.get("/clinical/evaluations/999999/").status_code == 404
    assert client.get("/clinical/patients/999999/").status_code == 404
    assert client.get("/clinical/gait/999999/").status_code == 404


def test_wrong_methods_answer_405(chart, therapist, client_for):
    """POST-only and GET-only pages refuse the other method."""
    client = client_for(therapist)
    assert client.get(f"/clinical/evaluations/{chart['evaluation']}/addenda/").status_code == 405
    assert client.post(f"/clinical/evaluations/{chart['evaluation']}/").status_code == 405
    assert client.post("/clinical/evaluations/").status_code == 405
    assert client.get(f"/clinical/patients/{chart['patient']}/schedules/new/").status_code == 405


def _evaluation_post(**changes):
    data = {
        "kind": "initial",
        "evaluated_on": "2026-03-02",
        "history": "Gradual anterior knee pain, worse on stairs.",
        "profile_weekly_km": "42.5",
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


@pytest.mark.parametrize("url", ["/clinical/evaluations/", "/clinical/patients/"])
def test_list_pages_run_constant_queries(url, therapist, client_for):
    """The list pages run the same number of queries for 1 and 30 rows."""
    client = client_for(therapist)
    EvaluationFactory()
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    for _ in range(24):
        EvaluationFactory()
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(one) == len(many)


def _api(client, user, method, url, **kwargs):
    _, token = api_token_create(user=user, name="t")
    return getattr(client, method)(
        url, headers={"Authorization": f"Bearer {token}"}, content_type="application/json", **kwargs
    )


def test_api_create_sign_and_addendum(therapist, client):
    """The API creates a draft, signs it and adds an addendum."""
    patient = PatientFactory()
    created = _api(
        client,
        therapist,
        "post",
        "/api/v1/evaluations",
        data={"patient": patient.pk, "evaluated_on": "2026-03-02", "working_diagnosis": "itbs"},
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert _api(client, therapist, "post", f"/api/v1/evaluations/{pk}/sign").status_code == 200
    again = _api(client, therapist, "post", f"/api/v1/evaluations/{pk}/sign")
    assert again.status_code == 409
    added = _api(
        client, therapist, "post", f"/api/v1/evaluations/{pk}/addenda", data={"text": "Note"}
    )
    assert added.status_code == 201
    body = _api(client, therapist, "get", f"/api/v1/evaluations/{pk}").json()
    assert body["status"] == "signed" and body["addenda"][0]["text"] == "Note"


def test_api_rejects_bad_input(therapist, client):
    """An unknown diagnosis is a 422; a bad ICD-10 code a 400 naming the field."""
    patient = PatientFactory()
    bad = _api(
        client,
        therapist,
        "post",
        "/api/v1/evaluations",
        data={"patient": patient.pk, "evaluated_on": "2026-03-02", "working_diagnosis": "flu"},
    )
    assert bad.status_code == 422
    icd = _api(
        client,
        therapist,
        "post",
        "/api/v1/evaluations",
        data={"patient": patient.pk, "evaluated_on": "2026-03-02", "icd10": "nonsense"},
    )
    assert icd.status_code == 400 and "icd10" in icd.json()["errors"]


@pytest.mark.parametrize("role", [Role.RUNNER, Role.FRONT_DESK])
def test_api_notes_are_404_for_runner_and_front_desk(role, make_user, client, chart):
    """Runners and the front desk get 404 from the notes API."""
    user = make_user(role)
    assert (
        _api(client, user, "get", f"/api/v1/evaluations/{chart['evaluation']}").status_code == 404
    )
    listing = _api(client, user, "get", f"/api/v1/evaluations?patient={chart['patient']}")
    assert listing.status_code == 404
