"""Progression suggestions from the session logs: proposed, approved, dismissed, and their cost."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs import services
from programs.models import SuggestionStatus
from tests.programs.factories import make_runner, program_with_items, today_entries

pytestmark = pytest.mark.django_db


def _log_days(program, scores_by_day):
    today = timezone.localdate()
    for days_ago, scores in scores_by_day:
        morning = scores.pop("next_morning_pain", 0)
        session = services.session_log(
            program=program,
            date=today - dt.timedelta(days=days_ago),
            entries=today_entries(program, **scores),
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


def _generate_queries(therapist, days: int) -> int:
    """Queries of one suggestions_generate over a program with ``days`` logged (hard) sessions."""
    runner = make_runner()
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    item_id = program.current_version.items[0]["item_id"]
    today = timezone.localdate()
    for n in range(days):
        entry = {"item_id": item_id, "done": True, "pain_during": 1, "difficulty": "hard"}
        services.session_log(program=program, date=today - dt.timedelta(days=n), entries=[entry])
    with CaptureQueriesContext(connection) as queries:
        assert services.suggestions_generate(program=program) == []  # "too hard": hold
    return len(queries.captured_queries)


def test_suggestions_cost_the_same_queries_for_one_and_many_past_entries(therapist):
    """The dosage-change day is read once per call, not once per past entry."""
    assert _generate_queries(therapist, 1) == _generate_queries(therapist, 6)


def test_morning_pain_rising_week_to_week_suggests_a_cut(therapist, runner):
    """Morning pain 0 → 1 → 2 over three weeks, under the baseline of 3: regress, not progress."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    program.baseline_pain = 3
    program.save(update_fields=["baseline_pain"])
    hard = {"pain_during": 2, "difficulty": "hard"}  # "too hard": no suggestion on the way
    _log_days(
        program,
        [
            (20, {**hard, "next_morning_pain": 0}),
            (18, {**hard, "next_morning_pain": 0}),
            (13, {**hard, "next_morning_pain": 1}),
            (11, {**hard, "next_morning_pain": 1}),
        ],
    )
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient,
        date=today - dt.timedelta(days=5),
        distance_km=3,
        duration_min=20,
        next_morning_pain=2,
    )
    _log_days(
        program,
        [
            (4, {"pain_during": 2, "next_morning_pain": 2}),
            (2, {"pain_during": 2, "next_morning_pain": 2}),
        ],
    )
    # Each morning stayed under the baseline, and the last two sessions met the rule.
    [suggestion] = program.suggestions.all()
    assert (suggestion.action, suggestion.code) == ("regress", "morning_pain_rising")
    assert suggestion.proposed_dosage["reps"] < suggestion.current_dosage["reps"]
    assert "risen week to week" in suggestion.reason


def test_morning_trend_reads_three_weeks_across_a_dose_change(therapist, runner):
    """A dose change 10 days ago does not restart the trend: mornings 1 → 1 → 2 suggest a cut.

    Silbernagel 2007: morning pain must not rise week to week while the load goes up, so the
    trend reads a fixed 3 weeks of mornings, not only those since the last approved change
    (which would see one week and never a rise).
    """
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    program.baseline_pain = 3
    program.save(update_fields=["baseline_pain"])
    item = program.items.get()
    hard = {"pain_during": 2, "difficulty": "hard"}  # "too hard": no suggestion on the way
    _log_days(
        program,
        [
            (20, {**hard, "next_morning_pain": 1}),
            (18, {**hard, "next_morning_pain": 1}),
            (13, {**hard, "next_morning_pain": 1}),
            (11, {**hard, "next_morning_pain": 1}),
        ],
    )
    assert not program.suggestions.exists()  # flat mornings so far
    # The therapist approved a dose change 10 days ago (the load went up then).
    program.suggestions.create(
        item=item,
        action="progress",
        code="progress",
        reason="Two sessions within the rule.",
        status=SuggestionStatus.APPROVED,
        decided_by=therapist,
        decided_at=timezone.now() - dt.timedelta(days=10),
    )
    _log_days(
        program,
        [
            (4, {"pain_during": 2, "next_morning_pain": 2}),
            (2, {"pain_during": 2, "next_morning_pain": 2}),
        ],
    )
    [suggestion] = program.suggestions.filter(status=SuggestionStatus.PENDING)
    assert (suggestion.action, suggestion.code) == ("regress", "morning_pain_rising")
    assert "risen week to week (weekly average 1.0/10 → 1.0/10 → 2.0/10)" in suggestion.reason


def test_a_minor_breach_proposes_a_smaller_dose(therapist, runner):
    """Pain 4/10 once on the soft-tissue rule (limit 3): about 25% fewer reps, no review."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    _log_days(program, [(1, {"pain_during": 4, "next_morning_pain": 0})])
    [suggestion] = program.suggestions.filter(status=SuggestionStatus.PENDING)
    assert (suggestion.action, suggestion.code) == ("regress", "single_breach")
    assert (suggestion.current_dosage["reps"], suggestion.proposed_dosage["reps"]) == (10, 8)
    assert suggestion.therapist_review is False


def test_alfredson_item_progresses_by_load_not_a_fourth_set(therapist, runner):
    """An Alfredson heel drop at 3 × 15, pain-free twice: add load, keep 3 × 15."""
    dosage = {"sets": 3, "reps": 15, "hold_seconds": None, "times_per_week": 14}
    program = program_with_items(
        therapist=therapist,
        patient=runner.patient,
        count=1,
        slug="eccentric_heel_drop_straight_knee",
        tissue="tendon",
        default_dosage=dosage,
    )
    item = program.items.get()
    assert (item.sets, item.reps) == (3, 15)
    _log_days(program, [(4, {"pain_during": 0}), (2, {"pain_during": 0})])
    [suggestion] = program.suggestions.filter(status=SuggestionStatus.PENDING)
    assert suggestion.action == "progress"
    proposed = suggestion.proposed_dosage
    assert (proposed["sets"], proposed["reps"], proposed["load_kg"]) == (3, 15, 2.0)
    assert "Alfredson 1998" in suggestion.reason


def _hsr_program(therapist, runner):
    dosage = {"sets": 3, "reps": 15, "hold_seconds": None, "times_per_week": 3}
    return program_with_items(
        therapist=therapist,
        patient=runner.patient,
        count=1,
        slug="hsr_seated_heel_raise",
        tissue="tendon",
        default_dosage=dosage,
    )


def test_heavy_slow_resistance_holds_week_one_within_the_rule(therapist, runner):
    """Two good sessions in the first week do not move 3 × 15RM to 3 × 12RM (Beyer: week 2)."""
    program = _hsr_program(therapist, runner)
    _log_days(program, [(4, {"pain_during": 1}), (2, {"pain_during": 1})])
    assert not program.suggestions.exists()


def test_heavy_slow_resistance_steps_once_week_two_is_reached(therapist, runner):
    """Counted from the first logged session (9 days ago), week 2 allows 3 × 12RM."""
    program = _hsr_program(therapist, runner)
    _log_days(
        program,
        [
            (9, {"pain_during": 1, "difficulty": "hard"}),
            (4, {"pain_during": 1}),
            (2, {"pain_during": 1}),
        ],
    )
    [suggestion] = program.suggestions.filter(status=SuggestionStatus.PENDING)
    assert suggestion.action == "progress"
    assert (suggestion.proposed_dosage["sets"], suggestion.proposed_dosage["reps"]) == (3, 12)
