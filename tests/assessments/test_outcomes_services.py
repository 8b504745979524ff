"""Outcome services and selectors: scoring and history, refused answers, trends."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import OutcomeResult, OutcomeSource
from assessments.selectors import outcome_history, outcome_trend
from assessments.services import outcome_record
from tests.assessments.factories import (
    lefs_answers,
)
from tests.factories import PatientFactory


@pytest.mark.django_db
def test_outcome_record_scores_and_keeps_history(therapist):
    """Recording stores score, max and completeness, and the history keeps the insert."""
    patient = PatientFactory()
    result = outcome_record(
        patient=patient,
        instrument="lefs",
        answers=lefs_answers(2),
        collected_by=therapist,
        source=OutcomeSource.CLINIC,
    )
    assert (result.score, result.max_score, result.complete) == (40, 80, True)
    OutcomeResult.objects.filter(pk=result.pk).update(taken_at=timezone.now())
    rows = outcome_history(result=result)
    assert [r["label"] for r in rows] == ["insert", "update"]
    assert rows[0]["user_id"] == therapist.pk


@pytest.mark.django_db
def test_invalid_answers_are_refused_naming_the_item(therapist):
    """A bad answer names its item; nothing is stored."""
    answers = lefs_answers(2) | {"squatting": 7}
    with pytest.raises(ValidationError) as caught:
        outcome_record(
            patient=PatientFactory(),
            instrument="lefs",
            answers=answers,
            collected_by=therapist,
            source=OutcomeSource.CLINIC,
        )
    assert "answers.squatting" in caught.value.message_dict
    assert not OutcomeResult.objects.exists()


@pytest.mark.django_db
def test_trend_has_points_band_and_label(therapist):
    """Two LEFS scores 40 → 60 are 'improved' beyond the 9-point MCID band."""
    patient = PatientFactory()
    for days, value in ((42, 2), (0, 3)):
        outcome_record(
            patient=patient,
            instrument="lefs",
            answers=lefs_answers(value),
            collected_by=therapist,
            source=OutcomeSource.CLINIC,
            taken_at=timezone.now() - dt.timedelta(days=days),
        )
    trend = outcome_trend(patient=patient, instrument="lefs")
    assert [p["score"] for p in trend["points"]] == [40, 60]
    assert trend["band"]["low"] == 31 and trend["band"]["high"] == 49
    assert trend["summary"]["label"] == "improved" and trend["summary"]["change"] == 20
