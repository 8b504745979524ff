"""Pages of the programs app: the runner portal, prescribing, scoping and query counts."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import Exercise, Program, ProgramItem, RunLog, SessionLog
from tests.programs.factories import ExerciseFactory, make_runner, program_with_items, staff_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def program(therapist, runner):
    """The runner's active program of 3 exercises, prescribed by the therapist."""
    return program_with_items(therapist=therapist, patient=runner.patient, count=3)


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


# --- Runner portal -------------------------------------------------------------------------


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
    assert "Adherence: <strong>33%</strong>" in body


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
    client = client_for(runner)
    data = {"date": today.isoformat(), "distance_km": "12", "duration_min": "70", "rpe": "6"}
    response = client.post(reverse("programs:runs"), data, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "50% longer than your longest run" in body
    run = RunLog.objects.get(distance_km=12)
    assert run.load_warning["level"] == "moderate" and run.rpe == 6
    assert '"this_week": 20.0' in body or "This week: 20.0 km" in body


def test_logging_a_run_with_bad_input_shows_field_errors(client_for, runner):
    """Zero distance: an error at the field, nothing stored."""
    data = {"date": timezone.localdate().isoformat(), "distance_km": "0", "duration_min": "30"}
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
    assert f'data-day="{today:%Y-%m-%d}"' in body and "✓ done" in body and "5.0 km" in body


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


# --- Therapist pages -----------------------------------------------------------------------


def test_therapist_prescribes_from_a_template(client_for, therapist, runner):
    """A draft with the template's items, then the detail page."""
    services.library_load()
    from programs.models import ProgramTemplate

    staff_at(therapist, runner.patient.preferred_location)
    template = ProgramTemplate.objects.get(slug="achilles_alfredson")
    response = client_for(therapist).post(
        reverse("programs:create"), {"patient": runner.patient.pk, "template": template.pk}
    )
    program = Program.objects.get(patient=runner.patient)
    assert response.status_code == 302 and response.url == reverse(
        "programs:detail", args=[program.pk]
    )
    assert program.items.count() == 4 and program.tissue == "tendon"


def test_therapist_cannot_prescribe_for_a_patient_elsewhere(client_for, therapist, runner):
    """A patient at another location is not a choice: a field error, nothing stored."""
    response = client_for(therapist).post(
        reverse("programs:create"), {"patient": runner.patient.pk}
    )
    assert response.status_code == 400
    assert not Program.objects.exists()


def test_therapist_edits_reorders_and_publishes(client_for, therapist, program):
    """Edit an item, move it, publish: version 2 with the change named on the version page."""
    client = client_for(therapist)
    first, second, _ = program.items.order_by("order")
    edit = reverse("programs:item_edit", args=[program.pk, first.pk])
    data = {"sets": 4, "reps": 8, "times_per_week": 3, "side": "each", "phase": 1, "load": "10RM"}
    assert client.post(edit, data).status_code == 302
    move = reverse("programs:item_move", args=[program.pk, first.pk])
    assert client.post(move, {"direction": "down"}).status_code == 302
    assert list(program.items.order_by("order").values_list("pk", flat=True))[:2] == [
        second.pk,
        first.pk,
    ]
    assert client.post(reverse("programs:publish", args=[program.pk]), {}).status_code == 302
    body = client.get(reverse("programs:version", args=[program.pk, 2])).content.decode()
    assert f"{first.exercise.name}: sets 3 → 4, reps 10 → 8, load body weight → 10RM" in body
    assert "Order changed" in body
    assert program.versions.count() == 2


def test_item_edit_with_bad_input_keeps_the_item(client_for, therapist, program):
    """No reps and no hold: an error at the field, the item unchanged."""
    item = program.items.first()
    url = reverse("programs:item_edit", args=[program.pk, item.pk])
    data = {"sets": 3, "times_per_week": 3, "side": "each", "phase": 1}
    response = client_for(therapist).post(url, data)
    assert response.status_code == 400
    assert ProgramItem.objects.get(pk=item.pk).reps == 10


def test_item_delete_asks_first_then_removes(client_for, therapist, program):
    """GET shows a confirmation; POST removes the item from the working copy only."""
    item = program.items.first()
    url = reverse("programs:item_delete", args=[program.pk, item.pk])
    client = client_for(therapist)
    assert "Remove" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not ProgramItem.objects.filter(pk=item.pk).exists()
    assert item.pk in [i["item_id"] for i in program.current_version.items]


def test_publish_blocked_by_the_safety_gate_shows_the_reason(client_for, therapist, program):
    """An impact item with an unacknowledged referral: the page names the item and the reason."""
    from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory
    from tests.programs.factories import impact_exercise

    ScreeningFactory(patient=program.patient, answers=dict(DVT_ANSWERS))
    services.program_item_add(program=program, exercise=impact_exercise(name="Pogo hops"))
    response = client_for(therapist).post(reverse("programs:publish", args=[program.pk]), {})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Pogo hops" in body and "no therapist has acknowledged" in body
    assert program.versions.count() == 1


def test_suggestions_are_generated_and_approved_from_the_page(client_for, therapist, runner):
    """Logs within the rule → a progress suggestion; one click publishes a new version."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    today = timezone.localdate()
    for days_ago in (3, 1):
        entries = [
            {"item_id": i["item_id"], "done": True, "pain_during": 1}
            for i in program.current_version.items
        ]
        session = services.session_log(
            program=program, date=today - dt.timedelta(days=days_ago), entries=entries
        )
        services.session_next_morning(session=session, pain=0)
    client = client_for(therapist)
    assert client.post(reverse("programs:suggest", args=[program.pk])).status_code == 302
    suggestion = program.suggestions.get()
    assert (
        "Approve and publish"
        in client.get(reverse("programs:detail", args=[program.pk])).content.decode()
    )
    url = reverse("programs:suggestion_approve", args=[program.pk, suggestion.pk])
    assert client.post(url).status_code == 302
    assert program.versions.count() == 2
    assert client.get(url).status_code == 405


def test_dashboard_lists_inactive_breaching_and_pending_runners(client_for, therapist, runner):
    """A runner with a broken pain rule shows up; one who logged well today does not."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    fine = make_runner(program.patient.preferred_location)
    fine_program = program_with_items(therapist=therapist, patient=fine.patient, count=1)
    today = timezone.localdate()
    services.session_log(
        program=program,
        date=today,
        entries=[
            {"item_id": program.current_version.items[0]["item_id"], "done": True, "pain_during": 6}
        ],
    )
    services.session_log(
        program=fine_program,
        date=today,
        entries=[
            {
                "item_id": fine_program.current_version.items[0]["item_id"],
                "done": True,
                "pain_during": 1,
            }
        ],
    )
    body = client_for(therapist).get(reverse("programs:dashboard")).content.decode()
    assert f'data-program="{program.pk}"' in body and "Pain rule broken" in body
    assert f'data-program="{fine_program.pk}"' not in body


def test_dashboard_query_count_is_constant(client_for, therapist, django_assert_max_num_queries):
    """1 or 20 runners: the same number of queries."""
    client = client_for(therapist)
    program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("programs:dashboard"))
    for _ in range(19):
        program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as many:
        body = client.get(reverse("programs:dashboard")).content.decode()
    assert body.count("Nothing logged for 7 days") == 20
    assert len(one) == len(many)


def test_program_list_query_count_is_constant(client_for, therapist):
    """The program list runs the same queries for 1 and 25 programs."""
    client = client_for(therapist)
    program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("programs:list"))
    for _ in range(24):
        program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("programs:list"))
    assert response.content.decode().count("Knee program") == 25
    assert len(one) == len(many)


def test_therapist_gets_404_for_a_program_of_another_clinic(client_for, make_user, program):
    """A therapist at another location sees none of this program's pages."""
    from dangpt.roles import Role

    stranger = make_user(Role.THERAPIST)
    client = client_for(stranger)
    item = program.items.first()
    for url in (
        reverse("programs:detail", args=[program.pk]),
        reverse("programs:print", args=[program.pk]),
        reverse("programs:version", args=[program.pk, 1]),
        reverse("programs:item_edit", args=[program.pk, item.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("programs:publish", args=[program.pk])).status_code == 404


def test_therapist_pages_reject_wrong_methods_and_anonymous(client, client_for, therapist, program):
    """POST-only actions answer 405 to GET; anonymous users go to login."""
    for name in ("programs:publish", "programs:suggest", "programs:settings", "programs:item_add"):
        assert client_for(therapist).get(reverse(name, args=[program.pk])).status_code == 405
    client.logout()
    response = client.get(reverse("programs:detail", args=[program.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response.url


# --- Library --------------------------------------------------------------------------------


def test_library_search_filters_by_region_condition_and_category(client_for, manager):
    """Filters narrow the list; the manager gets the admin links."""
    ExerciseFactory(name="Calf raise", regions=["ankle"], conditions=["achilles_tendinopathy"])
    ExerciseFactory(name="Clamshell", regions=["hip"], conditions=["itbs"], category="core")
    client = client_for(manager)
    body = client.get(reverse("programs:library"), {"region": "ankle"}).content.decode()
    assert "Calf raise" in body and "Clamshell" not in body
    body = client.get(
        reverse("programs:library"), {"condition": "itbs", "category": "core"}
    ).content.decode()
    assert "Clamshell" in body and "Calf raise" not in body
    body = client.get(reverse("programs:library"), {"q": "zzz"}).content.decode()
    assert "No exercise matches" in body


def test_library_is_not_for_runners(client_for, runner):
    """Runners get 404 for the library."""
    assert client_for(runner).get(reverse("programs:library")).status_code == 404


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
