"""Prescribing and publishing: versions, their diff, the safety gate and the constraints."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from programs import services
from programs.models import Program, ProgramStatus, ProgramTemplate, ProgramVersion
from tests.factories import move_elsewhere
from tests.programs.factories import ExerciseFactory, impact_exercise, program_with_items

pytestmark = pytest.mark.django_db


def test_publishing_twice_keeps_both_versions_and_the_diff_names_the_change(therapist, runner):
    """Two publishes keep versions 1 and 2; version 2 names what changed and is current."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    item = program.items.order_by("order").first()
    services.program_item_update(item=item, reps=12, tempo="3 s down")
    added = services.program_item_add(program=program, exercise=ExerciseFactory(name="Clamshell"))
    second = services.program_publish(program=program, by=therapist, note="Week 3")
    program.refresh_from_db()
    assert list(program.versions.values_list("number", flat=True)) == [2, 1]
    assert program.current_version == second
    assert f"{item.exercise.name}: reps 10 → 12, tempo none → 3 s down" in second.changes
    assert any(c.startswith("Added Clamshell") for c in second.changes)
    first = program.versions.get(number=1)
    assert added.pk not in [i["item_id"] for i in first.items]
    assert [i["reps"] for i in first.items if i["item_id"] == item.pk] == [10]


def test_removal_reorder_and_phase_are_in_the_diff(therapist, runner):
    """The diff names removed items, a new order and a new current phase."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=3)
    first, second, third = program.items.order_by("order")
    services.program_item_remove(item=third)
    services.program_items_reorder(program=program, item_ids=[second.pk, first.pk])
    services.program_update(
        program=program,
        title=program.title,
        tissue="soft_tissue",
        baseline_pain=0,
        current_phase=2,
        walk_run_stage=None,
    )
    version = services.program_publish(program=program, by=therapist)
    assert f"Removed {third.exercise.name}" in version.changes
    assert "Current phase: 1 → 2" in version.changes
    assert f"Order changed: {second.exercise.name}, {first.exercise.name}" in version.changes


def test_publishing_without_changes_is_refused(therapist, runner):
    """Nothing changed → no empty new version."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    with pytest.raises(ValidationError, match="Nothing changed"):
        services.program_publish(program=program, by=therapist)
    assert program.versions.count() == 1


def test_publishing_an_empty_program_is_refused(therapist, runner):
    """A program without exercises cannot be published."""
    program = program_with_items(
        therapist=therapist, patient=runner.patient, count=0, publish=False
    )
    with pytest.raises(ValidationError, match="at least one exercise"):
        services.program_publish(program=program, by=therapist)


def test_a_second_active_program_is_refused(therapist, runner):
    """One active program per runner: the second one must wait until the first has ended."""
    first = program_with_items(therapist=therapist, patient=runner.patient)
    second = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    with pytest.raises(ValidationError, match="already has an active program"):
        services.program_publish(program=second, by=therapist)
    services.program_end(program=first)
    services.program_publish(program=second, by=therapist)
    assert Program.objects.get(pk=second.pk).status == ProgramStatus.ACTIVE


def test_published_versions_cannot_be_changed_in_the_database(therapist, runner):
    """A trigger refuses updates of a published version, whatever the code path."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    with pytest.raises(ProgrammingError, match="Cannot update"), transaction.atomic():
        ProgramVersion.objects.filter(program=program).update(items=[])


def test_version_numbers_are_unique_per_program(therapist, runner):
    """The database refuses a second version 1."""
    program = program_with_items(therapist=therapist, patient=runner.patient)
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramVersion.objects.create(
            program=program, number=1, published_by=therapist, published_at=timezone.now()
        )


def test_create_from_template_copies_the_phases(therapist, runner):
    """A template program gets every phase's items with the template's dosage."""
    services.library_load()
    template = ProgramTemplate.objects.get(slug="pfps_hip_knee")
    from tests.programs.factories import staff_at

    staff_at(therapist, runner.patient.preferred_location)
    program = services.program_create_from_template(
        patient=runner.patient, therapist=therapist, template=template
    )
    assert program.items.count() == template.items.count() == 17
    assert set(program.items.values_list("phase", flat=True)) == {1, 2, 3}
    clamshell = program.items.get(exercise__slug="clamshell")
    assert (clamshell.sets, clamshell.reps, clamshell.times_per_week) == (3, 15, 7)
    assert program.tissue == "soft_tissue"


def test_therapist_cannot_prescribe_for_a_patient_elsewhere(therapist, runner):
    """Only patients at the therapist's locations."""
    move_elsewhere(runner.patient)
    with pytest.raises(ValidationError, match="one of your patients"):
        services.program_create_blank(
            patient=runner.patient, therapist=therapist, title="x", tissue="tendon"
        )


def _refer_screening(patient):
    from tests.assessments.factories import DVT_ANSWERS, ScreeningFactory

    screening = ScreeningFactory(patient=patient, answers=dict(DVT_ANSWERS))
    assert screening.disposition == "refer"
    return screening


def test_safety_gate_refuses_impact_items_until_the_screening_is_acknowledged(therapist, runner):
    """A referral screening blocks impact items, named with the reason, until acknowledged."""
    from assessments.models import Screening

    program = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    hops = services.program_item_add(program=program, exercise=impact_exercise(name="Pogo hops"))
    screening = _refer_screening(runner.patient)
    with pytest.raises(ValidationError) as caught:
        services.program_publish(program=program, by=therapist)
    message = " ".join(caught.value.message_dict["items"])
    assert "Pogo hops" in message
    assert f"Screening #{screening.pk}" in message and "acknowledged" in message
    assert program.versions.count() == 0
    Screening.objects.filter(pk=screening.pk).update(
        acknowledged_at=timezone.now(), acknowledged_by=therapist
    )
    version = services.program_publish(program=program, by=therapist)
    assert hops.pk in [i["item_id"] for i in version.items]


def test_safety_gate_lets_non_impact_items_through(therapist, runner):
    """Without impact or running items a referral screening does not block publishing."""
    _refer_screening(runner.patient)
    program = program_with_items(therapist=therapist, patient=runner.patient)
    assert program.current_version.number == 1


def test_safety_gate_blocks_running_items_too(therapist, runner):
    """Items tagged running are blocked like impact ones while a referral is unacknowledged."""
    _refer_screening(runner.patient)
    program = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    services.program_item_add(
        program=program,
        exercise=ExerciseFactory(name="Walk-run", contraindication_tags=["running"]),
    )
    with pytest.raises(ValidationError, match="Walk-run"):
        services.program_publish(program=program, by=therapist)


def test_an_integrity_error_that_only_names_the_one_active_rule_is_not_a_publish_race(
    therapist, runner, monkeypatch
):
    """Only the database's constraint name means a race; text in a message does not."""
    program = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    original = Program.save

    def failing_save(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["current_version", "status"]:
            raise IntegrityError('trigger said: "program_one_active_per_patient" looked fine')
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Program, "save", failing_save)
    with pytest.raises(IntegrityError):
        services.program_publish(program=program, by=therapist)
    monkeypatch.setattr(Program, "save", original)
    assert Program.objects.get(pk=program.pk).status == ProgramStatus.DRAFT
