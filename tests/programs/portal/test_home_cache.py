"""The runner home's cached body: served again while nothing changed, rebuilt on any change.

Each test changes one thing the page shows, by the path a person would take or straight in the
database, and checks the next visit shows it.
"""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangpt.models import AccessLog
from dangpt.services import user_deactivate
from programs import services
from programs.models import Exercise, Program, ProgramStatus, SessionEntry, SessionLog
from programs.portal import cache as home_cache
from tests.programs.factories import make_runner, program_with_items

pytestmark = pytest.mark.django_db
HOME = reverse("programs:home")


@pytest.fixture
def program(therapist, runner):
    return program_with_items(therapist=therapist, patient=runner.patient, count=3)


def _entries(program, **fields) -> list[dict]:
    return [
        {"item_id": i["item_id"], "done": True, **fields} for i in program.current_version.items
    ]


def _visit(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries.captured_queries]


def _built(sql: list[str]) -> bool:
    """Whether the visit built the body (read the week's sessions) rather than reuse it."""
    return any('FROM "programs_sessionlog"' in q and "JSONB_AGG" in q for q in sql)


def _without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_a_second_visit_reuses_the_body_with_the_same_page(client_for, runner, program):
    client = client_for(runner)
    first, first_sql = _visit(client)
    second, second_sql = _visit(client)
    assert _built(first_sql) and not _built(second_sql)
    assert len(second_sql) < len(first_sql)
    assert _without_tokens(first) == _without_tokens(second)
    assert program.current_version.items[0]["exercise_name"] in second


def test_every_visit_is_audited_cached_or_not(client_for, runner, program):
    client = client_for(runner)
    _visit(client)
    _visit(client)
    reads = AccessLog.objects.filter(user=runner, patient=runner.patient)
    assert reads.count() == 2
    assert set(reads.values_list("what", flat=True)) == {f"program {program.pk}"}


def test_the_cached_body_carries_each_visitors_own_csrf_token(runner, program):
    """The body holds no token: each browser gets its own, and its check-off POST is accepted."""
    pages = []
    for _ in range(2):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(runner)
        html = browser.get(HOME).content.decode()
        assert home_cache.CSRF_PLACEHOLDER not in html
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        pages.append((browser, token))
    (first, _), (second, token) = pages
    data = {"csrfmiddlewaretoken": token}
    for item in program.current_version.items:
        data[f"done_{item['item_id']}"] = "on"
    assert second.post(reverse("programs:log_session"), data).status_code == 302
    assert first.post(reverse("programs:log_session"), {}).status_code == 403


def test_logging_a_session_shows_at_once(client_for, runner, program):
    client = client_for(runner)
    assert "Today's session is" not in _visit(client)[0]
    data = {f"done_{i['item_id']}": "on" for i in program.current_version.items}
    assert client.post(reverse("programs:log_session"), data).status_code == 302
    body, sql = _visit(client)
    assert _built(sql) and "Today's session is done." in body
    assert "Done: <strong>33%</strong>" in body


def test_next_morning_pain_clears_the_prompt_at_once(client_for, runner, program):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    session = services.session_log(program=program, date=yesterday, entries=_entries(program))
    client = client_for(runner)
    assert "How do you feel this morning?" in _visit(client)[0]
    services.session_next_morning(session=session, pain=2)  # a queryset update of the entries
    assert "How do you feel this morning?" not in _visit(client)[0]


def test_changes_made_straight_in_the_database_show_too(client_for, runner, program):
    """No code path has to remember the cache: the fingerprint reads the rows themselves."""
    today = timezone.localdate()
    services.session_log(program=program, date=today, entries=_entries(program, pain_during=3))
    client = client_for(runner)
    assert '<option value="3" selected>' in _visit(client)[0]
    SessionEntry.objects.filter(session__program=program).update(pain_during=7)
    body = _visit(client)[0]
    assert '<option value="7" selected>' in body and '<option value="3" selected>' not in body
    SessionLog.objects.filter(program=program).delete()
    assert "Today's session is" not in _visit(client)[0]


def test_an_edit_to_the_exercise_library_shows_at_once(client_for, runner, program):
    client = client_for(runner)
    _visit(client)
    exercise = Exercise.objects.get(pk=program.current_version.items[0]["exercise_id"])
    Exercise.objects.filter(pk=exercise.pk).update(instructions="Keep the knee over the toes.")
    assert "Keep the knee over the toes." in _visit(client)[0]


def test_a_new_version_and_a_renamed_program_show_at_once(client_for, therapist, runner, program):
    client = client_for(runner)
    assert "version 1" in _visit(client)[0]
    services.program_item_update(item=program.items.first(), reps=14)
    services.program_publish(program=program, by=therapist)
    assert "3 sets of 14 reps" in _visit(client)[0]
    Program.objects.filter(pk=program.pk).update(title="Spring comeback")
    assert "Spring comeback" in _visit(client)[0]


def test_an_ended_program_leaves_the_empty_state(client_for, runner, program):
    client = client_for(runner)
    _visit(client)
    Program.objects.filter(pk=program.pk).update(status=ProgramStatus.ENDED)
    assert "has not published a program" in _visit(client)[0]


def test_a_new_day_rebuilds_the_body(client_for, runner, program, monkeypatch):
    client = client_for(runner)
    _visit(client)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    assert _built(_visit(client)[1])


def test_runners_never_share_a_body(client_for, therapist, runner, program):
    """Two runners on identical programs: each sees their own, and the keys differ."""
    other = make_runner()
    theirs = program_with_items(therapist=therapist, patient=other.patient, count=3)
    Program.objects.filter(pk=theirs.pk).update(title="Their program")
    mine = _visit(client_for(runner))[0]
    assert "Their program" not in mine
    other_client = Client()
    other_client.force_login(other)
    body, sql = _visit(other_client)
    assert "Their program" in body and _built(sql)


def test_a_body_is_not_stored_when_the_rows_change_while_it_is_built(
    client_for, runner, program, monkeypatch
):
    """Fingerprints read before and after building differ: nothing is filed."""
    real = home_cache.fingerprint
    calls = []

    def moving(user_id, today):
        calls.append(1)
        if len(calls) == 2:  # between building and filing, a session arrives
            services.session_log(program=program, date=today, entries=_entries(program))
        return real(user_id, today)

    monkeypatch.setattr(home_cache, "fingerprint", moving)
    client = client_for(runner)
    _visit(client)
    monkeypatch.setattr(home_cache, "fingerprint", real)
    body, sql = _visit(client)
    assert _built(sql) and "Today's session is done." in body


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
def test_a_cache_outage_costs_speed_not_the_page(client_for, runner, program, caplog):
    client = client_for(runner)
    for _ in range(2):
        body, sql = _visit(client)
        assert _built(sql) and program.current_version.items[0]["exercise_name"] in body
    assert "runner home cache unavailable" in caplog.text
    assert runner.patient.last_name not in caplog.text


def test_the_fingerprint_finds_the_runners_active_program_only(runner, therapist):
    """As get_runner_program: the active one; a draft or an ended program is not shown."""
    today = timezone.localdate()
    assert home_cache.fingerprint(runner.pk, today) is None
    draft = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    assert home_cache.fingerprint(runner.pk, today) is None
    active = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    found = home_cache.fingerprint(runner.pk, today)
    assert found.program_id == active.pk != draft.pk and found.patient_id == runner.patient.pk
    assert found.first_name == runner.patient.first_name
    Program.objects.filter(pk=active.pk).update(status=ProgramStatus.ENDED)
    assert home_cache.fingerprint(runner.pk, today) is None


def test_the_window_starts_the_sunday_before_this_monday():
    assert home_cache.window_start(dt.date(2026, 11, 28)) == dt.date(2026, 11, 22)  # a Saturday
    assert home_cache.window_start(dt.date(2026, 11, 23)) == dt.date(2026, 11, 22)  # a Monday
    assert home_cache.window_start(dt.date(2026, 11, 22)) == dt.date(2026, 11, 15)  # a Sunday


def test_the_cache_alias_is_redis_shared_by_every_worker():
    assert "RedisCache" in type(caches[home_cache.CACHE_ALIAS]).__name__


def _cached_keys(user_id: int) -> list[bytes]:
    pages = caches[home_cache.CACHE_ALIAS]
    client = pages._cache.get_client()
    return list(client.scan_iter(match=pages.make_key(f"runner:{user_id}:*")))


def test_deactivating_a_runner_drops_their_cached_pages_from_redis(
    client_for, therapist, runner, program, django_capture_on_commit_callbacks
):
    """Pain scores and exercises leave Redis with the account; other runners' pages stay."""
    other = make_runner()
    program_with_items(therapist=therapist, patient=other.patient, count=3)
    _visit(client_for(runner))
    other_client = Client()
    other_client.force_login(other)
    _visit(other_client)
    assert _cached_keys(runner.pk) and _cached_keys(other.pk)
    with django_capture_on_commit_callbacks(execute=True):
        user_deactivate(user=runner)
    assert _cached_keys(runner.pk) == []
    assert _cached_keys(other.pk)


def test_deleting_a_runner_account_drops_their_cached_pages_from_redis(
    client_for, therapist, runner, program, django_capture_on_commit_callbacks
):
    """An account deleted (in /admin/) takes its cached pages with it; other runners' pages stay."""
    other = make_runner()
    program_with_items(therapist=therapist, patient=other.patient, count=3)
    _visit(client_for(runner))
    other_client = Client()
    other_client.force_login(other)
    _visit(other_client)
    assert _cached_keys(runner.pk) and _cached_keys(other.pk)
    runner_id = runner.pk
    with django_capture_on_commit_callbacks(execute=True):
        runner.delete()
    assert _cached_keys(runner_id) == []
    assert _cached_keys(other.pk)
