"""Screening services and the database's own guard rails."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.utils import timezone

from assessments.models import Screening, ScreeningStatus
from assessments.services import screening_acknowledge, screening_create, screening_review
from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory, knee_answers
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_database_refuses_acknowledgement_without_who(therapist):
    """An acknowledged screening must say who acknowledged it: a check constraint."""
    screening = ScreeningFactory(
        answers=dict(DVT_ANSWERS),
        status=ScreeningStatus.REVIEWED,
        reviewed_by=therapist,
        reviewed_at=timezone.now(),
    )
    with pytest.raises(IntegrityError):
        Screening.objects.filter(pk=screening.pk).update(acknowledged_at=timezone.now())


def test_database_refuses_acknowledging_a_treat_screening(therapist):
    """Only a referral or suspected bone stress injury can carry an acknowledgement."""
    screening = ScreeningFactory()
    with pytest.raises(IntegrityError):
        Screening.objects.filter(pk=screening.pk).update(
            acknowledged_at=timezone.now(), acknowledged_by=therapist
        )


def test_invalid_answers_store_nothing(therapist):
    """The service raises a field-by-field ValidationError and writes no row."""
    with pytest.raises(ValidationError) as caught:
        screening_create(
            patient=PatientFactory(),
            answers=knee_answers(pain_now=11, regions=[]),
            created_by=therapist,
            source="therapist",
        )
    assert set(caught.value.message_dict) == {"pain_now", "regions"}
    assert not Screening.objects.exists()


def test_draft_must_be_reviewed_before_acknowledgement(runner, therapist):
    """A runner's red-flag draft is acknowledged only after a therapist reviews it."""
    screening = screening_create(
        patient=runner.patient, answers=DVT_ANSWERS, created_by=runner, source="runner"
    )
    with pytest.raises(ValidationError):
        screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Seen")
    screening_review(screening=screening, answers=DVT_ANSWERS, reviewed_by=therapist)
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Seen")
    screening.refresh_from_db()
    assert screening.acknowledged_by == therapist


def test_same_flags_on_re_review_keep_the_acknowledgement(therapist):
    """Adding an exam finding that changes no red flag keeps the acknowledgement."""
    screening = screening_create(
        patient=PatientFactory(), answers=DVT_ANSWERS, created_by=therapist, source="therapist"
    )
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Referred")
    answers = {**DVT_ANSWERS, "exam": {"squat_pain": False}}
    screening_review(screening=screening, answers=answers, reviewed_by=therapist)
    screening.refresh_from_db()
    assert screening.acknowledged_at is not None


def test_screen_command_as_a_real_process():
    """The real process exits 2 with JSON on stderr and an empty stdout for invalid answers."""
    env = {**os.environ, "DEBUG": "true"}
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "manage.py", "screen", "-"],
        input='{"regions": [], "pain_now": 11}',
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 2
    assert completed.stdout == ""
    assert '"regions"' in completed.stderr
    assert '"pain_now"' in completed.stderr
