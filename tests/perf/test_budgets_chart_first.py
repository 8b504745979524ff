"""Query budget of My day's note actions: a draft note on every visit costs nothing per row."""

import pytest
from django.urls import reverse

from tests.assessments.factories import EvaluationFactory
from tests.perf.budget import LIST_BUDGET, assert_flat, matches
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
