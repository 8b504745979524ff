"""The runner's own record (HIPAA right of access): PDF to read, JSON to keep."""

import json

import pytest
from django.urls import reverse

from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from patients.models import StaffProfile
from tests.records.conftest import elsewhere
from tests.records.test_letters import pdf_text

pytestmark = pytest.mark.django_db

SECTIONS = {
    "schema": str,
    "clinic": str,
    "generated_at": str,
    "patient": dict,
    "running_profile": (dict, type(None)),
    "referring_provider": (dict, type(None)),
    "consents": list,
    "appointments": list,
    "screenings": list,
    "evaluations": list,
    "gait_analyses": list,
    "outcome_results": list,
    "programs": list,
    "session_logs": list,
    "runs": list,
    "files": list,
    "video_measurements": list,
}


def download_json(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="dang-pt-record-')
    assert response["Cache-Control"] == "no-store, private"
    return json.loads(response.content)


def test_runner_json_holds_their_record_and_nobody_elses(
    client_for, runner, full_record, other_runner_record
):
    """Every part of the runner's record is in their JSON, and nothing of the other runner's."""
    record = download_json(client_for(runner), reverse("records:mine_json"))
    assert set(record) == set(SECTIONS)
    for key, kind in SECTIONS.items():
        assert isinstance(record[key], kind), key
    assert record["schema"] == "dangpt.patient-record/1"
    assert record["patient"]["last_name"] == runner.patient.last_name
    assert record["referring_provider"]["name"] == "Dr. Ana Ruiz ALPHA, MD"
    assert record["referring_provider"]["phone_display"] == "(323) 555-0142"
    counts = {key: len(record[key]) for key in SECTIONS if isinstance(record[key], list)}
    assert counts == {
        "consents": 0,
        "appointments": 1,
        "screenings": 1,
        "evaluations": 3,
        "gait_analyses": 1,
        "outcome_results": 2,
        "programs": 1,
        "session_logs": 1,
        "runs": 1,
        "files": 0,
        "video_measurements": 0,
    }
    assert [e["kind"] for e in record["evaluations"]] == ["initial", "follow_up", "discharge"]
    assert record["evaluations"][0]["working_diagnosis_label"].startswith("Patellofemoral")
    assert record["screenings"][0]["conditions"][0]["label"]
    assert len(record["programs"][0]["exercises"]) == 2
    assert record["runs"][0]["distance_km"] == 8.0 and record["runs"][0]["distance_miles"] == 4.97
    assert [s["score"] for s in record["outcome_results"]] == [40, 60]
    body = json.dumps(record)
    assert "ALPHA" in body and "BRAVO" not in body and "Bravo" not in body
    row = AccessLog.objects.get(kind=AccessKind.RECORD_EXPORT)
    assert (row.patient_id, row.user_id, row.what) == (
        runner.patient.pk,
        runner.pk,
        "record download json",
    )


def test_drafts_are_not_in_the_record(client_for, runner, therapist):
    """A note still being written is not part of the record until signed."""
    from assessments.services import evaluation_create

    evaluation_create(
        patient=runner.patient, therapist=therapist, fields={"evaluated_on": "2026-03-02"}
    )
    record = download_json(client_for(runner), reverse("records:mine_json"))
    assert record["evaluations"] == []


def test_runner_pdf_reads_as_their_record(client_for, runner, full_record, other_runner_record):
    """The PDF names the runner, shows their notes in words and has no internal codes."""
    response = client_for(runner).get(reverse("records:mine_pdf"))
    assert response.status_code == 200
    text = " ".join(pdf_text(response).split())
    patient = runner.patient
    assert f"Health record of {patient.first_name} {patient.last_name}" in text
    assert "May 17, 1990" in text  # the date of birth as people read it
    assert "Discharge" in text and "Patellofemoral pain (runner's knee)" in text
    assert "4.97 mi" in text and "Lower Extremity Functional Scale" in text
    assert "Where does it hurt? Front of the knee" in text  # answers as they were asked
    assert "ALPHA" in text and "BRAVO" not in text
    for code in ("pfps", "follow_up", "no_show", "runner_questionnaire", "_"):
        assert code not in text, code
    assert AccessLog.objects.filter(kind=AccessKind.RECORD_EXPORT, what="record download pdf")


def test_staff_produce_the_same_record(client_for, therapist, manager, runner, full_record):
    """A therapist at the runner's location and the manager download the runner's record."""
    url = reverse("records:patient_json", args=[runner.patient.pk])
    mine = download_json(client_for(runner), reverse("records:mine_json"))
    for user in (therapist, manager):
        theirs = download_json(client_for(user), url)
        assert {k: v for k, v in theirs.items() if k != "generated_at"} == {
            k: v for k, v in mine.items() if k != "generated_at"
        }
    assert AccessLog.objects.filter(kind=AccessKind.RECORD_EXPORT).count() == 3


def test_who_may_not_download_a_record(
    client_for, make_user, runner, full_record, other_runner_record
):
    """The front desk, a therapist elsewhere and another runner get 404; nothing is logged."""
    away = make_user(Role.THERAPIST)
    StaffProfile.objects.get(user=away).locations.set([elsewhere()])
    other = other_runner_record.user
    for name in ("records:patient_json", "records:patient_pdf"):
        url = reverse(name, args=[runner.patient.pk])
        for user in (make_user(Role.FRONT_DESK), away, other, runner):
            assert client_for(user).get(url).status_code == 404, (name, user)
    staff = make_user(Role.FRONT_DESK)
    for name in ("records:mine", "records:mine_json", "records:mine_pdf"):
        assert client_for(staff).get(reverse(name)).status_code == 404
    assert not AccessLog.objects.filter(kind=AccessKind.RECORD_EXPORT).exists()


def test_anonymous_goes_to_sign_in(client):
    """Signed out, every record URL sends to the sign-in page."""
    for url in (reverse("records:mine_json"), reverse("records:patient_pdf", args=[1])):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_portal_page_offers_both_downloads(client_for, runner):
    """The runner's record page links the PDF and the JSON; the navigation links the page."""
    html = client_for(runner).get(reverse("records:mine")).content.decode()
    assert reverse("records:mine_pdf") in html and reverse("records:mine_json") in html
    assert f'href="{reverse("records:mine")}"' in html


def test_record_downloads_refuse_post(client_for, runner, therapist):
    """The downloads are reads: POST is 405."""
    assert client_for(runner).post(reverse("records:mine_json")).status_code == 405
    url = reverse("records:patient_json", args=[runner.patient.pk])
    assert client_for(therapist).post(url).status_code == 405


def test_every_phone_is_e164_with_a_display_twin(client_for, runner):
    """A number typed before normalising ("213-555-0199") leaves in the same form as the rest."""
    from patients.models import Patient

    Patient.objects.filter(pk=runner.patient.pk).update(
        phone="213-555-0199", emergency_contact_phone="+13235550177"
    )
    patient = download_json(client_for(runner), reverse("records:mine_json"))["patient"]
    assert (patient["phone"], patient["phone_display"]) == ("+12135550199", "(213) 555-0199")
    assert patient["emergency_contact_phone"] == "+13235550177"
    assert patient["emergency_contact_phone_display"] == "(323) 555-0177"


def test_gait_labels_keep_their_abbreviations(client_for, runner, therapist):
    """The label reads "Knee valgus (FPPA)", not "Knee valgus (fppa)"."""
    from tests.assessments.factories import GaitAnalysisFactory

    GaitAnalysisFactory(patient=runner.patient, therapist=therapist, knee_valgus_left_deg=9)
    record = download_json(client_for(runner), reverse("records:mine_json"))
    assert "Knee valgus (FPPA), left (°)" in record["gait_analyses"][0]["shown"]


def test_videos_and_files_are_in_both_downloads(client_for, runner, therapist):
    """Files on the chart with the shared clip's cues and the measurements marked on video, in
    the JSON and the PDF; a file of a draft note is not yet part of the record."""
    from assessments.services import clip_measurement_record, evaluation_create
    from tests.assessments.clip_factories import ready_video
    from tests.assessments.factories import GaitAnalysisFactory

    patient = runner.patient
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist)
    clip = ready_video(
        patient=patient,
        uploaded_by=therapist,
        label="Treadmill, back view",
        shared_with_runner=True,
        runner_cues="Land under your hips",
    )
    draft = evaluation_create(
        patient=patient, therapist=therapist, fields={"evaluated_on": "2026-03-02"}
    )
    ready_video(patient=patient, uploaded_by=therapist, label="Draft clip", evaluation=draft)
    clip_measurement_record(
        clip=clip,
        gait_analysis=gait,
        therapist=therapist,
        kind="pelvic_drop",
        side="right",
        time_s=0.25,
        points=[[100, 100], [200, 107]],
    )
    client = client_for(runner)
    record = download_json(client, reverse("records:mine_json"))
    assert [(f["name"], f["kind_label"], f["runner_cues"]) for f in record["files"]] == [
        ("Treadmill, back view", "Video", "Land under your hips")
    ]
    [measured] = record["video_measurements"]
    assert measured["value_display"] == "4.0°" and measured["video"] == "Treadmill, back view"
    text = " ".join(pdf_text(client.get(reverse("records:mine_pdf"))).split())
    assert "Videos and files" in text and "Land under your hips" in text
    assert "Contralateral pelvic drop, right stance" in text and "Draft clip" not in text


def test_gait_speed_and_shoes_read_miles_first_in_the_pdf_and_km_in_the_json(
    client_for, runner, therapist
):
    """The PDF prints "6.2 mph (10.0 km/h)" and "311 mi (500 km)"; the JSON keeps kilometres."""
    from tests.assessments.factories import GaitAnalysisFactory

    GaitAnalysisFactory(patient=runner.patient, therapist=therapist, speed_kmh=10, shoe_km=500)
    client = client_for(runner)
    record = download_json(client, reverse("records:mine_json"))
    gait = record["gait_analyses"][0]
    assert gait["shown"]["Speed (km/h)"] == 10.0 and gait["shown"]["Shoe age (km)"] == 500
    text = " ".join(pdf_text(client.get(reverse("records:mine_pdf"))).split())
    assert "6.2 mph (10.0 km/h)" in text and "311 mi (500 km)" in text
    assert "Speed (km/h)" not in text and "Shoe age (km)" not in text
