"""Gait pages and services: recording, invalid input, locking with the signed note, comparison."""

import pytest
from django.core.exceptions import ValidationError

from assessments.models import GaitAnalysis
from assessments.services import evaluation_sign, gait_create, gait_update
from dangpt.roles import Role
from tests.assessments.factories import EvaluationFactory, GaitAnalysisFactory
from tests.factories import PatientFactory

GAIT_POST = {
    "recorded_on": "2026-03-02",
    "surface": "treadmill",
    "speed_mph": "6.5",
    "cadence_spm": "162",
    "foot_strike_left": "rearfoot",
    "foot_strike_right": "rearfoot",
    "overstride_cm": "14",
    "pelvic_drop_left_deg": "7",
    "pelvic_drop_right_deg": "3",
    "step_width": "crossover",
    "arm_swing": "normal",
    "shoes": "Pegasus 40",
    "video_links_text": "https://video.example/sagittal\nhttps://video.example/posterior",
    "cues": "Quicker, lighter steps",
    "target_cadence_spm": "174",
    "follow_up_on": "2026-04-13",
}


@pytest.mark.django_db
def test_therapist_records_gait_for_a_draft_note(therapist, client_for):
    """A gait analysis saved from a note is attached to it with its video links."""
    evaluation = EvaluationFactory(therapist=therapist)
    response = client_for(therapist).post(
        f"/clinical/patients/{evaluation.patient_id}/gait/new/?evaluation={evaluation.pk}",
        GAIT_POST,
    )
    assert response.status_code == 302
    gait = GaitAnalysis.objects.get()
    assert gait.evaluation == evaluation and gait.therapist == therapist
    assert gait.video_links == ["https://video.example/sagittal", "https://video.example/posterior"]
    assert gait.target_cadence_spm == 174


@pytest.mark.django_db
def test_cadence_may_be_left_for_the_video_tool(therapist, client_for):
    """Cadence is optional (the video player fills it); the page says it is not recorded yet."""
    patient = PatientFactory()
    client = client_for(therapist)
    response = client.post(
        f"/clinical/patients/{patient.pk}/gait/new/", {**GAIT_POST, "cadence_spm": ""}
    )
    assert response.status_code == 302
    gait = GaitAnalysis.objects.get()
    assert gait.cadence_spm is None
    assert "Not recorded yet" in client.get(f"/clinical/gait/{gait.pk}/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"cadence_spm": "40"}, "cadence_spm"),
        ({"speed_mph": ""}, "speed_mph"),
        ({"speed_mph": "24.9"}, "speed_mph"),
        ({"surface": "sand"}, "surface"),
        ({"video_links_text": "javascript:alert(1)"}, "video_links_text"),
    ],
)
def test_invalid_gait_input_is_refused_at_the_field(changes, field, therapist, client_for):
    """Bad values are shown at their field and nothing is saved."""
    patient = PatientFactory()
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/gait/new/", {**GAIT_POST, **changes}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not GaitAnalysis.objects.exists()


@pytest.mark.django_db
def test_gait_of_a_signed_note_is_locked(therapist, client_for):
    """Once the note is signed its gait analysis cannot be edited."""
    evaluation = EvaluationFactory(therapist=therapist)
    gait = GaitAnalysisFactory(patient=evaluation.patient, evaluation=evaluation)
    evaluation_sign(evaluation=evaluation, user=therapist)
    with pytest.raises(ValidationError):
        gait_update(gait=gait, user=therapist, fields={"cadence_spm": 180})
    response = client_for(therapist).post(f"/clinical/gait/{gait.pk}/edit/", GAIT_POST)
    assert response.status_code == 302
    gait.refresh_from_db()
    assert gait.cadence_spm == 164


@pytest.mark.django_db
def test_a_colleague_cannot_add_or_change_gait_in_someone_elses_draft(
    therapist, make_user, client_for
):
    """Another therapist gets 404 on the note's gait pages and a refusal from the services."""
    evaluation = EvaluationFactory(therapist=therapist)
    gait = GaitAnalysisFactory(patient=evaluation.patient, evaluation=evaluation)
    colleague = make_user(Role.THERAPIST)
    client = client_for(colleague)
    new = f"/clinical/patients/{evaluation.patient_id}/gait/new/?evaluation={evaluation.pk}"
    assert client.get(new).status_code == 404
    assert client.post(new, GAIT_POST).status_code == 404
    assert client.get(f"/clinical/gait/{gait.pk}/edit/").status_code == 404
    assert client.post(f"/clinical/gait/{gait.pk}/edit/", GAIT_POST).status_code == 404
    page = client.get(f"/clinical/evaluations/{evaluation.pk}/").content.decode()
    assert "Add gait analysis" not in page
    with pytest.raises(ValidationError, match="Only the note's author"):
        gait_create(
            patient=evaluation.patient, therapist=colleague, evaluation=evaluation, fields={}
        )
    with pytest.raises(ValidationError, match="Only the note's author"):
        gait_update(gait=gait, user=colleague, fields={"cadence_spm": 180})
    gait.refresh_from_db()
    assert gait.cadence_spm == 164 and evaluation.gait_analyses.count() == 1
    author_page = client_for(therapist).get(f"/clinical/evaluations/{evaluation.pk}/")
    assert "Add gait analysis" in author_page.content.decode()


@pytest.mark.django_db
def test_comparison_page_highlights_changes_and_asymmetry(therapist, client_for):
    """Two analyses side by side: the cadence change is highlighted, asymmetry shown."""
    patient = PatientFactory()
    first = GaitAnalysisFactory(
        patient=patient, recorded_on="2026-03-01", cadence_spm=160, pelvic_drop_left_deg=7,
        pelvic_drop_right_deg=3,
    )  # fmt: skip
    second = GaitAnalysisFactory(patient=patient, recorded_on="2026-04-12", cadence_spm=172)
    client = client_for(therapist)
    response = client.get(
        f"/clinical/patients/{patient.pk}/gait/compare/?before={second.pk}&after={first.pk}"
    )
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison["before"] == first  # ordered by date whatever the query says
    cadence = next(r for r in comparison["rows"] if r["field"] == "cadence_spm")
    assert cadence["change"] == 12 and cadence["changed"]
    assert comparison["asymmetry_before"][0]["index"] == 80.0
    assert b'class="table-info changed"' in response.content


@pytest.mark.django_db
def test_comparison_refuses_other_patients_and_same_analysis(therapist, client_for):
    """Another patient's analysis or the same one twice is a form error, not a comparison."""
    patient = PatientFactory()
    mine = GaitAnalysisFactory(patient=patient)
    other = GaitAnalysisFactory()
    client = client_for(therapist)
    url = f"/clinical/patients/{patient.pk}/gait/compare/"
    assert client.get(f"{url}?before={mine.pk}&after={other.pk}").status_code == 400
    assert client.get(f"{url}?before={mine.pk}&after={mine.pk}").status_code == 400
