"""The runner's API reads answered from the runner cache (dangpt.rowcache), like the runner home.

`GET /api/v1/me/program`, `/me/appointments` and `/me/outcomes/due`: a second read with nothing
changed reuses the stored text (same JSON, fewer queries); any change to a row the answer shows,
by a service or straight in the database, is in the next answer; one runner never gets another's;
a Redis outage only costs speed.
"""

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import OutcomeResult
from assessments.services import outcome_fill_due
from dangpt import rowcache
from dangpt.models import AccessLog
from dangpt.services import api_token_create, user_deactivate
from patients.models import Appointment, AppointmentStatus
from patients.services import appointment_cancel
from programs import services
from programs.models import Exercise, Program, ProgramStatus
from tests.assessments.factories import PromScheduleFactory
from tests.patients.conftest import build_clinic
from tests.patients.factories import AppointmentFactory
from tests.programs.factories import make_runner, program_with_items, today_entries

pytestmark = pytest.mark.django_db
PROGRAM, APPOINTMENTS, DUE = (
    "/api/v1/me/program",
    "/api/v1/me/appointments",
    "/api/v1/me/outcomes/due",
)
# A query that builds the answer, as opposed to the fingerprint (an md5 over the same rows).
BUILDS = {
    PROGRAM: 'FROM "programs_program"',
    APPOINTMENTS: 'FROM "patients_appointment"',
    DUE: 'FROM "assessments_promschedule"',
}


def _api(user) -> Client:
    _, raw = api_token_create(user=user, name="cache test", second_factor=True)
    return Client(headers={"Authorization": f"Bearer {raw}"})


def _read(client, url: str, **params):
    """The answer and whether it was built (True) or reused from the cache (False)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    built = any(BUILDS[url] in q and "md5(" not in q for q in sql)
    return response, built


def _json(client, url: str, **params):
    return _read(client, url, **params)[0].json()


@pytest.fixture(autouse=True)
def _no_texts_of_earlier_runs():
    """User ids start again in each test database; texts an earlier run left would be reused."""
    pages = caches[rowcache.CACHE_ALIAS]
    client = pages._cache.get_client(write=True)
    found = list(client.scan_iter(match=pages.make_key("runner:*"), count=1000))
    if found:
        client.delete(*found)


@pytest.fixture
def program(therapist, runner):
    return program_with_items(therapist=therapist, patient=runner.patient, count=3)


@pytest.fixture
def clinic(make_user):
    return build_clinic(make_user)


def _appointment(clinic, patient, days: int, **fields) -> Appointment:
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    return AppointmentFactory(
        patient=patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=start,
        **fields,
    )


# --- GET /me/program --------------------------------------------------------------------------


def test_program_second_read_reuses_the_same_json(runner, program):
    client = _api(runner)
    first, first_built = _read(client, PROGRAM)
    second, second_built = _read(client, PROGRAM)
    assert first_built and not second_built
    assert first.json() == second.json()
    assert first["Content-Type"] == "application/json; charset=utf-8"
    body = second.json()
    assert body["id"] == program.pk and body["version"]["number"] == 1
    assert [i["item_id"] for i in body["items"]] == [
        i["item_id"] for i in program.current_version.items
    ]


def test_program_every_read_is_audited_cached_or_not(runner, program):
    client = _api(runner)
    _read(client, PROGRAM)
    _read(client, PROGRAM)
    reads = AccessLog.objects.filter(user=runner, patient=runner.patient)
    assert list(reads.values_list("what", flat=True)) == [f"program {program.pk}"] * 2


def test_program_edits_show_on_the_next_read(therapist, runner, program):
    """A new version, a title changed straight in the database, a library edit, a session log."""
    client = _api(runner)
    _read(client, PROGRAM)
    services.program_item_update(item=program.items.first(), reps=14)
    services.program_publish(program=program, by=therapist)
    body = _json(client, PROGRAM)
    assert body["version"]["number"] == 2 and "3 sets of 14 reps" in body["items"][0]["dose"]
    Program.objects.filter(pk=program.pk).update(title="Spring comeback")
    assert _json(client, PROGRAM)["title"] == "Spring comeback"
    exercise_id = program.current_version.items[0]["exercise_id"]
    Exercise.objects.filter(pk=exercise_id).update(instructions="Keep the knee over the toes.")
    assert _json(client, PROGRAM)["items"][0]["exercise"]["instructions"] == (
        "Keep the knee over the toes."
    )
    program.refresh_from_db()
    services.session_log(program=program, date=timezone.localdate(), entries=today_entries(program))
    assert _read(client, PROGRAM)[1]  # a session is a row of the fingerprint: rebuilt


def test_program_ended_answers_404_at_once(runner, program):
    client = _api(runner)
    _read(client, PROGRAM)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENDED)
    assert client.get(PROGRAM).status_code == 404


def test_program_of_another_runner_is_never_served(therapist, runner, program):
    other = make_runner()
    theirs = program_with_items(therapist=therapist, patient=other.patient, count=3)
    Program.objects.filter(pk=theirs.pk).update(title="Their program")
    assert _json(_api(runner), PROGRAM)["title"] == "Knee program"
    body, built = _read(_api(other), PROGRAM)
    assert built and body.json()["title"] == "Their program"
    assert _json(_api(runner), PROGRAM)["title"] == "Knee program"


def test_program_is_runners_only(therapist, program):
    assert _api(therapist).get(PROGRAM).status_code == 404


# --- GET /me/outcomes/due ---------------------------------------------------------------------


def test_a_questionnaire_answered_leaves_the_due_list_at_once(runner):
    schedule = PromScheduleFactory(patient=runner.patient, condition="itbs")
    client = _api(runner)
    first, first_built = _read(client, DUE)
    again, again_built = _read(client, DUE)
    assert first_built and not again_built and first.json() == again.json()
    assert [d["instrument"] for d in again.json()] == ["nprs_worst_24h", "lefs"]
    outcome_fill_due(
        patient=runner.patient,
        user=runner,
        schedule_id=schedule.pk,
        timepoint="baseline",
        instrument="nprs_worst_24h",
        answers={"pain": 4},
    )
    assert [d["instrument"] for d in _json(client, DUE)] == ["lefs"]
    OutcomeResult.objects.filter(schedule=schedule).delete()  # straight in the database
    assert [d["instrument"] for d in _json(client, DUE)] == ["nprs_worst_24h", "lefs"]


def test_due_lists_are_each_runners_own(runner):
    PromScheduleFactory(patient=runner.patient, condition="itbs")
    other = make_runner()
    assert len(_json(_api(runner), DUE)) == 2
    body, built = _read(_api(other), DUE)
    assert built and body.json() == []


# --- GET /me/appointments ---------------------------------------------------------------------


def test_a_booking_and_a_cancellation_show_at_once(clinic, runner):
    client = _api(runner)
    first = _appointment(clinic, runner.patient, 2)
    body, built = _read(client, APPOINTMENTS)
    assert built and [a["id"] for a in body.json()] == [first.pk]
    again, built = _read(client, APPOINTMENTS)
    assert not built and again.json() == body.json()
    second = _appointment(clinic, runner.patient, 3)
    assert [a["id"] for a in _json(client, APPOINTMENTS)] == [first.pk, second.pk]
    appointment_cancel(appointment=first, by=runner, reason="")
    statuses = {a["id"]: a["status"] for a in _json(client, APPOINTMENTS)}
    assert statuses == {first.pk: AppointmentStatus.CANCELLED, second.pk: "booked"}


def test_a_change_to_a_shown_location_shows_at_once(clinic, runner):
    """The start is shown in the location's time zone: the location row is in the digest."""
    _appointment(clinic, runner.patient, 2)
    client = _api(runner)
    before = _json(client, APPOINTMENTS)[0]["start"]
    type(clinic.location).objects.filter(pk=clinic.location.pk).update(time_zone="America/New_York")
    after = _json(client, APPOINTMENTS)[0]["start"]
    assert before != after and after[-6:] in ("-05:00", "-04:00")


def test_appointments_are_paged_with_a_next_link(clinic, runner):
    made = [_appointment(clinic, runner.patient, days) for days in (1, 2, 3)]
    client = _api(runner)
    first, _ = _read(client, APPOINTMENTS, limit=2)
    assert [a["id"] for a in first.json()] == [made[0].pk, made[1].pk]
    assert 'rel="next"' in first["Link"]
    second, _ = _read(client, APPOINTMENTS, limit=2, cursor=first["X-Next-Cursor"])
    assert [a["id"] for a in second.json()] == [made[2].pk]
    assert "Link" not in second and "X-Next-Cursor" not in second


def test_a_new_row_past_the_page_gives_it_a_next_link_at_once(clinic, runner):
    """The page shows the same rows, but the row past it is in the digest too."""
    made = [_appointment(clinic, runner.patient, days) for days in (1, 2)]
    client = _api(runner)
    cursor = client.get(APPOINTMENTS, {"limit": 1})["X-Next-Cursor"]
    last, _ = _read(client, APPOINTMENTS, limit=1, cursor=cursor)
    assert [a["id"] for a in last.json()] == [made[1].pk] and "X-Next-Cursor" not in last
    _appointment(clinic, runner.patient, 3)
    again, built = _read(client, APPOINTMENTS, limit=1, cursor=cursor)
    assert built and again.json() == last.json() and "X-Next-Cursor" in again


def test_a_cursor_that_was_altered_is_refused(clinic, runner):
    for days in (1, 2):
        _appointment(clinic, runner.patient, days)
    client = _api(runner)
    cursor = client.get(APPOINTMENTS, {"limit": 1})["X-Next-Cursor"]
    refused = client.get(APPOINTMENTS, {"limit": 1, "cursor": cursor[:-2] + "xx"})
    assert refused.status_code in (400, 422) and "cursor" in refused.json()["errors"]


def test_appointments_are_each_runners_own(clinic, runner):
    _appointment(clinic, runner.patient, 2)
    other = make_runner()
    assert len(_json(_api(runner), APPOINTMENTS)) == 1
    body, built = _read(_api(other), APPOINTMENTS)
    assert built and body.json() == []


# --- The mechanism ----------------------------------------------------------------------------


@override_settings(
    CACHES={
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
)
def test_a_cache_outage_costs_speed_not_the_answer(clinic, runner, program, caplog):
    PromScheduleFactory(patient=runner.patient, condition="itbs")
    _appointment(clinic, runner.patient, 2)
    client = _api(runner)
    for url in (PROGRAM, APPOINTMENTS, DUE):
        for _ in range(2):
            response, built = _read(client, url)
            assert built and response.json()
    assert "runner home cache unavailable" in caplog.text
    assert runner.patient.last_name not in caplog.text


def _cached_keys(user_id: int) -> list[str]:
    pages = caches[rowcache.CACHE_ALIAS]
    client = pages._cache.get_client()
    return [k.decode() for k in client.scan_iter(match=pages.make_key(f"runner:{user_id}:*"))]


def test_deactivating_a_runner_drops_their_api_answers_from_redis(
    clinic, runner, program, django_capture_on_commit_callbacks
):
    PromScheduleFactory(patient=runner.patient, condition="itbs")
    _appointment(clinic, runner.patient, 2)
    client = _api(runner)
    for url in (PROGRAM, APPOINTMENTS, DUE):
        _read(client, url)
    parts = {key.split(":")[4] for key in _cached_keys(runner.pk)}
    assert parts == {"api-program", "api-appointments", "api-outcomes-due"}
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=runner)
    assert _cached_keys(runner.pk) == []


def test_the_digest_covers_every_row_and_tells_empty_parts_apart(runner):
    schedule = PromScheduleFactory(patient=runner.patient)
    schedules = type(schedule).objects.filter(pk=schedule.pk)
    none = type(schedule).objects.filter(pk=-1)
    assert rowcache.digest(schedules, none) != rowcache.digest(none, schedules)
    before = rowcache.digest(schedules)
    type(schedule).objects.filter(pk=schedule.pk).update(condition="itbs")
    assert rowcache.digest(schedules) != before
