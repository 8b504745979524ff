"""Progression suggestions from the session logs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from programs import services
from tests.programs.factories import make_runner, program_with_items

pytestmark = pytest.mark.django_db


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
