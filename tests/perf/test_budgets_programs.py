"""Query budgets of the programs app: runner portal, prescribing pages, library and API.

Each test grows what its page lists (a program's exercises, the runner's runs and sessions, the
therapist's programs or runners, the library) from 1 row to 50 and asserts the page costs the same
number of queries both times, within the list or detail budget. Confirmation pages with nothing
that grows are held to the detail budget.
"""

import datetime as dt
import itertools
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.models import Patient
from programs import services
from programs.models import (
    ProgressionSuggestion,
    RunLog,
    SessionLog,
    SuggestionAction,
)
from tests.assessments.factories import EvaluationFactory
from tests.factories import PatientFactory
from tests.perf.budget import (
    DETAIL_BUDGET,
    LARGE,
    LIST_BUDGET,
    api_headers,
    assert_flat,
    json_length,
    matches,
    queries_of,
)
from tests.programs.factories import ExerciseFactory, make_runner, staff_at

pytestmark = pytest.mark.django_db

BUDGETED_PAGES: set[str] = {
    "programs:home",
    "programs:calendar",
    "programs:runs",
    "programs:my_print",
    "programs:list",
    "programs:dashboard",
    "programs:create",
    "programs:detail",
    "programs:item_edit",
    "programs:item_delete",
    "programs:end",
    "programs:version",
    "programs:print",
    "programs:library",
    "programs:exercise",
}
BUDGETED_API: set[str] = {
    "programs_api_my_program",
    "programs_api_get_program",
}

# --- Builders ---------------------------------------------------------------------------------


class GrowingProgram:
    """A runner's program; each call adds n exercises and publishes a new version.

    With ``log``, today's and yesterday's sessions are (re)logged with every exercise done, so the
    runner's home also shows a session entry per exercise and the next-morning question.
    """

    def __init__(self, therapist, patient, *, log=False, evaluation=None, walk_run_stage=None):
        staff_at(therapist, patient.preferred_location)
        self.therapist = therapist
        self.log = log
        self.program = services.program_create_blank(
            patient=patient,
            therapist=therapist,
            title="Knee program",
            tissue="soft_tissue",
            evaluation=evaluation,
        )
        if walk_run_stage is not None:
            self.program.walk_run_stage = walk_run_stage
            self.program.save(update_fields=["walk_run_stage"])

    def add_items(self, n: int) -> list:
        """Add n new library exercises to the working copy."""
        return [
            services.program_item_add(program=self.program, exercise=ExerciseFactory())
            for _ in range(n)
        ]

    def publish(self) -> None:
        """Publish the working copy as the next version."""
        services.program_publish(program=self.program, by=self.therapist)

    def __call__(self, n: int) -> None:
        self.add_items(n)
        self.publish()
        if self.log:
            today = timezone.localdate()
            entries = [
                {"item_id": i["item_id"], "done": True, "pain_during": 2, "pain_after": 1}
                for i in self.program.current_version.items
            ]
            for day in (today - dt.timedelta(days=1), today):
                services.session_log(program=self.program, date=day, entries=entries)


def count(marker: str, expected: int):
    """A check that the marker occurs ``expected`` times on the page."""

    def check(response) -> None:
        found = response.content.decode().count(marker)
        assert found == expected, f"{marker!r} {found} times, expected {expected}"

    return check


@pytest.fixture
def runner(clinic):
    """A runner of the clinic's location."""
    return make_runner(clinic.location)


# --- Runner portal ----------------------------------------------------------------------------


# The runner's home is the portal's front page: the program's cards (cached), the next visits
# (read once for the appointment card and the pre-visit banner), what is due, and the checklist
# each cost a query or two. Thirteen, flat in rows.
RUNNER_HOME_BUDGET = 13


def test_runner_home_is_flat_in_the_programs_exercises(client_for, clinic, runner):
    """The runner's home costs the same at 1 and 50 exercises (each logged today and yesterday)."""
    grow = GrowingProgram(clinic.therapist, runner.patient, log=True)
    client = client_for(runner)

    def check(response) -> None:
        count("exercise-card", LARGE)(response)
        assert "How do you feel this morning?" in response.content.decode()

    assert_flat(client, reverse("programs:home"), grow, budget=RUNNER_HOME_BUDGET, check=check)


def test_runner_home_without_a_program_fits_the_detail_budget(client_for, runner):
    """A runner with no published program yet: the empty home fits the home's budget."""
    assert len(queries_of(client_for(runner), reverse("programs:home"))) <= RUNNER_HOME_BUDGET


def test_runner_calendar_is_flat_in_sessions_and_runs(client_for, clinic, runner):
    """A month with 1 run and session, or 50 runs on every day with a session: same queries."""
    # The checks read kilometres (a runner in miles gets the same rows and queries).
    Patient.objects.filter(pk=runner.patient.pk).update(distance_unit="km")
    program = GrowingProgram(clinic.therapist, runner.patient)
    program(2)
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    days = [d for d in (first + dt.timedelta(n) for n in range(31)) if d.month == first.month]
    cycle = itertools.cycle(days)

    def grow(n: int) -> None:
        for _ in range(n):
            day = next(cycle)
            RunLog.objects.create(patient=runner.patient, date=day, distance_km=1, duration_min=6)
            SessionLog.objects.get_or_create(
                program=program.program,
                date=day,
                defaults={"version": program.program.current_version, "completed": True},
            )

    def check(response) -> None:
        body = response.content.decode()
        shown = [float(km) for km in re.findall(r'<div class="small">([\d.]+) km</div>', body)]
        assert sum(shown) == LARGE and len(shown) == len(days)
        assert body.count(">✓ done</span>") == len(days)

    url = reverse("programs:calendar")
    data = {"month": f"{first:%Y-%m}"}
    assert_flat(client_for(runner), url, grow, budget=LIST_BUDGET, data=data, check=check)


def test_runner_runs_page_is_flat_in_runs(client_for, clinic, runner):
    """The run log (a full page of 20, the 8-week chart, the walk-run stage) at 1 and 50 runs."""
    Patient.objects.filter(pk=runner.patient.pk).update(distance_unit="km")
    GrowingProgram(clinic.therapist, runner.patient, walk_run_stage=1)(1)
    today = timezone.localdate()
    days = itertools.count()

    def grow(n: int) -> None:
        RunLog.objects.bulk_create(
            RunLog(
                patient=runner.patient,
                date=today - dt.timedelta(days=next(days)),
                distance_km=5,
                duration_min=30,
                pain_during=1,
            )
            for _ in range(n)
        )

    def check(response) -> None:
        body = response.content.decode()
        assert body.count('<li class="list-group-item">') == 20
        chart = re.search(r'id="volume-data" type="application/json">(.*?)</script>', body)
        assert sum(json.loads(chart.group(1))["km"]) == 5 * LARGE
        assert "Walk-run plan: stage 1" in body

    url = reverse("programs:runs")
    assert_flat(client_for(runner), url, grow, budget=LIST_BUDGET, check=check)


def test_runner_print_is_flat_in_the_programs_exercises(client_for, clinic, runner):
    """The runner's printable program costs the same at 1 and 50 exercises."""
    grow = GrowingProgram(clinic.therapist, runner.patient)
    url = reverse("programs:my_print")
    check = count('class="print-item', LARGE)
    assert_flat(client_for(runner), url, grow, budget=DETAIL_BUDGET, check=check)


# --- Therapist: prescribing -------------------------------------------------------------------


def test_program_list_is_flat_in_programs(client_for, clinic):
    """The program list (a full page of 25) costs the same with 1 and 50 programs."""

    def grow(n: int) -> None:
        for _ in range(n):
            GrowingProgram(clinic.therapist, make_runner(clinic.location).patient)(1)

    url = reverse("programs:list")
    check = matches(r'href="/programs/\d+/"', 25)
    assert_flat(client_for(clinic.therapist), url, grow, budget=LIST_BUDGET, check=check)


def test_dashboard_is_flat_in_runners_to_check(client_for, clinic):
    """Runners to check, each with a painful session and run and a suggestion: 1 and 50 alike."""
    today = timezone.localdate()

    def grow(n: int) -> None:
        for _ in range(n):
            patient = make_runner(clinic.location).patient
            program = GrowingProgram(clinic.therapist, patient)
            program(2)
            item = program.program.current_version.items[0]["item_id"]
            entries = [{"item_id": item, "done": True, "pain_during": 7, "pain_after": 6}]
            services.session_log(program=program.program, date=today, entries=entries)
            services.run_log(
                patient=patient, date=today, distance_km=5, duration_min=30, pain_during=7
            )

    def check(response) -> None:
        count("data-program=", LARGE)(response)
        count("Pain rule broken", LARGE)(response)

    url = reverse("programs:dashboard")
    assert_flat(client_for(clinic.therapist), url, grow, budget=LIST_BUDGET, check=check)


def test_create_form_is_flat_in_runners_and_evaluations(client_for, clinic):
    """The prescribe form lists the therapist's runners and their evaluations: 1 and 50 alike."""
    staff_at(clinic.therapist, clinic.location)

    def grow(n: int) -> None:
        for _ in range(n):
            patient = PatientFactory(preferred_location=clinic.location, last_name="Budgetrunner")
            EvaluationFactory(patient=patient, therapist=clinic.therapist)

    check = count("Budgetrunner", 2 * LARGE)  # once as a runner, once with the evaluation
    url = reverse("programs:create")
    assert_flat(client_for(clinic.therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_program_detail_is_flat_in_items_and_suggestions(client_for, clinic, runner):
    """The working copy with a pending suggestion per exercise costs the same at 1 and 50."""
    evaluation = EvaluationFactory(patient=runner.patient, therapist=clinic.therapist)
    program = GrowingProgram(clinic.therapist, runner.patient, evaluation=evaluation)

    def grow(n: int) -> None:
        for item in program.add_items(n):
            ProgressionSuggestion.objects.create(
                program=program.program,
                item=item,
                action=SuggestionAction.PROGRESS,
                code="budget",
                reason="Settled pain for two weeks.",
                current_dosage={"sets": 3, "reps": 10, "times_per_week": 3},
                proposed_dosage={"sets": 3, "reps": 12, "times_per_week": 3},
            )
        program.publish()

    def check(response) -> None:
        count("data-item=", LARGE)(response)
        count("data-suggestion=", LARGE)(response)

    url = reverse("programs:detail", args=[program.program.pk])
    assert_flat(client_for(clinic.therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_program_print_is_flat_in_the_programs_exercises(client_for, clinic, runner):
    """The therapist's print view costs the same at 1 and 50 exercises."""
    grow = GrowingProgram(clinic.therapist, runner.patient)
    url = reverse("programs:print", args=[grow.program.pk])
    check = count('class="print-item', LARGE)
    assert_flat(client_for(clinic.therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_version_page_is_flat_in_the_versions_exercises(client_for, clinic):
    """Version 2 of a 1-exercise program and of a 50-exercise program: the same queries."""
    client = client_for(clinic.therapist)
    counts = {}
    for size in (1, LARGE):
        grow = GrowingProgram(clinic.therapist, make_runner(clinic.location).patient)
        grow(size)
        grow.program.items.update(sets=4)
        grow.publish()
        url = reverse("programs:version", args=[grow.program.pk, 2])
        counts[size] = len(queries_of(client, url))
    response = client.get(url)
    assert response.content.decode().count("4 sets of 10 reps") == LARGE
    assert counts[1] == counts[LARGE] <= DETAIL_BUDGET, counts


@pytest.mark.parametrize("name", ["programs:item_edit", "programs:item_delete"])
def test_item_pages_fit_the_detail_budget(client_for, clinic, runner, name):
    """The item edit and remove-confirmation pages fit the detail budget."""
    grow = GrowingProgram(clinic.therapist, runner.patient)
    grow(3)
    item = grow.program.items.first()
    url = reverse(name, args=[grow.program.pk, item.pk])
    assert len(queries_of(client_for(clinic.therapist), url)) <= DETAIL_BUDGET


def test_end_confirmation_fits_the_detail_budget(client_for, clinic, runner):
    """The end-program confirmation page fits the detail budget."""
    grow = GrowingProgram(clinic.therapist, runner.patient)
    grow(3)
    url = reverse("programs:end", args=[grow.program.pk])
    assert len(queries_of(client_for(clinic.therapist), url)) <= DETAIL_BUDGET


# --- Exercise library -------------------------------------------------------------------------


def test_library_is_flat_in_exercises(client_for, clinic):
    """A library search with 1 and 50 matches (a full page of 24) costs the same."""
    numbers = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            ExerciseFactory(name=f"Budget drill {next(numbers)}")

    def check(response) -> None:
        count("Budget drill", 24)(response)
        assert f"{LARGE} exercises" in response.content.decode()

    url = reverse("programs:library")
    client = client_for(clinic.therapist)
    assert_flat(client, url, grow, budget=LIST_BUDGET, data={"q": "budget"}, check=check)


def test_exercise_page_fits_the_detail_budget(client_for, manager):
    """An exercise with an easier and a harder one fits the detail budget."""
    exercise = ExerciseFactory(regression=ExerciseFactory(), progression=ExerciseFactory())
    url = reverse("programs:exercise", args=[exercise.slug])
    assert len(queries_of(client_for(manager), url)) <= DETAIL_BUDGET


# --- API --------------------------------------------------------------------------------------


def test_api_my_program_is_flat_in_exercises(client, clinic, runner):
    """GET /me/program costs the same at 1 and 50 exercises."""
    grow = GrowingProgram(clinic.therapist, runner.patient)
    check = json_length("items", LARGE)
    assert_flat(
        client,
        "/api/v1/me/program",
        grow,
        budget=DETAIL_BUDGET,
        check=check,
        **api_headers(runner),
    )


def test_api_get_program_is_flat_in_working_items(client, clinic, runner):
    """GET /programs/{id} costs the same at 1 and 50 working items."""
    grow = GrowingProgram(clinic.therapist, runner.patient)
    check = json_length("working_items", LARGE)
    assert_flat(
        client,
        f"/api/v1/programs/{grow.program.pk}",
        grow,
        budget=DETAIL_BUDGET,
        check=check,
        **api_headers(clinic.therapist),
    )
