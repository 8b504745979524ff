"""Services of the programs app: versions, the safety gate, logs, suggestions and constraints."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.utils import timezone

from programs import services
from programs.models import (
    Exercise,
    Program,
    ProgramStatus,
    ProgramTemplate,
    ProgramVersion,
    RunLog,
    SessionEntry,
    SuggestionStatus,
)
from tests.programs.factories import ExerciseFactory, impact_exercise, program_with_items

pytestmark = pytest.mark.django_db


def _today_entries(program, **scores):
    version = program.current_version
    return [
        {"item_id": i["item_id"], "done": True, **scores}
        for i in version.items
        if i["phase"] == version.phase
    ]


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


def test_library_load_is_idempotent_and_keeps_manager_edits():
    """Loading twice gives the same rows; a manager's edit survives a reload."""
    first = services.library_load()
    Exercise.objects.filter(slug="clamshell").update(name="Clamshell (banded)")
    second = services.library_load()
    assert first["exercises_created"] == 69 and second["exercises_created"] == 0
    assert Exercise.objects.count() == 69 and ProgramTemplate.objects.count() == 10
    assert Exercise.objects.get(slug="clamshell").name == "Clamshell (banded)"
    squat = Exercise.objects.get(slug="bodyweight_squat")
    assert squat.regression.slug == "box_squat" and squat.progression.slug == "goblet_squat"


def test_therapist_cannot_prescribe_for_a_patient_elsewhere(therapist, runner):
    """Only patients at the therapist's locations."""
    with pytest.raises(ValidationError, match="one of your patients"):
        services.program_create_blank(
            patient=runner.patient, therapist=therapist, title="x", tissue="tendon"
        )


# --- The safety gate -----------------------------------------------------------------------


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


def test_safety_gate_blocks_running_items_too(therapist, runner, monkeypatch):
    """Items tagged running are blocked like impact ones, through the assessments service."""
    calls = []

    def blocked(*, patient_id):
        calls.append(patient_id)
        return "Screening suggests referral."

    monkeypatch.setattr("assessments.safety.impact_block_reason", blocked)
    program = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    services.program_item_add(
        program=program,
        exercise=ExerciseFactory(name="Walk-run", contraindication_tags=["running"]),
    )
    with pytest.raises(ValidationError, match="Walk-run"):
        services.program_publish(program=program, by=therapist)
    assert calls == [runner.patient.pk]


# --- Logs ----------------------------------------------------------------------------------


def test_session_log_stores_entries_and_marks_the_session_complete(therapist, runner):
    """All of today's items done → the session is complete; logging again updates it."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=2)
    entries = _today_entries(program, pain_during=2, pain_after=1, difficulty="ok")
    session = services.session_log(program=program, date=timezone.localdate(), entries=entries[:1])
    assert not session.completed
    session = services.session_log(program=program, date=timezone.localdate(), entries=entries)
    assert session.completed and session.entries.count() == 2
    services.session_next_morning(session=session, pain=1)
    assert set(SessionEntry.objects.values_list("next_morning_pain", flat=True)) == {1}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"pain_during": 11}, "pain_during"),
        ({"pain_after": -1}, "pain_after"),
        ({"difficulty": "brutal"}, "difficulty"),
        ({"item_id": 999999}, "entries"),
    ],
)
def test_session_log_refuses_bad_entries(therapist, runner, change, field):
    """Out-of-range pain, unknown difficulty or an item not in the program: nothing is stored."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    entry = {**_today_entries(program)[0], **change}
    with pytest.raises(ValidationError) as caught:
        services.session_log(program=program, date=timezone.localdate(), entries=[entry])
    assert field in caught.value.message_dict
    assert not program.sessions.exists()


def test_session_log_refuses_future_dates(therapist, runner):
    """A session cannot be logged for tomorrow."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError, match="future"):
        services.session_log(program=program, date=tomorrow, entries=_today_entries(program))


def test_run_log_returns_the_spike_warning_of_design(runner):
    """A run 50% longer than the longest of the last 30 days is a moderate spike."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=3), distance_km=8, duration_min=48
    )
    run = services.run_log(patient=runner.patient, date=today, distance_km=12, duration_min=70)
    assert run.load_warning["level"] == "moderate"
    assert run.load_warning["ratio"] == 1.5
    assert "8 km" in run.load_warning["message"]
    assert RunLog.objects.get(pk=run.pk).load_warning == run.load_warning


def test_run_log_without_recent_runs_has_no_warning(runner):
    """No run in the previous 30 days: nothing to compare with, no warning."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=31), distance_km=3, duration_min=20
    )
    run = services.run_log(patient=runner.patient, date=today, distance_km=20, duration_min=120)
    assert run.load_warning is None


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"distance_km": 0}, "distance_km"),
        ({"distance_km": "abc"}, "distance_km"),
        ({"duration_min": -5}, "duration_min"),
        ({"rpe": 11}, "rpe"),
        ({"pain_during": 12}, "pain_during"),
    ],
)
def test_run_log_refuses_bad_input(runner, fields, error):
    """Zero or negative distance, bad RPE or pain: a field error and nothing stored."""
    data = {"date": timezone.localdate(), "distance_km": 5, "duration_min": 30, **fields}
    with pytest.raises(ValidationError) as caught:
        services.run_log(patient=runner.patient, **data)
    assert error in caught.value.message_dict
    assert not RunLog.objects.exists()


def test_database_refuses_pain_over_10(runner):
    """The check constraint stands even when code skips the service."""
    with pytest.raises(IntegrityError), transaction.atomic():
        RunLog.objects.create(
            patient=runner.patient,
            date=timezone.localdate(),
            distance_km=5,
            duration_min=30,
            pain_during=11,
        )


# --- Suggestions ---------------------------------------------------------------------------


def _log_days(program, scores_by_day):
    today = timezone.localdate()
    for days_ago, scores in scores_by_day:
        morning = scores.pop("next_morning_pain", 0)
        session = services.session_log(
            program=program,
            date=today - dt.timedelta(days=days_ago),
            entries=_today_entries(program, **scores),
        )
        services.session_next_morning(session=session, pain=morning)


def test_suggestion_from_logs_and_one_click_approval_publishes_a_new_version(therapist, runner):
    """Two sessions within the rule → progress +2 reps; approving publishes version 2."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    _log_days(program, [(4, {"pain_during": 2, "pain_after": 2}), (2, {"pain_during": 1})])
    # Logging itself proposed it; asking again adds nothing.
    [suggestion] = program.suggestions.filter(status=SuggestionStatus.PENDING)
    assert suggestion.action == "progress"
    assert suggestion.proposed_dosage["reps"] == 12
    assert "Soft-tissue rule" in suggestion.reason
    assert services.suggestions_generate(program=program) == []
    version = services.suggestion_approve(suggestion=suggestion, by=therapist)
    suggestion.refresh_from_db()
    assert version.number == 2 and suggestion.status == SuggestionStatus.APPROVED
    assert version.items[0]["reps"] == 12
    assert any("reps 10 → 12" in change for change in version.changes)
    with pytest.raises(ValidationError, match="already decided"):
        services.suggestion_approve(suggestion=suggestion, by=therapist)


def test_major_breach_suggests_regress_and_dismissal_keeps_the_dose(therapist, runner):
    """Pain 7/10 on a soft-tissue rule → regress; dismissing leaves the program as it was."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    _log_days(program, [(1, {"pain_during": 7, "next_morning_pain": 3})])
    [suggestion] = program.suggestions.filter(status=SuggestionStatus.PENDING)
    assert suggestion.action == "regress" and suggestion.code == "major_breach"
    services.suggestion_dismiss(suggestion=suggestion, by=therapist)
    suggestion.refresh_from_db()
    assert suggestion.status == SuggestionStatus.DISMISSED
    assert program.versions.count() == 1
