"""The programs API: the runner's program, sessions and runs, and the therapist's endpoints."""

import datetime as dt

import pytest
from django.utils import timezone

from dangpt.services import api_token_create
from programs import services
from programs.models import RunLog, SessionLog
from tests.factories import move_elsewhere
from tests.programs.factories import impact_exercise, make_runner, program_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    """Call the API as a user with a fresh token."""

    def call(user, method, path, body=None):
        _, raw = api_token_create(user=user, name="test", second_factor=True)
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kwargs |= {"data": body, "content_type": "application/json"}
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


@pytest.fixture
def program(therapist, runner):
    return program_with_items(therapist=therapist, patient=runner.patient, count=2)


def test_me_program_returns_the_latest_version(api, therapist, runner, program):
    """The runner gets version 2 after a second publish, with doses and illustrations."""
    services.program_item_update(item=program.items.first(), reps=15)
    services.program_publish(program=program, by=therapist)
    response = api(runner, "get", "/me/program")
    assert response.status_code == 200
    body = response.json()
    assert body["version"]["number"] == 2
    assert len(body["items"]) == 2
    assert body["items"][0]["dose"].startswith("3 sets of 15 reps")
    assert body["items"][0]["exercise"]["illustration"].endswith("box_squat.svg")


def test_me_program_is_404_without_a_program_and_for_other_roles(api, runner, therapist):
    """No active program, or not a runner: 404."""
    assert api(runner, "get", "/me/program").status_code == 404
    assert api(therapist, "get", "/me/program").status_code == 404


def test_me_program_without_token_is_401(client):
    """No token: 401 in the one error format."""
    response = client.get("/api/v1/me/program")
    assert response.status_code == 401 and "detail" in response.json()


def test_post_session_stores_it(api, runner, program):
    """201 with the stored session; the database has it."""
    item_id = program.current_version.items[0]["item_id"]
    body = {"entries": [{"item_id": item_id, "pain_during": 2, "difficulty": "easy"}]}
    response = api(runner, "post", "/me/sessions", body)
    assert response.status_code == 201, response.json()
    assert response.json()["entries"][0]["pain_during"] == 2
    assert SessionLog.objects.get(program=program).entries.count() == 1


def test_post_session_rejects_another_runners_item(api, runner, program, therapist):
    """An item of someone else's program is not in this runner's program: 400, nothing stored."""
    other = program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    body = {"entries": [{"item_id": other.current_version.items[0]["item_id"]}]}
    response = api(runner, "post", "/me/sessions", body)
    assert response.status_code == 400
    assert "entries" in response.json()["errors"]
    assert not SessionLog.objects.exists()


def test_post_session_with_bad_pain_is_400(api, runner, program):
    """Pain 11: 400 naming the field."""
    item_id = program.current_version.items[0]["item_id"]
    response = api(
        runner, "post", "/me/sessions", {"entries": [{"item_id": item_id, "pain_during": 11}]}
    )
    assert response.status_code == 400
    assert "pain_during" in response.json()["errors"]


def test_post_run_answers_201_with_the_run_and_load_warning(api, runner):
    """The stored run and DESIGN's load_warning: level, ratio and message."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=5), distance_km=10, duration_min=60
    )
    body = {
        "date": today.isoformat(),
        "distance_km": 12.5,
        "duration_min": 75,
        "rpe": 5,
        "pain_during": 1,
    }
    response = api(runner, "post", "/me/runs", body)
    assert response.status_code == 201
    data = response.json()
    assert data["distance_km"] == 12.5 and data["rpe"] == 5 and data["pain_during"] == 1
    assert set(data["load_warning"]) == {"level", "ratio", "message"}
    assert data["load_warning"]["level"] == "small" and data["load_warning"]["ratio"] == 1.25
    assert RunLog.objects.get(pk=data["id"]).load_warning == data["load_warning"]


def test_post_run_without_spike_has_null_warning(api, runner):
    """A run within 10% of the last 30 days' longest: load_warning is null."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=2), distance_km=5, duration_min=30
    )
    body = {"date": today.isoformat(), "distance_km": 5, "duration_min": 30}
    response = api(runner, "post", "/me/runs", body)
    assert response.status_code == 201 and response.json()["load_warning"] is None


def test_post_first_run_back_has_a_warning_without_ratio(api, runner):
    """No earlier run: load_warning says first run back, with a null ratio."""
    body = {"date": timezone.localdate().isoformat(), "distance_km": 5, "duration_min": 30}
    response = api(runner, "post", "/me/runs", body)
    assert response.status_code == 201
    warning = response.json()["load_warning"]
    assert warning["level"] == "first_run_back" and warning["ratio"] is None


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"date": "2020-01-01", "distance_km": -1, "duration_min": 30}, 400),
        ({"date": "not a date", "distance_km": 5, "duration_min": 30}, 422),
        ({"distance_km": 5, "duration_min": 30}, 422),
        ({"date": "2020-01-01", "distance_km": 5, "duration_min": 0}, 400),
    ],
)
def test_post_run_rejects_bad_input(api, runner, body, status):
    """Bad input: 400 or 422 in the one error format, nothing stored."""
    response = api(runner, "post", "/me/runs", body)
    assert response.status_code == status
    assert "errors" in response.json()
    assert not RunLog.objects.exists()


def test_runner_endpoints_are_404_for_staff(api, therapist):
    """A therapist's token gets 404 from the runner's endpoints."""
    body = {"date": timezone.localdate().isoformat(), "distance_km": 5, "duration_min": 30}
    assert api(therapist, "post", "/me/runs", body).status_code == 404
    assert api(therapist, "post", "/me/sessions", {"entries": [{"item_id": 1}]}).status_code == 404


def test_therapist_reads_and_publishes_a_program(api, therapist, program):
    """GET shows the working items; POST publish makes version 2 with the change."""
    services.program_item_update(item=program.items.first(), sets=4)
    response = api(therapist, "get", f"/programs/{program.pk}")
    assert response.status_code == 200
    assert response.json()["current_version"]["number"] == 1
    assert response.json()["working_items"][0]["sets"] == 4
    response = api(therapist, "post", f"/programs/{program.pk}/publish", {"note": "more sets"})
    assert response.status_code == 201
    assert response.json()["number"] == 2
    assert any("sets 3 → 4" in c for c in response.json()["changes"])


def test_publish_api_obeys_the_safety_gate(api, therapist, program):
    """An impact item with an unacknowledged referral: 400 naming the item."""
    from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory

    ScreeningFactory(patient=program.patient, answers=dict(DVT_ANSWERS))
    services.program_item_add(program=program, exercise=impact_exercise(name="Box jumps"))
    response = api(therapist, "post", f"/programs/{program.pk}/publish", {})
    assert response.status_code == 400
    assert "Box jumps" in response.json()["errors"]["items"][0]


def test_program_endpoints_are_404_for_runners_and_other_therapists(
    api, make_user, runner, program
):
    """Runners and therapists of other clinics get 404."""
    from dangpt.roles import Role

    stranger = move_elsewhere(make_user(Role.THERAPIST))
    assert api(runner, "get", f"/programs/{program.pk}").status_code == 404
    assert api(stranger, "get", f"/programs/{program.pk}").status_code == 404
    assert api(stranger, "post", f"/programs/{program.pk}/publish", {}).status_code == 404


def test_a_program_update_is_logged_as_a_read_like_the_get(api, therapist, program):
    """PATCH answers with the whole program: it writes the access-log row the GET writes."""
    from dangpt.models import AccessKind, AccessLog

    response = api(therapist, "patch", f"/programs/{program.pk}", {"baseline_pain": 1})
    assert response.status_code == 200
    assert list(AccessLog.objects.values_list("patient_id", "kind", "method")) == [
        (program.patient_id, AccessKind.PROGRAM, "PATCH")
    ]
