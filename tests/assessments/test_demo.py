"""assessments.demo.seed: the demo screenings, created once."""

import pytest

from assessments import demo
from assessments.models import Screening, ScreeningSource, ScreeningStatus
from assessments.safety import loading_blocks
from patients.demo import seed_people

pytestmark = pytest.mark.django_db


def test_seed_creates_the_demo_screenings_once():
    """runner1 has a reviewed screening, runner2 a draft; a second run adds nothing."""
    seed_people(password="demo-pass-123")
    demo.seed(password="demo-pass-123")
    demo.seed(password="demo-pass-123")
    reviewed = Screening.objects.get(patient__user__username="runner1")
    draft = Screening.objects.get(patient__user__username="runner2")
    assert reviewed.status == ScreeningStatus.REVIEWED
    assert reviewed.source == ScreeningSource.THERAPIST
    assert reviewed.final_diagnosis == "pfps"
    assert reviewed.top_condition == "pfps"
    assert draft.status == ScreeningStatus.DRAFT
    assert draft.source == ScreeningSource.RUNNER
    assert draft.top_condition == "achilles_tendinopathy"
    # Demo programs prescribe impact and tendon work, so no demo screening may block any loading.
    assert loading_blocks(patient_id=reviewed.patient_id) == {}
    assert loading_blocks(patient_id=draft.patient_id) == {}


def test_seed_leaves_an_open_gait_analysis_and_links_the_note_to_the_screening():
    """The demo can measure on video (an open gait analysis without cadence), and the signed
    note comes from runner1's reviewed screening; a second run adds nothing."""
    from assessments.models import Evaluation, GaitAnalysis

    seed_people(password="demo-pass-123")
    demo.seed(password="demo-pass-123")
    demo.seed(password="demo-pass-123")
    open_gait = GaitAnalysis.objects.get(patient__user__username="runner1", evaluation__isnull=True)
    assert open_gait.cadence_spm is None
    note = Evaluation.objects.get(patient__user__username="runner1")
    assert note.is_signed and note.screening.source == ScreeningSource.THERAPIST
