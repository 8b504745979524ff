"""Evaluation API: create, sign, addenda, bad input and scoping."""

import pytest

from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _api(client, user, method, url, **kwargs):
    _, token = api_token_create(user=user, name="t", second_factor=True)
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


def test_signed_note_edit_refused_in_the_api(signed, therapist, client):
    """PATCH on a signed note answers 409 and changes nothing."""
    _, token = api_token_create(user=therapist, name="test", second_factor=True)
    response = client.patch(
        f"/api/v1/evaluations/{signed.pk}",
        data={"history": "Rewritten"},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 409
    assert "locked" in response.json()["detail"]
    signed.refresh_from_db()
    assert signed.history == "Knee pain"


def test_another_therapist_cannot_edit_or_sign_a_draft_in_the_api(draft, make_user, client):
    """PATCH and sign on someone else's draft answer 404 and change nothing; reading works."""
    colleague = make_user(Role.THERAPIST)
    url = f"/api/v1/evaluations/{draft.pk}"
    assert _api(client, colleague, "patch", url, data={"history": "Rewritten"}).status_code == 404
    assert _api(client, colleague, "post", f"{url}/sign").status_code == 404
    assert _api(client, colleague, "get", url).status_code == 200
    draft.refresh_from_db()
    assert (draft.history, draft.status) == ("Knee pain", "draft")
