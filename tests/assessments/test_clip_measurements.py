"""Measurements marked on gait video: server-side checks, the gait fields they fill, the pages."""

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from assessments.models import ClipMeasurement, GaitAnalysis
from assessments.services import clip_measurement_record, evaluation_sign
from dangpt.models import AccessKind, AccessLog
from tests.assessments.clip_factories import ready_video
from tests.assessments.factories import EvaluationFactory, GaitAnalysisFactory
from tests.factories import PatientFactory, move_elsewhere

# Hip above a knee 10 px inward above the ankle: 11.4° of knee valgus (frontal-plane angle).
VALGUS_POINTS = [[100, 20], [110, 120], [100, 220]]


@pytest.fixture
def setup(therapist):
    """A patient with two ready clips and a gait analysis (not in a note)."""
    patient = PatientFactory()
    return {
        "patient": patient,
        "left": ready_video(patient=patient, uploaded_by=therapist, label="Before"),
        "right": ready_video(patient=patient, uploaded_by=therapist, label="After"),
        "gait": GaitAnalysisFactory(patient=patient, therapist=therapist),
    }


def _post(client, clip, **changes):
    data = {
        "kind": "knee_valgus",
        "side": "left",
        "gait_analysis": "",
        "time": "0.517",
        "points": json.dumps(VALGUS_POINTS),
        "taps": "[]",
        **changes,
    }
    return client.post(f"/clinical/attachments/{clip.pk}/measurements/", data)


# --- Service ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_angle_is_recomputed_and_fills_the_field_of_its_side(setup, therapist):
    """Three points give 11.4° of left knee valgus, saved with the clip time and on the gait."""
    measurement = clip_measurement_record(
        clip=setup["left"],
        gait_analysis=setup["gait"],
        therapist=therapist,
        kind="knee_valgus",
        side="left",
        time_s=0.517,
        points=VALGUS_POINTS,
    )
    assert measurement.value == Decimal("11.4") and measurement.time_s == Decimal("0.517")
    assert measurement.gait_field == "knee_valgus_left_deg"
    gait = GaitAnalysis.objects.get(pk=setup["gait"].pk)
    assert gait.knee_valgus_left_deg == Decimal("11.4") and gait.knee_valgus_right_deg is None


@pytest.mark.django_db
def test_cadence_from_taps_fills_cadence(setup, therapist):
    """Five contacts 1/3 s apart fill the cadence with 180 steps/min."""
    clip_measurement_record(
        clip=setup["left"],
        gait_analysis=setup["gait"],
        therapist=therapist,
        kind="cadence",
        time_s=0.1,
        taps=[0.1, 0.1 + 1 / 3, 0.1 + 2 / 3, 1.1, 0.1 + 4 / 3],
    )
    assert GaitAnalysis.objects.get(pk=setup["gait"].pk).cadence_spm == 180


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"points": [[100, 20], [110, 120], [100, 241]]}, "points"),  # below the 240 px frame
        ({"points": [[-1, 20], [110, 120], [100, 200]]}, "points"),
        ({"points": [[100, 20], [110, 120]]}, "points"),  # two points for a three-point angle
        ({"points": [[True, 20], [110, 120], [100, 200]]}, "points"),
        ({"points": [[float("nan"), 20], [110, 120], [100, 200]]}, "points"),
        ({"points": "oops"}, "points"),
        ({"time_s": 2.5}, "time"),  # past the 2 s clip
        ({"side": ""}, "side"),
        ({"kind": "hip_rotation"}, "kind"),
        ({"kind": "cadence", "taps": [0.1, 0.4, 0.7]}, "taps"),
        ({"kind": "cadence", "taps": [0.1, 0.4, 0.7, 3.0]}, "taps"),  # a tap past the end
    ],
)
def test_bad_points_times_or_kinds_are_refused_and_nothing_changes(
    changes, field, setup, therapist
):
    """Each bad input is refused at its field; no measurement row, the gait is unchanged."""
    args = {"kind": "knee_valgus", "side": "left", "time_s": 0.5, "points": VALGUS_POINTS}
    with pytest.raises(ValidationError) as refused:
        clip_measurement_record(
            clip=setup["left"],
            gait_analysis=setup["gait"],
            therapist=therapist,
            **{**args, **changes},
        )
    assert field in refused.value.message_dict
    assert not ClipMeasurement.objects.exists()
    assert GaitAnalysis.objects.get(pk=setup["gait"].pk).knee_valgus_left_deg is None


@pytest.mark.django_db
def test_gait_of_another_patient_or_a_signed_note_is_refused(setup, therapist):
    """A measurement fills only the clip's patient's gait, and never a signed note's."""
    other = GaitAnalysisFactory(therapist=therapist)
    with pytest.raises(ValidationError, match="patient in the video"):
        clip_measurement_record(
            clip=setup["left"],
            gait_analysis=other,
            therapist=therapist,
            kind="shank_angle",
            time_s=0.5,
            points=[[100, 100], [110, 200]],
        )
    note = EvaluationFactory(patient=setup["patient"], therapist=therapist)
    gait = GaitAnalysisFactory(patient=setup["patient"], therapist=therapist, evaluation=note)
    evaluation_sign(evaluation=note, user=therapist)
    with pytest.raises(ValidationError, match="signed"):
        clip_measurement_record(
            clip=setup["left"],
            gait_analysis=gait,
            therapist=therapist,
            kind="shank_angle",
            time_s=0.5,
            points=[[100, 100], [110, 200]],
        )
    assert not ClipMeasurement.objects.exists()


@pytest.mark.django_db
def test_a_clip_still_processing_cannot_be_measured(setup, therapist):
    """Only a ready video has the frame size and duration the checks need."""
    clip = ready_video(
        patient=setup["patient"], uploaded_by=therapist, status="pending", playable_name=""
    )
    with pytest.raises(ValidationError, match="not ready"):
        clip_measurement_record(
            clip=clip,
            gait_analysis=setup["gait"],
            therapist=therapist,
            kind="shank_angle",
            time_s=0.5,
            points=[[100, 100], [110, 200]],
        )


# --- The measurement endpoint ------------------------------------------------------------------


@pytest.mark.django_db
def test_post_saves_and_answers_json_ignoring_a_value_sent_by_the_client(
    setup, therapist, client_for
):
    """201 with the recomputed angle; a "value" in the body changes nothing."""
    response = _post(
        client_for(therapist), setup["left"], gait_analysis=setup["gait"].pk, value="45"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["value"] == 11.4 and body["value_display"] == "11.4°"
    assert body["label"] == "Knee valgus (frontal-plane knee angle), left stance"
    assert GaitAnalysis.objects.get(pk=setup["gait"].pk).knee_valgus_left_deg == Decimal("11.4")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"points": "[[100, 20], [110, 120], [100, 999]]"}, "points"),
        ({"points": "not json"}, "points"),
        ({"time": "abc"}, "time"),
        ({"gait_analysis": "999999"}, "gait_analysis"),
        ({"kind": "cadence", "taps": "[0.1, 0.2]"}, "taps"),
    ],
)
def test_bad_post_answers_422_with_field_errors(changes, field, setup, therapist, client_for):
    """Bad input answers {"detail", "errors"} naming the field; nothing is saved."""
    response = _post(
        client_for(therapist), setup["left"], **{"gait_analysis": setup["gait"].pk, **changes}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and field in body["errors"]
    assert not ClipMeasurement.objects.exists()


@pytest.mark.django_db
def test_gait_of_a_signed_note_is_not_offered_and_refused(setup, therapist, client_for):
    """A signed note's gait analysis is not a valid choice (422, nothing saved)."""
    note = EvaluationFactory(patient=setup["patient"], therapist=therapist)
    gait = GaitAnalysisFactory(patient=setup["patient"], therapist=therapist, evaluation=note)
    evaluation_sign(evaluation=note, user=therapist)
    response = _post(client_for(therapist), setup["left"], gait_analysis=gait.pk)
    assert response.status_code == 422 and "gait_analysis" in response.json()["errors"]


@pytest.mark.django_db
def test_measurement_endpoint_scoping_method_and_sign_in(
    setup, therapist, manager, runner, make_user, client_for
):
    """Another location's therapist, a manager and a runner get 404; GET 405; anonymous login."""
    from dangpt.roles import Role

    elsewhere = move_elsewhere(make_user(Role.THERAPIST))
    for user in (elsewhere, manager, runner):
        response = _post(client_for(user), setup["left"], gait_analysis=setup["gait"].pk)
        assert response.status_code == 404
    assert (
        client_for(therapist)
        .get(f"/clinical/attachments/{setup['left'].pk}/measurements/")
        .status_code
        == 405
    )
    anonymous = _post(Client(), setup["left"], gait_analysis=setup["gait"].pk)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not ClipMeasurement.objects.exists()


@pytest.mark.django_db
def test_measurement_post_needs_the_csrf_token(setup, therapist):
    """Without the CSRF token the post is refused (403) and nothing is saved."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(therapist)
    response = _post(client, setup["left"], gait_analysis=setup["gait"].pk)
    assert response.status_code == 403
    assert not ClipMeasurement.objects.exists()


# --- The player page -------------------------------------------------------------------------


@pytest.mark.django_db
def test_player_shows_both_clips_and_logs_the_read(setup, therapist, client_for):
    """Both videos, their frame rate and size, the measure form; one access-log row names both."""
    left, right = setup["left"], setup["right"]
    response = client_for(therapist).get(
        f"/clinical/patients/{setup['patient'].pk}/videos/compare/",
        {"left": left.pk, "right": right.pk},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-measure-url="/clinical/attachments/{left.pk}/measurements/"' in html
    assert 'data-fps="30.0"' in html and 'data-width="320"' in html
    assert 'id="measure-form"' in html and "player.js" in html
    assert "<script>" not in html.replace('<script src="', "")  # no inline scripts (CSP)
    row = AccessLog.objects.get(kind=AccessKind.ATTACHMENT)
    assert row.patient_id == setup["patient"].pk and str(left.pk) in row.what


@pytest.mark.django_db
def test_player_refuses_one_clip_twice_and_others_patients_clips(setup, therapist, client_for):
    """The same clip twice is a 400 with a message; another patient's clip is not a choice."""
    client = client_for(therapist)
    url = f"/clinical/patients/{setup['patient'].pk}/videos/compare/"
    same = client.get(url, {"left": setup["left"].pk, "right": setup["left"].pk})
    assert same.status_code == 400 and "Choose two different videos." in same.content.decode()
    foreign = ready_video(patient=PatientFactory(), uploaded_by=therapist)
    other = client.get(url, {"left": setup["left"].pk, "right": foreign.pk})
    assert other.status_code == 400 and 'id="player"' not in other.content.decode()


@pytest.mark.django_db
def test_player_of_another_location_is_404_and_manager_only_watches(
    setup, manager, make_user, client_for
):
    """Staff elsewhere get 404; a manager sees the player but no measuring tools."""
    from dangpt.roles import Role

    url = f"/clinical/patients/{setup['patient'].pk}/videos/compare/"
    query = {"left": setup["left"].pk, "right": setup["right"].pk}
    elsewhere = move_elsewhere(make_user(Role.THERAPIST))
    assert client_for(elsewhere).get(url, query).status_code == 404
    page = client_for(manager).get(url, query)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="player"' in html and 'id="measure-form"' not in html


@pytest.mark.django_db
def test_player_without_videos_says_so(therapist, client_for):
    """A chart without ready videos shows an empty state, not an empty form."""
    patient = PatientFactory()
    response = client_for(therapist).get(f"/clinical/patients/{patient.pk}/videos/compare/")
    assert response.status_code == 200
    assert "No videos are ready to play yet" in response.content.decode()


# --- Where the measurements show -------------------------------------------------------------


@pytest.mark.django_db
def test_measurement_shows_on_gait_detail_and_in_the_comparison(setup, therapist, client_for):
    """The gait page lists it; the before/after comparison marks the value as from video."""
    clip_measurement_record(
        clip=setup["left"],
        gait_analysis=setup["gait"],
        therapist=therapist,
        kind="pelvic_drop",
        side="right",
        time_s=0.25,
        points=[[100, 100], [200, 107]],
    )
    client = client_for(therapist)
    detail = client.get(f"/clinical/gait/{setup['gait'].pk}/").content.decode()
    assert "Contralateral pelvic drop, right stance" in detail and "4.0°" in detail
    before = GaitAnalysisFactory(patient=setup["patient"], recorded_on="2026-01-05")
    compare = client.get(
        f"/clinical/patients/{setup['patient'].pk}/gait/compare/",
        {"before": before.pk, "after": setup["gait"].pk},
    ).content.decode()
    assert "from video, 0.25 s" in compare


@pytest.mark.django_db
def test_a_value_changed_by_hand_is_no_longer_marked_from_video(setup, therapist):
    """Once the therapist types another value, the field is not marked as measured on video."""
    from assessments.selectors import video_measured_fields
    from assessments.services import gait_update

    clip_measurement_record(
        clip=setup["left"],
        gait_analysis=setup["gait"],
        therapist=therapist,
        kind="shank_angle",
        time_s=0.25,
        points=[[100, 100], [100, 200]],
    )
    gait = GaitAnalysis.objects.get(pk=setup["gait"].pk)
    assert "shank_angle_deg" in video_measured_fields([gait])[gait.pk]
    gait = gait_update(gait=gait, user=therapist, fields={"shank_angle_deg": Decimal("7.0")})
    assert video_measured_fields([gait])[gait.pk] == {}


# --- The runner's shared clips ---------------------------------------------------------------


@pytest.mark.django_db
def test_runner_sees_only_clips_shared_with_them(runner, therapist, client_for):
    """Shared clips with their cues; unshared ones and other runners' shared clips are absent."""
    mine = runner.patient
    ready_video(
        patient=mine,
        uploaded_by=therapist,
        label="Shared clip",
        shared_with_runner=True,
        runner_cues="Land softer, quicker steps.",
    )
    ready_video(patient=mine, uploaded_by=therapist, label="Not shared clip")
    ready_video(
        patient=PatientFactory(),
        uploaded_by=therapist,
        label="Someone else's clip",
        shared_with_runner=True,
    )
    response = client_for(runner).get("/me/clips/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Shared clip" in html and "Land softer, quicker steps." in html
    assert "Not shared clip" not in html and "Someone else" not in html
    assert AccessLog.objects.filter(kind=AccessKind.ATTACHMENT_LIST, patient_id=mine.pk).exists()


@pytest.mark.django_db
def test_runner_clips_page_is_for_runners_only(therapist, runner, client_for):
    """Staff get 404; a runner with nothing shared sees an empty state."""
    assert client_for(therapist).get("/me/clips/").status_code == 404
    page = client_for(runner).get("/me/clips/").content.decode()
    assert "No videos shared with you yet" in page


@pytest.mark.django_db
def test_unsharing_takes_the_clip_off_the_runners_page(runner, therapist, client_for):
    """After "Stop sharing" the runner's page no longer lists the clip (nor serves it)."""
    from assessments.services import attachment_unshare

    clip = ready_video(
        patient=runner.patient, uploaded_by=therapist, label="Shared clip", shared_with_runner=True
    )
    client = client_for(runner)
    assert "Shared clip" in client.get("/me/clips/").content.decode()
    attachment_unshare(attachment=clip, user=therapist)
    assert "Shared clip" not in client.get("/me/clips/").content.decode()
    assert client.get(f"/me/clips/{clip.pk}/video.mp4").status_code == 404


@pytest.mark.django_db
def test_player_offers_sharing_to_therapists_only(setup, therapist, manager, client_for):
    """Each clip has a share form for the therapist, posting to the attachments' share URL."""
    url = f"/clinical/patients/{setup['patient'].pk}/videos/compare/"
    query = {"left": setup["left"].pk, "right": setup["right"].pk}
    html = client_for(therapist).get(url, query).content.decode()
    assert f'action="/clinical/attachments/{setup["right"].pk}/share/"' in html
    assert html.count("Share with the runner</button>") + html.count("Share with the runner\n") >= 1
    manager_html = client_for(manager).get(url, query).content.decode()
    assert "/share/" not in manager_html


# --- Measuring from the player without extra steps ------------------------------------------


@pytest.mark.django_db
def test_player_opens_on_the_two_newest_videos_without_pressing_show(setup, therapist, client_for):
    """No query: the player already plays the two preselected videos (older left)."""
    html = (
        client_for(therapist)
        .get(f"/clinical/patients/{setup['patient'].pk}/videos/compare/")
        .content.decode()
    )
    assert 'id="player"' in html
    left_at = html.index(f'data-measure-url="/clinical/attachments/{setup["left"].pk}/')
    right_at = html.index(f'data-measure-url="/clinical/attachments/{setup["right"].pk}/')
    assert left_at < right_at


@pytest.mark.django_db
def test_measure_form_preselects_the_newest_open_gait_analysis(setup, therapist, client_for):
    """Clips not linked to a gait analysis: the patient's newest open one is chosen, with its
    surface as people read it."""
    from datetime import timedelta

    older = setup["gait"]
    older.recorded_on -= timedelta(days=10)
    older.save()
    newest = GaitAnalysisFactory(
        patient=setup["patient"], therapist=therapist, surface="overground"
    )
    html = (
        client_for(therapist)
        .get(f"/clinical/patients/{setup['patient'].pk}/videos/compare/")
        .content.decode()
    )
    assert f'<option value="{newest.pk}" selected>' in html
    assert f'<option value="{older.pk}" selected>' not in html
    assert "· Overground" in html and "· treadmill" not in html


@pytest.mark.django_db
def test_missing_gait_analysis_is_named_at_its_field(setup, therapist, client_for):
    """Without a gait analysis the answer names the field with a plain instruction."""
    response = _post(client_for(therapist), setup["left"], gait_analysis="")
    assert response.status_code == 422
    body = response.json()
    assert body["errors"]["gait_analysis"] == ["Choose the gait analysis to fill."]
    assert body["detail"] != "Check the measurement."
    assert not ClipMeasurement.objects.exists()


@pytest.mark.django_db
def test_gait_page_lists_the_clips_measured_for_it(setup, therapist, client_for):
    """A clip uploaded to the chart but measured for this analysis shows under its files; the
    empty link row of older records is gone and the time reads "Dec 4, 2026, 12:09 PM"."""
    from django.utils import timezone

    measurement = clip_measurement_record(
        clip=setup["left"],
        gait_analysis=setup["gait"],
        therapist=therapist,
        kind="pelvic_drop",
        side="right",
        time_s=0.25,
        points=[[100, 100], [200, 107]],
    )
    detail = client_for(therapist).get(f"/clinical/gait/{setup['gait'].pk}/").content.decode()
    assert "No files here yet." not in detail
    assert f'href="/clinical/attachments/{setup["left"].pk}/"' in detail
    assert "Video links" not in detail and ">Video</dt>" not in detail
    marked = timezone.localtime(measurement.created_at)
    assert f"{marked:%b} {marked.day}, {marked.year}, " in detail
