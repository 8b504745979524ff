"""Fixtures of the programs page tests."""

import pytest

from tests.programs.factories import program_with_items


@pytest.fixture
def program(therapist, runner):
    """The runner's active program of 3 exercises, prescribed by the therapist."""
    return program_with_items(therapist=therapist, patient=runner.patient, count=3)
