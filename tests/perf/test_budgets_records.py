"""Query budgets of what leaves the clinic (issue 18): the runner's record and the letters.

The record grows in every part it lists (appointments, screenings, signed notes with addenda,
gait analyses, outcome scores, sessions with entries, runs) from 1 to 50 rows each and costs the
same queries; a letter grows in outcome scores, addenda and home-program exercises. PDFs are
measured at fewer parts than the JSON: they run the same collector, and each render is slow.
"""

import datetime as dt
import itertools
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import EvaluationAddendum
from assessments.services import clip_measurement_record
from programs.models import RunLog, SessionEntry, SessionLog
from tests.assessments.clip_factories import ready_video
from tests.assessments.factories import (
    GaitAnalysisFactory,
    OutcomeResultFactory,
    ScreeningFactory,
    lefs_answers,
)
from tests.patients.factories import AppointmentFactory
from tests.perf.budget import DETAIL_BUDGET, LARGE, assert_flat, queries_of
from tests.perf.test_budgets_clinical import signed
from tests.programs.factories import ExerciseFactory, program_with_items

pytestmark = pytest.mark.django_db

PARTS = (
    "appointments",
    "screenings",
    "evaluations",
    "gait_analyses",
    "outcome_results",
    "session_logs",
    "runs",
    "files",
    "video_measurements",
)
RECORD_BUDGET = 20  # session, user, role, access log, then the record's own reads

BUDGETED_PAGES: set[str] = {
    "records:mine",
    "records:mine_pdf",
    "records:mine_json",
    "records:patient_pdf",
    "records:patient_json",
    "records:letter",
    "patients:referrer_edit",
}
BUDGETED_API: set[str] = set()  # the patients API's referrer rides on budgeted operations


class GrowingRecord:
    """Adds rows to every part of one runner's record, never overlapping one another."""

    def __init__(self, patient, therapist, *, parts=("all",)):
        self.patient, self.therapist, self.parts = patient, therapist, parts
        self.made = itertools.count()
        self.program = program_with_items(therapist=therapist, patient=patient, count=2)
        self.version = self.program.current_version

    def wants(self, part: str) -> bool:
        return "all" in self.parts or part in self.parts

    def __call__(self, n: int) -> None:
        for _ in range(n):
            self.one(next(self.made))

    def one(self, k: int) -> None:
        patient, therapist = self.patient, self.therapist
        day = timezone.localdate() - dt.timedelta(days=k + 1)
        if self.wants("appointments"):
            start = dt.datetime(2030, 1, 7, 17, tzinfo=dt.UTC) + dt.timedelta(days=k)
            AppointmentFactory(
                patient=patient,
                therapist=therapist,
                location=patient.preferred_location,
                start=start,
            )
        if self.wants("runs"):
            RunLog.objects.create(patient=patient, date=day, distance_km=5, duration_min=30)
        if not self.wants("all"):
            return
        ScreeningFactory(patient=patient)
        note = signed(patient=patient, therapist=therapist)
        EvaluationAddendum.objects.create(evaluation=note, author=therapist, text="Seen again.")
        gait = GaitAnalysisFactory(patient=patient, therapist=therapist)
        clip = ready_video(patient=patient, uploaded_by=therapist, shared_with_runner=True)
        clip_measurement_record(
            clip=clip, gait_analysis=gait, therapist=therapist, kind="pelvic_drop",
            side="left", time_s=0.5, points=[[100, 100], [200, 107]],
        )  # fmt: skip
        OutcomeResultFactory(
            patient=patient, instrument="lefs", answers=lefs_answers(2), score=40, max_score=80
        )
        session = SessionLog.objects.create(program=self.program, version=self.version, date=day)
        SessionEntry.objects.create(session=session, exercise=ExerciseFactory(), done=True)


def test_record_json_is_flat_in_every_part(client_for, runner, therapist, manager):
    """The runner's JSON, and the staff's, cost the same at 1 and 50 rows of every part."""
    grow = GrowingRecord(runner.patient, therapist)

    def check(response) -> None:
        record = json.loads(response.content)
        sizes = {part: len(record[part]) for part in PARTS}
        assert sizes == dict.fromkeys(PARTS, LARGE)
        assert {len(e["addenda"]) for e in record["evaluations"]} == {1}

    url = reverse("records:mine_json")
    count = assert_flat(client_for(runner), url, grow, budget=RECORD_BUDGET, check=check)
    assert count >= 10  # the session, the role, the access log and a query per part
    url = reverse("records:patient_json", args=[runner.patient.pk])
    assert len(queries_of(client_for(manager), url)) <= RECORD_BUDGET


def test_record_pdfs_are_flat(client_for, runner, therapist):
    """The PDFs cost the same at 1 and 50 appointments and runs."""
    grow = GrowingRecord(runner.patient, therapist, parts=("appointments", "runs"))
    assert_flat(client_for(runner), reverse("records:mine_pdf"), grow, budget=RECORD_BUDGET)
    url = reverse("records:patient_pdf", args=[runner.patient.pk])
    assert len(queries_of(client_for(therapist), url)) <= RECORD_BUDGET


def test_the_record_page_fits_the_detail_budget(client_for, runner):
    """The portal page of the record lists nothing: the detail budget."""
    assert len(queries_of(client_for(runner), reverse("records:mine"))) <= DETAIL_BUDGET


def test_letter_is_flat_in_scores_addenda_and_exercises(client_for, runner, therapist):
    """A letter costs the same with 1 or 50 outcome scores, addenda and program exercises."""
    from programs import services as program_services

    patient = runner.patient
    note = signed(patient=patient, therapist=therapist, icd10="M22.2")
    program = program_with_items(therapist=therapist, patient=patient, count=1)
    made = itertools.count()

    def grow(n: int) -> None:
        for _ in range(n):
            k = next(made)
            OutcomeResultFactory(
                patient=patient,
                instrument="lefs",
                answers=lefs_answers(2),
                score=40 + k % 30,
                max_score=80,
                taken_at=timezone.now() - dt.timedelta(days=100 - k),
            )
            EvaluationAddendum.objects.create(evaluation=note, author=therapist, text=f"Note {k}")
            program_services.program_item_add(program=program, exercise=ExerciseFactory())
        program_services.program_publish(program=program, by=therapist)

    url = reverse("records:letter", args=[note.pk])
    assert_flat(client_for(therapist), url, grow, budget=RECORD_BUDGET)


def test_the_referrer_form_fits_the_detail_budget(client_for, therapist, runner):
    """The referring-provider form shows one patient's one referrer: the detail budget."""
    url = reverse("patients:referrer_edit", args=[runner.patient.pk])
    assert len(queries_of(client_for(therapist), url)) <= DETAIL_BUDGET
