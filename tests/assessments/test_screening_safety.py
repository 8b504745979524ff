"""The safety gate's impact block: what the programs app asks before prescribing impact work."""

import pytest
from django.utils import timezone

from assessments.models import ScreeningStatus
from assessments.safety import LoadingKind, loading_block_reason
from assessments.services import screening_acknowledge, screening_create, screening_review
from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory, knee_answers
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def impact_block_reason(*, patient_id: int) -> str | None:
    """Why impact work is blocked for the patient now, as the gate says it."""
    return loading_block_reason(patient_id=patient_id, kinds={LoadingKind.IMPACT})


# Focal bony tenderness with pain at rest is a hard bone-stress trigger, without any red flag.
BSI_ANSWERS = knee_answers(
    regions=["medial_shin"],
    focal_bone_tenderness="yes",
    timing=["with_walking", "at_rest"],
    aggravators=[],
)


def test_no_screening_means_no_block():
    """A patient who has never been screened is not blocked by this service."""
    assert impact_block_reason(patient_id=PatientFactory().pk) is None


def test_treat_screening_does_not_block():
    """A reviewed soft-tissue screening with no red flag does not block impact work."""
    screening = ScreeningFactory(
        status=ScreeningStatus.REVIEWED, reviewed_at=timezone.now(), reviewed_by=_user()
    )
    assert screening.disposition == "treat"
    assert impact_block_reason(patient_id=screening.patient_id) is None


def test_unacknowledged_refer_blocks_with_plain_reason(therapist):
    """A reviewed refer screening blocks until acknowledged, naming its urgency and no diagnosis."""
    screening = screening_create(
        patient=PatientFactory(), answers=DVT_ANSWERS, created_by=therapist, source="therapist"
    )
    reason = impact_block_reason(patient_id=screening.patient_id)
    assert reason is not None
    assert f"#{screening.pk}" in reason
    assert "same-day referral" in reason
    assert "acknowledge" in reason.lower()
    assert "thrombosis" not in reason.lower()


def test_runner_draft_with_red_flag_blocks_before_review(runner):
    """A runner's draft that already fires a red flag blocks before any therapist looks at it."""
    screening = screening_create(
        patient=runner.patient, answers=DVT_ANSWERS, created_by=runner, source="runner"
    )
    assert screening.status == ScreeningStatus.DRAFT
    assert impact_block_reason(patient_id=runner.patient.pk) is not None


def test_suspected_bsi_blocks_and_says_so(therapist):
    """A suspected bone stress injury blocks with its own plain-language reason."""
    screening = screening_create(
        patient=PatientFactory(), answers=BSI_ANSWERS, created_by=therapist, source="therapist"
    )
    assert screening.suspected_bsi
    reason = impact_block_reason(patient_id=screening.patient_id)
    assert "possible bone stress injury" in reason


def test_acknowledgement_lifts_the_block(therapist):
    """Once a therapist acknowledges the referral, the block is lifted."""
    screening = screening_create(
        patient=PatientFactory(), answers=DVT_ANSWERS, created_by=therapist, source="therapist"
    )
    screening_acknowledge(
        screening=screening, acknowledged_by=therapist, note="Sent to urgent care"
    )
    assert impact_block_reason(patient_id=screening.patient_id) is None


def test_older_unacknowledged_refer_still_blocks_after_a_calm_screening(therapist):
    """A later treat screening never hides an earlier referral nobody acknowledged."""
    patient = PatientFactory()
    first = screening_create(
        patient=patient, answers=DVT_ANSWERS, created_by=therapist, source="therapist"
    )
    screening_create(
        patient=patient, answers=knee_answers(), created_by=therapist, source="therapist"
    )
    assert f"#{first.pk}" in impact_block_reason(patient_id=patient.pk)


def test_new_red_flag_after_review_needs_a_new_acknowledgement(therapist):
    """Re-screening that fires a different red flag clears the old acknowledgement."""
    screening = screening_create(
        patient=PatientFactory(), answers=DVT_ANSWERS, created_by=therapist, source="therapist"
    )
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Referred")
    screening_review(
        screening=screening,
        answers={**DVT_ANSWERS, "fever_or_unwell": True},
        reviewed_by=therapist,
    )
    screening.refresh_from_db()
    assert screening.acknowledged_at is None
    assert impact_block_reason(patient_id=screening.patient_id) is not None


def test_other_patients_screenings_do_not_block(therapist):
    """One patient's referral does not block another patient."""
    screening_create(
        patient=PatientFactory(), answers=DVT_ANSWERS, created_by=therapist, source="therapist"
    )
    assert impact_block_reason(patient_id=PatientFactory().pk) is None


def _user():
    """A plain user to stand in as reviewer."""
    from tests.factories import UserFactory

    return UserFactory()
