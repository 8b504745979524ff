"""The runner's pages: home, check-off, next-morning pain, runs, calendar, print, scoping."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import Exercise, RunLog, SessionLog
from tests.programs.factories import make_runner, program_with_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_program(therapist):
    """Another runner's active program."""
    other = make_runner()
    return program_with_items(therapist=therapist, patient=other.patient, count=2)


def _session_post(program, pain=2):
    version = program.current_version
    data = {}
    for item in version.items:
        pk = item["item_id"]
        data |= {
            f"done_{pk}": "on",
            f"pain_during_{pk}": str(pain),
            f"pain_after_{pk}": "1",
            f"difficulty_{pk}": "ok",
        }
    return data


def test_runner_home_shows_todays_exercises_with_dose_and_illustration(client_for, runner, program):
    """The latest version's exercises with the dose in plain words and the picture."""
    response = client_for(runner).get(reverse("programs:home"))
    assert response.status_code == 200
    body = response.content.decode()
    for item in program.current_version.items:
        assert item["exercise_name"] in body
    assert "3 sets of 10 reps, each side, body weight · 3 times a week" in body
    assert "programs/exercises/box_squat.svg" in body


def test_runner_sees_the_latest_version(client_for, therapist, runner, program):
    """After a second publish the runner's home shows the new dose, not the old one."""
    item = program.items.first()
    services.program_item_update(item=item, reps=14)
    services.program_publish(program=program, by=therapist)
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert "3 sets of 14 reps" in body and "version 2" in body


def test_runner_home_without_program_shows_an_empty_state(client_for, runner):
    """No published program yet: a friendly empty state."""
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert "has not published a program" in body


def _home_queries(client_for, therapist, count: int) -> tuple[int, int]:
    """Queries of the first visit (the body built) and of the second (the body from the cache)."""
    runner = make_runner()
    program = program_with_items(therapist=therapist, patient=runner.patient, count=count)
    entries = [{"item_id": i["item_id"], "done": True} for i in program.current_version.items]
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.session_log(program=program, date=yesterday, entries=entries)
    client = client_for(runner)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("programs:home"))
        assert response.status_code == 200
        assert response.content.decode().count("exercise-card") == count
        counts.append(len(queries))
    return counts[0], counts[1]


def test_runner_home_query_count_does_not_grow_with_items(client_for, therapist):
    """The same number of queries for a 3-item and a 30-item program (with a logged session),
    built or from the cache; the cached visit costs fewer."""
    small, large = _home_queries(client_for, therapist, 3), _home_queries(client_for, therapist, 30)
    assert small == large
    built, cached = small
    assert cached < built


def test_logging_a_session_stores_it_and_updates_adherence(client_for, runner, program):
    """Ticking every exercise stores a complete session and raises this week's adherence."""
    client = client_for(runner)
    response = client.post(reverse("programs:log_session"), _session_post(program))
    assert response.status_code == 302
    session = SessionLog.objects.get(program=program)
    assert session.completed and session.date == timezone.localdate()
    assert set(session.entries.values_list("pain_during", flat=True)) == {2}
    body = client.get(reverse("programs:home")).content.decode()
    assert "Done: <strong>33%</strong>" in body


def test_logging_a_session_with_nothing_ticked_is_refused(client_for, runner, program):
    """No exercise ticked: a message on the form, nothing stored."""
    response = client_for(runner).post(reverse("programs:log_session"), {})
    assert response.status_code == 400
    assert "Tick at least one exercise" in response.content.decode()
    assert not SessionLog.objects.exists()


def test_logging_a_session_with_bad_pain_is_refused(client_for, runner, program):
    """Pain 12 is not a choice: an error at the field, nothing stored."""
    data = _session_post(program)
    data[next(k for k in data if k.startswith("pain_during_"))] = "12"
    response = client_for(runner).post(reverse("programs:log_session"), data)
    assert response.status_code == 400
    assert not SessionLog.objects.exists()


def test_next_morning_pain_is_saved_and_scoped(client_for, runner, program, other_program):
    """The runner records next-morning pain on their own session; another's answers 404."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    entries = [{"item_id": i["item_id"], "done": True} for i in program.current_version.items]
    mine = services.session_log(program=program, date=yesterday, entries=entries)
    other_entries = [
        {"item_id": i["item_id"], "done": True} for i in other_program.current_version.items
    ]
    theirs = services.session_log(program=other_program, date=yesterday, entries=other_entries)
    client = client_for(runner)
    assert "How do you feel this morning?" in client.get(reverse("programs:home")).content.decode()
    url = reverse("programs:session_morning", args=[mine.pk])
    assert client.post(url, {"next_morning_pain": "1"}).status_code == 302
    assert set(mine.entries.values_list("next_morning_pain", flat=True)) == {1}
    other_url = reverse("programs:session_morning", args=[theirs.pk])
    assert client.post(other_url, {"next_morning_pain": "1"}).status_code == 404
    assert client.get(url).status_code == 405


def test_logging_a_run_shows_the_spike_warning(client_for, runner):
    """A run 50% over the longest recent run stores the run and shows the warning."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=2), distance_km=8, duration_min=48
    )
    runner.patient.distance_unit = "km"
    runner.patient.save(update_fields=["distance_unit"])
    client = client_for(runner)
    data = {"date": today.isoformat(), "distance": "12", "duration_min": "70", "rpe": "6"}
    response = client.post(reverse("programs:runs"), data, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "about 1.5 times as long as your longest run" in body
    run = RunLog.objects.get(distance_km=12)
    assert run.load_warning["level"] == "moderate" and run.rpe == 6
    assert "This week: 20.0 km" in body


def test_run_list_names_spike_sizes_in_plain_words(client_for, runner):
    """Small, moderate and large jumps read as words on the run list, never as level codes."""
    today = timezone.localdate()
    for days_ago, km in ((10, 8), (8, 9), (6, 12), (4, 25)):
        services.run_log(
            patient=runner.patient,
            date=today - dt.timedelta(days=days_ago),
            distance_km=km,
            duration_min=60,
        )
    levels = list(RunLog.objects.order_by("date").values_list("load_warning__level", flat=True))
    assert levels == ["first_run_back", "small", "moderate", "large"]
    body = client_for(runner).get(reverse("programs:runs")).content.decode()
    assert "10–30% longer than your longest run of the previous 30 days" in body
    assert "30–100% longer than your longest run of the previous 30 days" in body
    assert "More than double your longest run of the 30 days before" in body
    for code in ("Spike:", "small (", "moderate (", "large ("):
        assert code not in body


def test_logging_a_run_with_bad_input_shows_field_errors(client_for, runner):
    """Zero distance: an error at the field, nothing stored."""
    data = {"date": timezone.localdate().isoformat(), "distance": "0", "duration_min": "30"}
    response = client_for(runner).post(reverse("programs:runs"), data)
    assert response.status_code == 400
    assert not RunLog.objects.exists()


def test_calendar_shows_sessions_and_runs(client_for, runner, program):
    """A logged session and run appear on their day."""
    today = timezone.localdate()
    entries = [{"item_id": i["item_id"], "done": True} for i in program.current_version.items]
    services.session_log(program=program, date=today, entries=entries)
    services.run_log(patient=runner.patient, date=today, distance_km=5, duration_min=30)
    body = client_for(runner).get(reverse("programs:calendar")).content.decode()
    assert f'data-day="{today:%Y-%m-%d}"' in body and "✓ done" in body and "3.1 mi" in body


def test_print_view_fits_the_program(client_for, runner, program):
    """The print view lists each exercise of the current version."""
    body = client_for(runner).get(reverse("programs:my_print")).content.decode()
    assert "print-sheet" in body
    for item in program.current_version.items:
        assert item["exercise_name"] in body


@pytest.mark.parametrize(
    "name", ["programs:home", "programs:runs", "programs:calendar", "programs:my_print"]
)
def test_runner_pages_answer_404_to_staff_and_send_anonymous_to_login(
    client, client_for, therapist, name
):
    """Runner pages are for runners only."""
    url = reverse(name)
    assert client.get(url).status_code == 302 and "/accounts/login/" in client.get(url).url
    assert client_for(therapist).get(url).status_code == 404


def test_runner_gets_404_for_another_runners_objects(client_for, runner, program, other_program):
    """Another runner's program, print view, runs and logs answer 404 to this runner."""
    other_patient = other_program.patient
    run = services.run_log(
        patient=other_patient, date=timezone.localdate(), distance_km=5, duration_min=30
    )
    client = client_for(runner)
    assert client.get(reverse("programs:detail", args=[other_program.pk])).status_code == 404
    assert client.get(reverse("programs:print", args=[other_program.pk])).status_code == 404
    url = reverse("programs:run_morning", args=[run.pk])
    assert client.post(url, {"next_morning_pain": "2"}).status_code == 404
    body = client.get(reverse("programs:runs")).content.decode()
    assert "5.0 km" not in body and "5 km" not in body


def test_runner_pages_reject_wrong_methods(client_for, runner, program):
    """GET-only pages answer 405 to POST and POST-only ones to GET."""
    client = client_for(runner)
    assert client.post(reverse("programs:home")).status_code == 405
    assert client.get(reverse("programs:log_session")).status_code == 405
    assert client.post(reverse("programs:calendar")).status_code == 405


def test_runner_home_cards_follow_a_library_edit(client_for, therapist):
    """The exercise cards are rendered once per content: an edited how-to shows at once."""
    runner = make_runner()
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    exercise = program.items.get().exercise
    client = client_for(runner)
    first = client.get(reverse("programs:home")).content.decode()
    assert exercise.instructions in first
    Exercise.objects.filter(pk=exercise.pk).update(instructions="Slow lowering over 3 seconds.")
    again = client.get(reverse("programs:home")).content.decode()
    assert "Slow lowering over 3 seconds." in again
    assert exercise.instructions not in again
