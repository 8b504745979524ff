"""Query budgets of the gait video pages: the side-by-side player and the runner's shared clips.

The player grows in the patient's videos (its two choice lists), gait analyses (the list to fill)
and measurements shown under it; the runner's page in clips shared with them (five a page).
"""

import pytest
from django.urls import reverse

from assessments.services import clip_measurement_record
from tests.assessments.clip_factories import ready_video
from tests.assessments.factories import GaitAnalysisFactory
from tests.factories import PatientFactory
from tests.perf.budget import LARGE, LIST_BUDGET, assert_flat, matches

pytestmark = pytest.mark.django_db

BUDGETED_PAGES: set[str] = {"assessments:clip_compare", "assessments:my_clips"}
BUDGETED_API: set[str] = set()


def test_player_is_flat_in_videos_gait_analyses_and_measurements(client_for, therapist):
    """A player with 1 or 50 measurements, videos and gait analyses to choose costs the same."""
    patient = PatientFactory()
    left = ready_video(patient=patient, uploaded_by=therapist)
    right = ready_video(patient=patient, uploaded_by=therapist)
    gait = GaitAnalysisFactory(patient=patient, therapist=therapist)

    def grow(n: int) -> None:
        for k in range(n):
            ready_video(patient=patient, uploaded_by=therapist, label=f"Extra {k}")
            GaitAnalysisFactory(patient=patient, therapist=therapist)
            clip_measurement_record(
                clip=left,
                gait_analysis=gait,
                therapist=therapist,
                kind="shank_angle",
                time_s=0.5,
                points=[[100, 100], [100 + k % 50, 200]],
            )

    url = reverse("assessments:clip_compare", args=[patient.pk])
    assert_flat(
        client_for(therapist),
        url,
        grow,
        budget=LIST_BUDGET,
        data={"left": left.pk, "right": right.pk},
        check=matches(r"<td>Overstride: shank angle at initial contact</td>", LARGE),
    )


def test_runner_clips_are_flat_in_shared_clips(client_for, runner, therapist):
    """A runner with 1 or 50 shared clips (five a page) costs the same."""

    def grow(n: int) -> None:
        for _ in range(n):
            ready_video(
                patient=runner.patient,
                uploaded_by=therapist,
                shared_with_runner=True,
                runner_cues="Quicker steps.",
            )

    assert_flat(
        client_for(runner),
        reverse("assessments:my_clips"),
        grow,
        budget=LIST_BUDGET,
        check=matches(r"Quicker steps\.", 5),
    )
