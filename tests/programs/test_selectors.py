"""Loaders of programs.selectors: scoped to the user, and a read writes its own access-log row."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from dangpt.models import AccessKind, AccessLog
from programs import selectors
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_program_read_writes_one_row_and_a_write_load_none(therapist, runner):
    """read_program_for_user logs the read; get_program_for_user (for writes) logs nothing."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    selectors.get_program_for_user(_request(therapist), program.pk)
    assert not AccessLog.objects.exists()
    selectors.read_program_for_user(_request(therapist), program.pk)
    row = AccessLog.objects.get()
    assert (row.patient_id, row.kind, row.what) == (
        runner.patient.pk,
        AccessKind.PROGRAM,
        f"program {program.pk}",
    )


def test_a_draft_asked_for_as_published_is_404_and_no_read(therapist, runner):
    """The print page of a draft: nothing shown, so nothing is logged."""
    draft = program_with_items(therapist=therapist, patient=runner.patient, publish=False)
    with pytest.raises(Http404):
        selectors.read_program_for_user(_request(therapist), draft.pk, published=True)
    assert not AccessLog.objects.exists()


def test_a_version_read_names_the_version(therapist, runner):
    """read_version_for_user logs a program-version read with the version's id."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    version = selectors.read_version_for_user(_request(therapist), program.pk, 1)
    assert version.program == program
    row = AccessLog.objects.get()
    assert (row.kind, row.what) == (AccessKind.PROGRAM_VERSION, f"program version {version.pk}")


def test_the_runner_loaders_are_for_runners_only(therapist, runner):
    """A therapist asking for 'my program' gets 404 and leaves no row, though they prescribe it."""
    program_with_items(therapist=therapist, patient=runner.patient, count=1)
    for load in (selectors.get_runner_program, selectors.read_runner_program):
        with pytest.raises(Http404):
            load(_request(therapist))
    with pytest.raises(Http404):
        selectors.read_runner_record(_request(therapist), kind=AccessKind.RUN_LOG)
    assert not AccessLog.objects.exists()


def test_the_runner_record_read_is_logged_with_its_kind(therapist, runner):
    """The run log and calendar reads name no program; a program read names it."""
    program = program_with_items(therapist=therapist, patient=runner.patient, count=1)
    patient, found = selectors.read_runner_record(_request(runner), kind=AccessKind.RUN_LOG)
    assert (patient, found) == (runner.patient, program)
    selectors.read_runner_record(_request(runner), kind=AccessKind.PROGRAM)
    assert list(AccessLog.objects.order_by("pk").values_list("what", flat=True)) == [
        "run log",
        f"program {program.pk}",
    ]
