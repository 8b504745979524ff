"""Query budgets of chart-first pages: My day's note actions (a draft note on every visit costs
nothing per row) and a new note started from a visit."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.assessments.factories import EvaluationFactory
from tests.factories import PatientFactory
from tests.patients.factories import AppointmentFactory
from tests.perf.budget import LARGE, LIST_BUDGET, NEW_NOTE_BUDGET, assert_flat, matches
from tests.perf.test_budgets_clinical import GrowingLinks, all_of
from tests.perf.test_budgets_patients import Diary

pytestmark = pytest.mark.django_db

# My day is named in test_budgets_patients; this module adds a case, not a route.
BUDGETED_PAGES: set[str] = set()
BUDGETED_API: set[str] = set()


class DraftedDiary(Diary):
    """Visits of the day, every other one with the therapist's draft note started from it."""

    def grow(self, n: int) -> None:
        super().grow(n)
        for appointment in self.made[-n:]:
            if appointment.pk % 2:
                EvaluationFactory(
                    patient=appointment.patient,
                    therapist=self.clinic.therapist,
                    appointment=appointment,
                )


def test_my_day_note_actions_are_flat_in_visits(client_for, clinic):
    """Chart links, "Start note" and "Continue note" on 1 or 50 visits cost the same queries."""
    diary = DraftedDiary(clinic)

    def check(response) -> None:
        drafts = sum(1 for a in diary.made if a.pk % 2)
        matches(r"data-chart-link", 50)(response)
        matches(r">Continue note<", drafts)(response)
        matches(r">Start note<", 50 - drafts)(response)

    assert_flat(
        client_for(clinic.therapist),
        reverse("patients:my_day"),
        diary.grow,
        budget=LIST_BUDGET,
        data={"date": clinic.monday.isoformat()},
        check=check,
    )


def test_note_started_from_a_visit_is_flat_in_visits_screenings_and_notes(client_for, therapist):
    """The new note prefilled from a visit (its day, the latest screening, the last exam) costs
    the same with 1 or 50 visits, screenings and earlier notes."""
    patient = PatientFactory()
    links = GrowingLinks(patient)
    visit = AppointmentFactory(patient=patient, start=dt.datetime(2029, 1, 7, 17, 0, tzinfo=dt.UTC))

    def grow(n: int) -> None:
        links(n)
        for _ in range(n):
            EvaluationFactory(
                patient=patient,
                therapist=therapist,
                status="signed",
                signed_by=therapist,
                signed_at=timezone.now(),
                exam={"rom": {"knee_flexion_deg": {"left": 120.0}}},
            )

    url = reverse("assessments:evaluation_new", args=[patient.pk])
    check = all_of(
        matches(r"\d{4}, \d{1,2}:\d{2} [AP]M · ", LARGE + 1),  # the grown visits and this one
        matches(r"Screening of [A-Z][a-z]{2} \d{1,2}, \d{4}", LARGE),
        matches(r"check before signing", 1),
    )
    assert_flat(
        client_for(therapist),
        url,
        grow,
        budget=NEW_NOTE_BUDGET,
        data={"appointment": visit.pk},
        check=check,
    )
