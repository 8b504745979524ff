"""Two drafts of one runner published at the same moment: one wins, the other gets a message."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from programs.models import Program, ProgramStatus
from tests.programs.factories import program_with_items


@pytest.mark.django_db(transaction=True)
def test_simultaneous_publishes_leave_one_active_program_and_no_500(therapist, runner):
    """Both pass the early check together; the database's one-active rule decides, cleanly."""
    from programs import services

    patient = runner.patient
    drafts = [
        program_with_items(therapist=therapist, patient=patient, count=1, publish=False)
        for _ in range(2)
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def publish(program):
        try:
            barrier.wait()
            services.program_publish(program=program, by=therapist)
            outcomes.append("published")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 - anything else would be a 500
            outcomes.append(f"error: {exc!r}")
        finally:
            connection.close()

    threads = [threading.Thread(target=publish, args=[draft]) for draft in drafts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [
        "This runner already has an active program; end it before publishing.",
        "published",
    ]
    assert Program.objects.filter(patient=patient, status=ProgramStatus.ACTIVE).count() == 1
