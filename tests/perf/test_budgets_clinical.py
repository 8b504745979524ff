"""Query budgets of the assessments app: screenings, clinical records, outcomes and their API.

Each test grows what its page lists (screenings, patients, notes, a chart's notes, gait analyses
and results, a note's addenda, a trend's points, history events) from 1 row to 50 and asserts the
page costs the same number of queries both times, within the list or detail budget. Form and
confirmation pages with nothing that grows are held to the detail budget.
"""

import datetime as dt
import itertools
import json
import re

import pghistory
import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import EvaluationAddendum
from assessments.proms import INSTRUMENTS
from assessments.services import evaluation_update
from dangpt.conditions import Condition
from programs.models import Program
from tests.assessments.factories import (
    DVT_ANSWERS,
    EvaluationFactory,
    GaitAnalysisFactory,
    OutcomeResultFactory,
    PromScheduleFactory,
    ScreeningFactory,
)
from tests.factories import PatientFactory, UserFactory
from tests.patients.factories import AppointmentFactory
from tests.perf.budget import (
    CHART_BUDGET,
    DETAIL_BUDGET,
    LARGE,
    LIST_BUDGET,
    NEW_NOTE_BUDGET,
    api_headers,
    assert_flat,
    json_length,
    matches,
    queries_of,
)

pytestmark = pytest.mark.django_db

BUDGETED_PAGES: set[str] = {
    "assessments:questionnaire",
    "assessments:questionnaire_sent",
    "assessments:screening_list",
    "assessments:screening_start",
    "assessments:screening_detail",
    "assessments:screening_review",
    "assessments:patient_list",
    "assessments:patient_chart",
    "assessments:evaluation_new",
    "assessments:gait_new",
    "assessments:clearance_new",
    "assessments:gait_compare",
    "assessments:outcome_trend",
    "assessments:outcome_record",
    "assessments:evaluation_list",
    "assessments:evaluation_detail",
    "assessments:evaluation_edit",
    "assessments:evaluation_sign",
    "assessments:evaluation_history",
    "assessments:gait_detail",
    "assessments:gait_edit",
    "assessments:outcome_overview",
    "assessments:outcome_history",
    "assessments:my_measures",
    "assessments:my_measure_fill",
}
BUDGETED_API: set[str] = {
    "assessments_api_get_screening",
    "assessments_api_list_evaluations",
    "assessments_api_get_evaluation",
    "assessments_api_patient_outcome_trend",
    "assessments_api_my_due_outcomes",
}

PAGE_SIZE = 25  # screenings, charts and notes lists

# --- Helpers ----------------------------------------------------------------------------------


def all_of(*checks):
    """A check that runs every one of ``checks``."""

    def check(response) -> None:
        for one in checks:
            one(response)

    return check


def signed(**fields):
    """A signed evaluation (inserted signed: the lock trigger only refuses changes)."""
    signer = fields.pop("signed_by", None) or fields["therapist"]
    return EvaluationFactory(status="signed", signed_by=signer, signed_at=timezone.now(), **fields)


def results(patient, instrument: str, n: int, *, start: int = 0):
    """``n`` scored results of one measure for the patient, a day apart."""
    top = INSTRUMENTS[instrument].max
    now = timezone.now()
    return [
        OutcomeResultFactory(
            patient=patient,
            instrument=instrument,
            answers={},
            score=(start + k) % (top + 1),
            max_score=top,
            taken_at=now - dt.timedelta(days=400 - start - k),
        )
        for k in range(n)
    ]


@pytest.fixture
def patient():
    """A patient of the clinic (staff see every patient)."""
    return PatientFactory()


# --- Runner: questionnaire and measures -------------------------------------------------------


@pytest.mark.parametrize("name", ["assessments:questionnaire", "assessments:questionnaire_sent"])
def test_runner_questionnaire_pages_fit_the_detail_budget(client_for, runner, name):
    """The symptom questionnaire and its thank-you page fit the detail budget."""
    assert len(queries_of(client_for(runner), reverse(name))) <= DETAIL_BUDGET


class GrowingMeasures:
    """A runner's measure schedules (up to one per condition) and clinic results of every measure.

    Each call adds n results (cycling over the measures) and a schedule per result until every
    condition has one; the due list ends at 18 measures and the charts at 6.
    """

    def __init__(self, patient, therapist):
        self.patient, self.therapist = patient, therapist
        self.conditions = iter(Condition.values)
        self.instruments = itertools.cycle(sorted(INSTRUMENTS))
        self.made = 0

    def __call__(self, n: int) -> None:
        for _ in range(n):
            condition = next(self.conditions, None)
            if condition is not None:
                PromScheduleFactory(
                    patient=self.patient, condition=condition, created_by=self.therapist
                )
            results(self.patient, next(self.instruments), 1, start=self.made)
            self.made += 1


DUE_AT_BASELINE = 18  # LEFS and NPRS for all six conditions, plus each condition's own
CHARTS = len(INSTRUMENTS)


def test_my_measures_is_flat_in_schedules_and_results(client_for, runner, therapist):
    """Questionnaires due and charts: 1 schedule and result, or 6 schedules and 50 results."""
    grow = GrowingMeasures(runner.patient, therapist)
    check = all_of(
        matches(r'href="/me/measures/\d+/baseline/', DUE_AT_BASELINE),
        matches(r'href="/clinical/patients/\d+/outcomes/', CHARTS),
    )
    url = reverse("assessments:my_measures")
    assert_flat(client_for(runner), url, grow, budget=LIST_BUDGET, check=check)


def test_my_measure_fill_fits_the_detail_budget(client_for, runner, therapist):
    """Filling a due questionnaire in the portal fits the detail budget."""
    schedule = PromScheduleFactory(patient=runner.patient, created_by=therapist)
    url = reverse("assessments:my_measure_fill", args=[schedule.pk, "baseline", "lefs"])
    assert len(queries_of(client_for(runner), url)) <= DETAIL_BUDGET


def test_api_my_due_outcomes_is_flat_in_schedules_and_results(client, runner, therapist):
    """GET /me/outcomes/due: 1 schedule and result, or 6 schedules and 50 results."""
    grow = GrowingMeasures(runner.patient, therapist)
    assert_flat(
        client,
        "/api/v1/me/outcomes/due",
        grow,
        budget=LIST_BUDGET,
        check=json_length(None, DUE_AT_BASELINE),
        **api_headers(runner),
    )


# --- Screenings -------------------------------------------------------------------------------


@pytest.mark.parametrize("show", ["to_review", "unacknowledged", "all"])
def test_screening_list_is_flat_in_screenings(client_for, therapist, show):
    """Each screening list filter (a full page of 25) costs the same at 1 and 50 screenings."""

    def grow(n: int) -> None:
        for _ in range(n):
            ScreeningFactory(answers=dict(DVT_ANSWERS))

    url = reverse("assessments:screening_list")
    check = matches(r'class="list-group-item list-group-item-action"', PAGE_SIZE)
    client = client_for(therapist)
    assert_flat(client, url, grow, budget=LIST_BUDGET, data={"show": show}, check=check)


def test_screening_start_is_flat_in_patients(client_for, therapist):
    """The new-screening form lists the patients to choose from: 1 and 50 alike."""

    def grow(n: int) -> None:
        for _ in range(n):
            PatientFactory(last_name="Budgetpatient")

    url = reverse("assessments:screening_start")
    check = matches("Budgetpatient", LARGE)
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_screening_detail_fits_the_detail_budget(client_for, therapist):
    """An acknowledged, diagnosed referral screening fits the detail budget."""
    now = timezone.now()
    screening = ScreeningFactory(
        answers=dict(DVT_ANSWERS),
        status="reviewed",
        reviewed_by=therapist,
        reviewed_at=now,
        acknowledged_by=UserFactory(),
        acknowledged_at=now,
        acknowledgement_note="Sent to urgent care.",
        final_diagnosis="pfps",
        diagnosed_by=UserFactory(),
        diagnosed_at=now,
        created_by=UserFactory(),
    )
    url = reverse("assessments:screening_detail", args=[screening.pk])
    client = client_for(therapist)
    assert "Sent to urgent care." in client.get(url).content.decode()
    assert len(queries_of(client, url)) <= DETAIL_BUDGET


def test_screening_review_fits_the_detail_budget(client_for, therapist):
    """The review page of a runner's draft questionnaire fits the detail budget."""
    screening = ScreeningFactory()
    url = reverse("assessments:screening_review", args=[screening.pk])
    assert len(queries_of(client_for(therapist), url)) <= DETAIL_BUDGET


def test_api_get_screening_fits_the_detail_budget(client, therapist):
    """GET /screenings/{id} fits the detail budget."""
    screening = ScreeningFactory()
    url = f"/api/v1/screenings/{screening.pk}"
    assert len(queries_of(client, url, **api_headers(therapist))) <= DETAIL_BUDGET


# --- Charts and notes -------------------------------------------------------------------------


def test_patient_list_is_flat_in_patients(client_for, therapist):
    """The chart list (a full page of 25, with note counts) costs the same at 1 and 50."""

    def grow(n: int) -> None:
        for _ in range(n):
            EvaluationFactory(patient=PatientFactory(), therapist=therapist)

    url = reverse("assessments:patient_list")
    check = matches(r">1 note</span>", PAGE_SIZE)
    assert_flat(client_for(therapist), url, grow, budget=LIST_BUDGET, check=check)


def test_patient_chart_is_flat_in_every_kind_of_record(client_for, therapist, patient):
    """A chart with 1 or 50 notes, gait analyses, results, screenings, visits and programs costs
    the same: the sections list every note and gait analysis and 20 results, the summary reads
    the newest of each, the timeline the newest 15 of all kinds (or 200 of one kind)."""
    PromScheduleFactory(patient=patient, created_by=therapist)
    writers = itertools.cycle([UserFactory() for _ in range(3)])
    instruments = itertools.cycle(["lefs", "nprs"])
    made = itertools.count()
    start = dt.datetime(2030, 1, 7, 17, 0, tzinfo=dt.UTC)

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(made)
            if k % 2:
                signed(patient=patient, therapist=next(writers), signed_by=next(writers))
            else:
                EvaluationFactory(patient=patient, therapist=next(writers))
            GaitAnalysisFactory(patient=patient, therapist=next(writers))
            results(patient, next(instruments), 1, start=k)
            ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))
            AppointmentFactory(patient=patient, start=start + dt.timedelta(days=k))
            Program.objects.create(patient=patient, therapist=therapist, title=f"Program {k}")

    check = all_of(
        matches(r'href="/clinical/gait/\d+/"', LARGE),
        matches(r'href="/clinical/outcome-results/\d+/history/"', 20),
        matches(r"Gait analysis #\d+", 2 * LARGE),  # the two compare choices
        matches(r'data-timeline="', 15),
        matches(r'id="summary-red-flags"', 1),
        matches(r"Show all records", 1),
    )
    url = reverse("assessments:patient_chart", args=[patient.pk])
    client = client_for(therapist)
    assert_flat(client, url, grow, budget=CHART_BUDGET, check=check)
    # Every screening of one kind (50 of them) costs the same queries again.
    one_kind = queries_of(client, url, data={"kind": "screenings"})
    every = queries_of(client, url, data={"timeline": "all"})
    assert len(one_kind) == len(every) <= CHART_BUDGET


def test_evaluation_list_is_flat_in_notes(client_for, therapist):
    """The notes list (a full page of 25) costs the same at 1 and 50 notes."""
    writers = itertools.cycle([therapist, UserFactory(), UserFactory()])

    def grow(n: int) -> None:
        for k in range(n):
            fields = {"patient": PatientFactory(), "therapist": next(writers)}
            if k % 2:
                signed(**fields)
            else:
                EvaluationFactory(**fields)

    url = reverse("assessments:evaluation_list")
    check = matches(r'href="/clinical/evaluations/\d+/"', PAGE_SIZE)
    assert_flat(client_for(therapist), url, grow, budget=LIST_BUDGET, check=check)


class GrowingLinks:
    """Each call adds n appointments and n screenings of the patient (the note form's choices)."""

    def __init__(self, patient):
        self.patient = patient
        self.days = itertools.count()

    def __call__(self, n: int) -> None:
        start = dt.datetime(2030, 1, 7, 17, 0, tzinfo=dt.UTC)
        for _ in range(n):
            AppointmentFactory(
                patient=self.patient, start=start + dt.timedelta(days=next(self.days))
            )
            ScreeningFactory(patient=self.patient)


LINK_CHOICES = all_of(
    matches(r"\d{4}, \d{1,2}:\d{2} [AP]M · ", LARGE),  # a visit by its local date and type
    matches(r"Screening of [A-Z][a-z]{2} \d{1,2}, \d{4}", LARGE),
)


def test_evaluation_new_is_flat_in_appointments_and_screenings(client_for, therapist, patient):
    """The new-note form offers the patient's appointments and screenings: 1 and 50 alike."""
    url = reverse("assessments:evaluation_new", args=[patient.pk])
    grow = GrowingLinks(patient)
    assert_flat(client_for(therapist), url, grow, budget=NEW_NOTE_BUDGET, check=LINK_CHOICES)


def test_evaluation_edit_is_flat_in_appointments_and_screenings(client_for, therapist, patient):
    """The draft-note form offers the patient's appointments and screenings: 1 and 50 alike."""
    evaluation = EvaluationFactory(patient=patient, therapist=therapist)
    url = reverse("assessments:evaluation_edit", args=[evaluation.pk])
    grow = GrowingLinks(patient)
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=LINK_CHOICES)


def test_evaluation_detail_is_flat_in_addenda_gait_and_programs(client_for, therapist, patient):
    """A signed note with 1 or 50 addenda, gait analyses and programs costs the same."""
    evaluation = signed(patient=patient, therapist=therapist)
    authors = itertools.cycle([therapist, UserFactory(), UserFactory()])

    def grow(n: int) -> None:
        for _ in range(n):
            EvaluationAddendum.objects.create(
                evaluation=evaluation, author=next(authors), text="Pain settled."
            )
            GaitAnalysisFactory(patient=patient, therapist=therapist, evaluation=evaluation)
            Program.objects.create(
                patient=patient, therapist=therapist, title="Knee plan", evaluation=evaluation
            )

    check = all_of(
        matches("Pain settled.", LARGE),
        matches(r'href="/clinical/gait/\d+/"', LARGE),
        matches(r'href="/programs/\d+/"', LARGE),
    )
    url = reverse("assessments:evaluation_detail", args=[evaluation.pk])
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_evaluation_sign_fits_the_detail_budget(client_for, therapist, patient):
    """The sign confirmation of a draft note fits the detail budget."""
    evaluation = EvaluationFactory(patient=patient, therapist=therapist)
    url = reverse("assessments:evaluation_sign", args=[evaluation.pk])
    assert len(queries_of(client_for(therapist), url)) <= DETAIL_BUDGET


def test_evaluation_history_is_flat_in_versions(client_for, therapist, manager, patient):
    """A note's history with 2 or 51 versions (versions by two users) costs the same."""
    evaluation = EvaluationFactory(patient=patient, therapist=therapist)
    edits = itertools.count()

    def grow(n: int) -> None:
        # Only the author edits through the service; the second user's versions are written
        # under their history context, so the page still names more than one person.
        for _ in range(n):
            number = next(edits)
            if number % 2:
                with pghistory.context(user=manager.pk):
                    evaluation.history = f"Edit {number}"
                    evaluation.save(update_fields=["history", "updated_at"])
            else:
                evaluation_update(
                    evaluation=evaluation, user=therapist, fields={"history": f"Edit {number}"}
                )

    url = reverse("assessments:evaluation_history", args=[evaluation.pk])
    check = matches(r'<li class="list-group-item">', LARGE + 1)  # the insert, then each edit
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_api_list_evaluations_is_flat_in_notes(client, therapist, patient):
    """GET /evaluations?patient= with 1 or 50 notes (signed ones with addenda) costs the same."""
    made = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            if next(made) % 2:
                note = signed(patient=patient, therapist=therapist)
                EvaluationAddendum.objects.create(evaluation=note, author=therapist, text="More.")
            else:
                EvaluationFactory(patient=patient, therapist=therapist)

    assert_flat(
        client,
        "/api/v1/evaluations",
        grow,
        budget=LIST_BUDGET,
        data={"patient": patient.pk},
        check=json_length(None, LARGE),
        **api_headers(therapist),
    )


def test_api_get_evaluation_is_flat_in_addenda(client, therapist, patient):
    """GET /evaluations/{id} with 1 or 50 addenda costs the same."""
    evaluation = signed(patient=patient, therapist=therapist)

    def grow(n: int) -> None:
        for _ in range(n):
            EvaluationAddendum.objects.create(evaluation=evaluation, author=therapist, text="x")

    assert_flat(
        client,
        f"/api/v1/evaluations/{evaluation.pk}",
        grow,
        budget=DETAIL_BUDGET,
        check=json_length("addenda", LARGE),
        **api_headers(therapist),
    )


# --- Return-to-run clearance ------------------------------------------------------------------


def test_clearance_page_is_flat_in_clearances(client_for, therapist, patient):
    """The clearance page lists the runner's clearances: 1 and 50 alike."""
    from assessments.services import clearance_record

    EvaluationFactory(patient=patient, therapist=therapist, working_diagnosis="bone_stress_injury")

    def grow(n: int) -> None:
        for _ in range(n):
            clearance_record(
                patient=patient,
                cleared_by=therapist,
                site="fibula",
                pain_free_walking=True,
                no_focal_tenderness=True,
                pain_free_hops=True,
                contributing_factors_identified=True,
            )

    url = reverse("assessments:clearance_new", args=[patient.pk])
    check = matches(r"<td>Fibula</td>", LARGE)
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=check)


def test_clearance_page_is_flat_in_exclusions(client_for, therapist, patient):
    """The return-to-run page lists the runner's condition exclusions: 1 and 50 alike."""
    from assessments.services import exclusion_record

    EvaluationFactory(patient=patient, therapist=therapist, working_diagnosis="bone_stress_injury")

    def grow(n: int) -> None:
        for _ in range(n):
            exclusion_record(
                patient=patient,
                excluded_by=therapist,
                condition="dvt",
                method="imaging",
                detail="Duplex ultrasound negative.",
            )

    url = reverse("assessments:clearance_new", args=[patient.pk])
    check = matches(r"Negative imaging: Duplex ultrasound negative.", LARGE)
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=check)


# --- Gait -------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_note", [False, True])
def test_gait_new_fits_the_detail_budget(client_for, therapist, patient, with_note):
    """The gait form, alone or attached to a draft note, fits the detail budget."""
    url = reverse("assessments:gait_new", args=[patient.pk])
    data = {}
    if with_note:
        data["evaluation"] = EvaluationFactory(patient=patient, therapist=therapist).pk
    assert len(queries_of(client_for(therapist), url, data=data)) <= DETAIL_BUDGET


def test_gait_detail_fits_the_detail_budget(client_for, therapist, patient):
    """A gait analysis of a note fits the detail budget."""
    note = EvaluationFactory(patient=patient, therapist=therapist)
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist, evaluation=note)
    url = reverse("assessments:gait_detail", args=[gait.pk])
    assert len(queries_of(client_for(therapist), url)) <= DETAIL_BUDGET


def test_gait_edit_fits_the_detail_budget(client_for, therapist, patient):
    """The edit form of a gait analysis of a draft note fits the detail budget."""
    note = EvaluationFactory(patient=patient, therapist=therapist)
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist, evaluation=note)
    url = reverse("assessments:gait_edit", args=[gait.pk])
    assert len(queries_of(client_for(therapist), url)) <= DETAIL_BUDGET


def test_gait_compare_is_flat_in_analyses(client_for, therapist, patient):
    """Comparing two analyses while 1 or 50 more are offered as choices costs the same."""
    before = GaitAnalysisFactory(patient=patient, therapist=therapist, cadence_spm=160)
    after = GaitAnalysisFactory(patient=patient, therapist=therapist, cadence_spm=170)

    def grow(n: int) -> None:
        for _ in range(n):
            GaitAnalysisFactory(patient=patient, therapist=therapist, cadence_spm=175)

    check = all_of(
        matches(r"Gait analysis #\d+", 2 * (LARGE + 2)),  # every analysis in both choices
        matches('data-testid="comparison"', 1),
    )
    url = reverse("assessments:gait_compare", args=[patient.pk])
    data = {"before": before.pk, "after": after.pk}
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, data=data, check=check)


# --- Outcome measures -------------------------------------------------------------------------


def _trend_points(expected: int):
    def check(response) -> None:
        body = response.content.decode()
        chart = re.search(r'id="trend-data" type="application/json">(.*?)</script>', body)
        assert len(json.loads(chart.group(1))["points"]) == expected

    return check


@pytest.mark.parametrize("who", ["therapist", "runner"])
def test_outcome_trend_is_flat_in_points(client_for, therapist, runner, who):
    """A measure's trend with 1 or 50 results costs the same, for a clinician and the runner."""
    patient = runner.patient
    made = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            results(patient, "lefs", 1, start=next(made))

    url = reverse("assessments:outcome_trend", args=[patient.pk, "lefs"])
    client = client_for(therapist if who == "therapist" else runner)
    assert_flat(client, url, grow, budget=DETAIL_BUDGET, check=_trend_points(LARGE))


def test_api_outcome_trend_is_flat_in_points(client, therapist, patient):
    """GET /patients/{id}/outcomes/{instrument} with 1 or 50 results costs the same."""
    made = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            results(patient, "lefs", 1, start=next(made))

    assert_flat(
        client,
        f"/api/v1/patients/{patient.pk}/outcomes/lefs",
        grow,
        budget=DETAIL_BUDGET,
        check=json_length("points", LARGE),
        **api_headers(therapist),
    )


def test_outcome_record_fits_the_detail_budget(client_for, therapist, patient):
    """The in-clinic form of a measure fits the detail budget."""
    url = reverse("assessments:outcome_record", args=[patient.pk, "lefs"])
    assert len(queries_of(client_for(therapist), url)) <= DETAIL_BUDGET


def test_outcome_overview_is_flat_in_patients(client_for, therapist):
    """The overview with 1 or 50 scheduled patients (3 measures each, scored) costs the same."""

    def grow(n: int) -> None:
        for _ in range(n):
            patient = PatientFactory()
            PromScheduleFactory(patient=patient, condition="pfps", created_by=therapist)
            for instrument in ("nprs", "lefs", "akps"):
                results(patient, instrument, 2)

    check = matches(r'href="/clinical/patients/\d+/outcomes/', 3 * LARGE)
    url = reverse("assessments:outcome_overview")
    assert_flat(client_for(therapist), url, grow, budget=LIST_BUDGET, check=check)


def test_outcome_history_is_flat_in_versions(client_for, therapist, manager, patient):
    """A result's history with 2 or 51 versions (changes by two clinicians) costs the same."""
    (result,) = results(patient, "nprs", 1)
    editors = itertools.cycle([therapist, manager])
    scores = itertools.cycle(range(1, 11))  # each differs from the one before

    def grow(n: int) -> None:
        for _ in range(n):
            with pghistory.context(user=next(editors).pk):
                result.score = next(scores)
                result.save()

    url = reverse("assessments:outcome_history", args=[result.pk])
    check = matches(r'<li class="list-group-item">', LARGE + 1)  # the insert, then each change
    assert_flat(client_for(therapist), url, grow, budget=DETAIL_BUDGET, check=check)
