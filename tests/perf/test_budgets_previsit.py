"""Query budgets of the pre-visit checklist and of the day views' intake and screening badges."""

import pytest
from django.urls import reverse
from django.utils import timezone

from patients.consents import version_of
from patients.models import Consent, ConsentKind, RunningProfile
from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory
from tests.perf.budget import DETAIL_BUDGET, LIST_BUDGET, assert_flat, queries_of
from tests.perf.test_budgets_patients import Diary, shows

pytestmark = pytest.mark.django_db

BUDGETED_API: set[str] = set()
BUDGETED_PAGES: set[str] = {
    "patients:previsit",
    "patients:previsit_about",
    "patients:previsit_running",
    "patients:previsit_consents",
}


@pytest.mark.parametrize("name", sorted(BUDGETED_PAGES))
def test_checklist_pages_fit_the_detail_budget(client_for, runner, name):
    """Each page of the checklist fits the detail budget, with consents and a screening on file."""
    patient = runner.patient
    RunningProfile.objects.create(patient=patient, runs_per_week=3, weekly_km=20)
    Consent.objects.create(
        patient=patient, kind="treatment", text_version="2025-01", given_at=timezone.now()
    )
    ScreeningFactory(patient=patient)
    assert len(queries_of(client_for(runner), reverse(name))) <= DETAIL_BUDGET


class ScreenedDiary(Diary):
    """A diary whose every patient has a running profile, consents and a red-flag screening."""

    def grow(self, n: int) -> None:
        super().grow(n)
        for appointment in self.made[-n:]:
            patient = appointment.patient
            RunningProfile.objects.create(patient=patient, runs_per_week=3, weekly_km=20)
            for kind in ConsentKind.values:
                Consent.objects.create(
                    patient=patient,
                    kind=kind,
                    text_version=version_of(kind),
                    given_at=timezone.now(),
                )
            ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))


def test_my_day_badges_are_flat_in_appointments(client_for, clinic):
    """The therapist's day with a screening badge on every row costs the same at 1 and 50."""
    assert_flat(
        client_for(clinic.therapist),
        reverse("patients:my_day"),
        ScreenedDiary(clinic).grow,
        budget=LIST_BUDGET,
        data={"date": clinic.monday.isoformat()},
        check=shows("Screening suggests referral — red flag", 50),
    )


def test_schedule_badges_are_flat_in_appointments(client_for, front_desk, clinic):
    """The desk's day with an intake badge on every row costs the same at 1 and 50."""
    assert_flat(
        client_for(front_desk),
        reverse("patients:schedule"),
        ScreenedDiary(clinic).grow,
        budget=LIST_BUDGET,
        data={"location": clinic.location.pk, "date": clinic.monday.isoformat()},
        check=shows(r"Intake 3 of 4|data-intake=\"ready\"", 50),
    )
