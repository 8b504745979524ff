"""Outcome services and selectors: scoring and history, refused answers, trends."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments.models import OutcomeResult, OutcomeSource
from assessments.selectors import outcome_history, outcome_trend
from assessments.services import outcome_record
from tests.assessments.factories import (
    OutcomeResultFactory,
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
    assert [r["label"] for r in rows] == ["Created", "Changed"]
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
    """Two LEFS scores 40 → 60 are improved beyond the 9-point MDC band and the MCID."""
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


def _two_results(instrument, max_score, then, now, weeks):
    patient = PatientFactory()
    for taken_at, value in ((timezone.now() - dt.timedelta(weeks=weeks), then), (None, now)):
        OutcomeResultFactory(
            patient=patient,
            instrument=instrument,
            max_score=max_score,
            score=value,
            taken_at=taken_at or timezone.now(),
        )
    return outcome_trend(patient=patient, instrument=instrument)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("then", "now", "label"),
    [
        (50.0, 59.0, "within_error"),  # the MCID (9) reached, the MDC95 (12.3) not
        (50.0, 60.0, "within_error"),
        (50.0, 62.3, "improved"),
        (62.3, 50.0, "worse"),
    ],
)
def test_faam_sports_trend_is_improved_only_beyond_its_mdc(then, now, label):
    """FAAM Sports: MCID 9 < MDC95 12.3 (Martin 2005), so only 12.3 points or more is a change."""
    trend = _two_results("faam_sports", 100, then, now, weeks=12)
    assert trend["summary"]["label"] == label
    assert "(MDC, 95% confidence): 12.3 points" in trend["summary"]["thresholds"]
    assert "Martin RL" in trend["summary"]["thresholds"]
    assert trend["band"]["mdc"] == 12.3


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("weeks", "now", "label", "text"),
    [
        (24, 50, "below_mcid", "Below the clinically important threshold"),
        (24, 54, "improved", "Improved beyond the clinically important threshold"),
        (12, 50, "below_mcid", "Below the clinically important threshold"),
        (12, 54, "improved", "Improved beyond the clinically important threshold"),
        (6, 54, "no_threshold", "No validated threshold for a change over this interval"),
    ],
)
def test_visa_a_trend_uses_the_mcid_of_its_interval(weeks, now, label, text):
    """VISA-A from 40: 14 points at 12 and at 24 weeks (Lagas 2021), unjudged at 6 weeks.

    A 10-point change at 24 weeks is past the cohort's imprecise 7-point estimate (95% CI -10 to
    28) but not "improved".
    """
    trend = _two_results("visa_a", 100, 40, now, weeks=weeks)
    assert trend["summary"]["label"] == label
    assert trend["summary"]["label_text"].startswith(text)
    assert trend["band"] is None  # no MDC recorded for VISA-A: no error band is drawn


@pytest.mark.django_db
def test_nprs_trend_never_mixes_time_anchors():
    """Results of different NPRS anchors are separate measures with separate trends."""
    patient = PatientFactory()
    OutcomeResultFactory(
        patient=patient,
        instrument="nprs_worst_24h",
        score=7,
        taken_at=timezone.now() - dt.timedelta(weeks=6),
    )
    OutcomeResultFactory(patient=patient, instrument="nprs_running", score=2)
    assert outcome_trend(patient=patient, instrument="nprs_worst_24h")["summary"] is None
    assert outcome_trend(patient=patient, instrument="nprs_running")["summary"] is None
