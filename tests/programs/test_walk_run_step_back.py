"""Bone pain on a walk-run stage steps the stored stage back, and the runs before it stop counting
(clinical.md §7.5: drop back and build up again); the therapist is told on the program page."""

import pytest
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import Program
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db


def _run(patient, during, after=0, morning=0):
    return services.run_log(
        patient=patient,
        date=timezone.localdate(),
        distance_km="3",
        duration_min="25",
        pain_during=during,
        pain_after=after,
        next_morning_pain=morning,
    )


@pytest.fixture
def stage_3_bone(therapist, runner):
    program = program_with_items(therapist=therapist, patient=runner.patient)
    return services.program_update(
        program=program,
        title=program.title,
        tissue="bone",
        baseline_pain=0,
        current_phase=1,
        walk_run_stage=3,
    )


def test_bone_pain_stores_the_lower_stage_and_clean_runs_after_it_never_skip_ahead(
    client_for, therapist, runner, stage_3_bone
):
    """Bone pain at stage 3 stores stage 1; two clean runs later the runner is not sent to 4."""
    _run(runner.patient, during=2)
    program = Program.objects.get(pk=stage_3_bone.pk)
    assert program.walk_run_stage == 1
    _run(runner.patient, during=0)
    _run(runner.patient, during=0)
    body = client_for(runner).get(reverse("programs:runs")).content.decode()
    assert "Walk-run plan: stage 1" in body
    assert "stage 4" not in body
    assert "Do not run before" in body and "Your therapist has been told" in body


def test_bone_pain_flags_the_therapist_until_the_settings_are_saved(
    client_for, therapist, runner, stage_3_bone
):
    """The program page shows the step back and why; saving the settings marks it reviewed."""
    _run(runner.patient, during=0, after=0, morning=None)
    run = _run(runner.patient, during=0, after=0, morning=None)
    services.run_next_morning(run=run, pain=1)
    program = Program.objects.get(pk=stage_3_bone.pk)
    assert program.walk_run_stage == 1 and "Bone pain" in program.walk_run_review
    url = reverse("programs:detail", args=[program.pk])
    body = client_for(therapist).get(url).content.decode()
    assert "Walk-run plan stepped back." in body and "stage 3" in body
    services.program_update(
        program=program,
        title=program.title,
        tissue="bone",
        baseline_pain=0,
        current_phase=1,
        walk_run_stage=1,
    )
    assert Program.objects.get(pk=program.pk).walk_run_review == ""


def test_clean_runs_leave_the_stored_stage_alone(runner, stage_3_bone):
    """Runs within the rule never change the stored stage (the therapist confirms an advance)."""
    _run(runner.patient, during=0)
    _run(runner.patient, during=0)
    program = Program.objects.get(pk=stage_3_bone.pk)
    assert (program.walk_run_stage, program.walk_run_review) == (3, "")
