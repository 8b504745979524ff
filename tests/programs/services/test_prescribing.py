"""Prescribing and publishing."""

import pytest
from django.db import IntegrityError

from programs import services
from programs.models import Program, ProgramStatus
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db


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
