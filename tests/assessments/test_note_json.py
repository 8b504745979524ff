"""The note's JSON fields, `exam` and `running_profile`: checked on the way in, read safely."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from assessments.models import Evaluation
from assessments.services import evaluation_create, evaluation_sign
from dangpt.services import api_token_create
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

GOOD_EXAM = {
    "rom": {"knee_to_wall_cm": {"left": 9, "right": 11.5}},
    "strength": {"hip_abduction": {"left": 18.2}},
    "special_tests": {"windlass_positive": "negative", "hop_pain": "positive"},
}
GOOD_PROFILE = {
    "weekly_km": 42.5,
    "runs_per_week": 4,
    "goal_race": "LA Marathon",
    "goal_race_date": "2027-03-21",
    "surfaces": ["road", "trail"],
}
# What the API stored before it checked these fields, from a note that is now signed.
MALFORMED_EXAMS = (
    [1, 2, 3],
    "knee",
    {"rom": "full"},
    {"rom": {"knee_to_wall_cm": 9}},
    {"rom": {"knee_to_wall_cm": {"left": "a lot"}}, "special_tests": ["hop_pain"]},
    {"strength": {"hip_abduction": [1, 2]}, "special_tests": {"hop_pain": True}},
)
MALFORMED_PROFILES = ([1], "fast", {"weekly_km": {"nested": 1}, "surfaces": "road"}, {"x": 1})


def _headers(user) -> dict:
    _, token = api_token_create(user=user, name="t", second_factor=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _create(client, therapist, patient, **fields):
    body = {"patient": patient.pk, "evaluated_on": "2026-03-02", **fields}
    return client.post(
        "/api/v1/evaluations", body, content_type="application/json", **_headers(therapist)
    )


def test_api_stores_a_well_formed_exam_and_profile(client, therapist):
    """A valid exam and profile are stored as given, only measured values kept."""
    response = _create(
        client, therapist, PatientFactory(), exam=GOOD_EXAM, running_profile=GOOD_PROFILE
    )
    assert response.status_code == 201, response.content
    evaluation = Evaluation.objects.get(pk=response.json()["id"])
    assert evaluation.exam == GOOD_EXAM
    assert evaluation.running_profile == GOOD_PROFILE
    assert response.json()["exam"]["rom"]["knee_to_wall_cm"] == {"left": 9.0, "right": 11.5}


@pytest.mark.parametrize(
    ("fields", "error_key"),
    [
        ({"exam": {"rom": "full"}}, "exam.rom"),
        ({"exam": {"rom": {"knee_to_wall_cm": 9}}}, "exam.rom.knee_to_wall_cm"),
        (
            {"exam": {"rom": {"knee_to_wall_cm": {"left": "a lot"}}}},
            "exam.rom.knee_to_wall_cm.left",
        ),
        ({"exam": {"rom": {"knee_to_wall_cm": {"middle": 3}}}}, "exam.rom.knee_to_wall_cm.middle"),
        ({"exam": {"rom": {"elbow_deg": {"left": 3}}}}, "exam.rom.elbow_deg"),
        (
            {"exam": {"strength": {"hip_abduction": {"left": 9000}}}},
            "exam.strength.hip_abduction.left",
        ),
        ({"exam": {"special_tests": {"hop_pain": True}}}, "exam.special_tests.hop_pain"),
        ({"exam": {"x_ray": "clear"}}, "exam.x_ray"),
        ({"exam": [1, 2]}, "exam"),
        ({"running_profile": {"weekly_km": "lots"}}, "running_profile.weekly_km"),
        ({"running_profile": {"runs_per_week": 40}}, "running_profile.runs_per_week"),
        ({"running_profile": {"surfaces": ["sand"]}}, "running_profile.surfaces.0"),
        ({"running_profile": {"goal_race_date": "soon"}}, "running_profile.goal_race_date"),
        ({"running_profile": {"favourite_colour": "red"}}, "running_profile.favourite_colour"),
        ({"running_profile": "fast"}, "running_profile"),
    ],
)
def test_api_refuses_malformed_json_fields_with_422(client, therapist, fields, error_key):
    """A malformed exam or profile is a 422 naming the key; no note is stored."""
    response = _create(client, therapist, PatientFactory(), **fields)
    assert response.status_code == 422, response.content
    assert error_key in response.json()["errors"], response.json()
    assert not Evaluation.objects.exists()


def test_api_patch_refuses_a_malformed_exam_and_keeps_the_draft(client, therapist, draft):
    """PATCH with a malformed exam is a 422 and the draft keeps its exam."""
    Evaluation.objects.filter(pk=draft.pk).update(exam=GOOD_EXAM)
    response = client.patch(
        f"/api/v1/evaluations/{draft.pk}",
        {"exam": {"special_tests": {"hop_pain": "maybe"}}},
        content_type="application/json",
        **_headers(therapist),
    )
    assert response.status_code == 422
    assert "exam.special_tests.hop_pain" in response.json()["errors"]
    draft.refresh_from_db()
    assert draft.exam == GOOD_EXAM


def test_service_refuses_a_malformed_exam_from_any_caller(therapist):
    """The service checks the JSON fields too: no write path stores a malformed exam."""
    with pytest.raises(ValidationError) as raised:
        evaluation_create(
            patient=PatientFactory(),
            therapist=therapist,
            fields={"evaluated_on": "2026-03-02", "exam": {"rom": {"knee_to_wall_cm": 9}}},
        )
    assert "exam.rom.knee_to_wall_cm" in raised.value.message_dict
    assert not Evaluation.objects.exists()


def _signed_with(therapist, *, exam, running_profile) -> Evaluation:
    """A note whose stored JSON was written before the checks, then signed (and so locked)."""
    note = evaluation_create(
        patient=PatientFactory(),
        therapist=therapist,
        fields={"evaluated_on": "2026-03-02", "working_diagnosis": "pfps"},
    )
    Evaluation.objects.filter(pk=note.pk).update(exam=exam, running_profile=running_profile)
    return evaluation_sign(evaluation=Evaluation.objects.get(pk=note.pk), user=therapist)


@pytest.mark.parametrize("exam", MALFORMED_EXAMS)
@pytest.mark.parametrize("running_profile", MALFORMED_PROFILES)
def test_a_signed_note_with_malformed_json_still_opens(client, therapist, exam, running_profile):
    """Old malformed rows open on the page, the history page and the API, showing what fits."""
    note = _signed_with(therapist, exam=exam, running_profile=running_profile)
    client.force_login(therapist)
    for name in ("assessments:evaluation_detail", "assessments:evaluation_history"):
        page = client.get(reverse(name, args=[note.pk]))
        assert page.status_code == 200, name
    api = client.get(f"/api/v1/evaluations/{note.pk}", **_headers(therapist))
    assert api.status_code == 200, api.content
    listing = client.get(f"/api/v1/evaluations?patient={note.patient_id}", **_headers(therapist))
    assert listing.status_code == 200, listing.content


def test_a_partly_malformed_exam_shows_the_parts_that_fit(client, therapist):
    """A stored exam with one bad row still shows its good rows, on the page and in the API."""
    exam = {
        "rom": {"knee_to_wall_cm": {"left": 9}, "hip_extension_deg": "full"},
        "special_tests": {"windlass_positive": "positive", "hop_pain": "ouch"},
    }
    note = _signed_with(therapist, exam=exam, running_profile={"weekly_km": 30, "x": [1]})
    client.force_login(therapist)
    page = client.get(reverse("assessments:evaluation_detail", args=[note.pk])).content.decode()
    assert "Ankle dorsiflexion, knee-to-wall (cm)" in page
    assert "Windlass test positive" in page and "Pain on hopping" not in page
    assert "Weekly distance" in page and "18.6 mi" in page and "weekly_km" not in page
    body = client.get(f"/api/v1/evaluations/{note.pk}", **_headers(therapist)).json()
    assert body["exam"]["rom"]["knee_to_wall_cm"] == {"left": 9.0, "right": None}
    assert body["exam"]["rom"]["hip_extension_deg"] is None
    assert body["exam"]["special_tests"]["windlass_positive"] == "positive"
    assert body["exam"]["special_tests"]["hop_pain"] is None
    assert body["running_profile"]["weekly_km"] == 30


def test_a_draft_with_a_malformed_exam_opens_in_the_editor(client, therapist, draft):
    """A draft with a malformed stored exam opens in the editor with the fields that fit."""
    Evaluation.objects.filter(pk=draft.pk).update(
        exam={"rom": {"knee_to_wall_cm": {"left": 9}, "hip_extension_deg": 3}},
        running_profile=["not", "a", "profile"],
    )
    client.force_login(therapist)
    response = client.get(reverse("assessments:evaluation_edit", args=[draft.pk]))
    assert response.status_code == 200
    assert response.context["form"]["rom_knee_to_wall_cm_left"].initial == 9
