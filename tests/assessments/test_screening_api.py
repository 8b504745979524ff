"""POST /api/v1/screenings and GET /api/v1/screenings/{id}: therapists only, scoped, atomic."""

import pytest

from assessments.models import Screening, ScreeningStatus
from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.assessments.factories import DVT_ANSWERS, KNEE_ANSWERS, ScreeningFactory
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/screenings"


@pytest.fixture
def api_as(client):
    """Return a function making API calls with a bearer token of the given user."""

    def call(user, method, url, body=None):
        _, raw = api_token_create(user=user, second_factor=True)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if method == "post":
            return client.post(url, body, content_type="application/json", **headers)
        return getattr(client, method)(url, **headers)

    return call


def test_therapist_screens_and_stores(api_as, therapist):
    """A therapist gets 201 with the result and the stored screening's id; it is stored reviewed."""
    patient = PatientFactory()
    response = api_as(therapist, "post", URL, {"patient": patient.pk, "answers": DVT_ANSWERS})
    assert response.status_code == 201
    body = response.json()
    screening = Screening.objects.get(pk=body["id"])
    assert screening.patient == patient
    assert screening.status == ScreeningStatus.REVIEWED
    assert screening.reviewed_by == therapist
    assert screening.created_by == therapist
    assert body["disposition"] == "refer" == screening.disposition
    assert body["urgency"] == "same_day"
    assert body["red_flags"][0]["code"] == "suspected_dvt"
    assert len(body["conditions"]) == 6
    assert body["ruleset_version"] == screening.ruleset_version
    assert body["acknowledgement"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"mood": "great"}, "answers.mood"),
        ({"pain_now": "7"}, "answers.pain_now"),
        ({"pain_now": 11}, "answers.pain_now"),
        ({"regions": []}, "answers.regions"),
        ({"exam": {"hop_pain": 1}}, "answers.exam.hop_pain"),
    ],
)
def test_invalid_answers_name_the_field_and_store_nothing(api_as, therapist, change, field):
    """Invalid answers answer 400 naming the field, and nothing is stored."""
    body = {"patient": PatientFactory().pk, "answers": {**KNEE_ANSWERS, **change}}
    response = api_as(therapist, "post", URL, body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Screening.objects.exists()


def test_every_bad_field_is_named(api_as, therapist):
    """All bad answers are reported together."""
    answers = {**KNEE_ANSWERS, "regions": [], "pain_now": 11, "bogus": 1}
    response = api_as(therapist, "post", URL, {"patient": PatientFactory().pk, "answers": answers})
    assert set(response.json()["errors"]) == {
        "answers.regions",
        "answers.pain_now",
        "answers.bogus",
    }


@pytest.mark.parametrize(
    "body",
    [{"patient": "x", "answers": KNEE_ANSWERS}, {"patient": 1, "answers": [1]}, {"answers": {}}],
)
def test_malformed_body_is_422(api_as, therapist, body):
    """A body of the wrong shape is 422 with the JSON error format, and nothing is stored."""
    response = api_as(therapist, "post", URL, body)
    assert response.status_code == 422
    assert response.json()["errors"]
    assert not Screening.objects.exists()


def test_unknown_patient_is_404(api_as, therapist):
    """A patient id that does not exist answers 404 and stores nothing."""
    response = api_as(therapist, "post", URL, {"patient": 999999, "answers": KNEE_ANSWERS})
    assert response.status_code == 404
    assert not Screening.objects.exists()


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.MANAGER, Role.RUNNER])
def test_other_roles_get_404(api_as, make_user, role):
    """Only therapists may screen through the API; others are told there is nothing here."""
    body = {"patient": PatientFactory().pk, "answers": KNEE_ANSWERS}
    assert api_as(make_user(role), "post", URL, body).status_code == 404
    assert not Screening.objects.exists()


def test_runner_cannot_screen_even_themselves(api_as, runner):
    """A runner's token cannot store a screening, not even of their own record."""
    body = {"patient": runner.patient.pk, "answers": KNEE_ANSWERS}
    assert api_as(runner, "post", URL, body).status_code == 404


def test_without_token_is_401(client):
    """No token, no screening."""
    response = client.post(
        URL, {"patient": 1, "answers": KNEE_ANSWERS}, content_type="application/json"
    )
    assert response.status_code == 401


def test_therapist_reads_a_stored_screening(api_as, therapist):
    """GET returns the stored result with the id."""
    screening = ScreeningFactory()
    response = api_as(therapist, "get", f"{URL}/{screening.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] == screening.pk
    assert body["conditions"][0]["code"] == "pfps"
    assert body["status"] == "draft"


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.RUNNER])
def test_others_cannot_read_a_screening(api_as, make_user, role):
    """Front desk and runners get 404 for a screening."""
    screening = ScreeningFactory()
    assert api_as(make_user(role), "get", f"{URL}/{screening.pk}").status_code == 404


def test_unknown_screening_is_404(api_as, therapist):
    """An id that does not exist answers 404."""
    assert api_as(therapist, "get", f"{URL}/424242").status_code == 404
