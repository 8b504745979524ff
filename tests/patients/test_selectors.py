"""Scoped loaders: the signed-in runner's record, and reads that log themselves."""

import pytest
from django.http import Http404
from django.test import RequestFactory

from dangpt.models import AccessKind, AccessLog
from patients.selectors import read_patient, runner_patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def request_by(user):
    """A GET request made by the user."""
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_read_patient_logs_one_row_with_the_patient_kind(therapist):
    """A therapist's read of a patient returns it and writes one access-log row."""
    patient = PatientFactory()
    assert read_patient(request_by(therapist), patient.pk) == patient
    row = AccessLog.objects.get()
    assert (row.patient_id, row.kind, row.user) == (patient.pk, AccessKind.PATIENT, therapist)


def test_read_patient_of_someone_else_is_404_and_logs_nothing(runner):
    """A runner reading another patient's record gets a 404 and no row is written."""
    other = PatientFactory()
    with pytest.raises(Http404):
        read_patient(request_by(runner), other.pk)
    assert not AccessLog.objects.exists()


def test_runner_patient_is_the_runners_own_record(runner, therapist):
    """The runner gets their own record; staff get a 404."""
    assert runner_patient(runner) == runner.patient
    with pytest.raises(Http404):
        runner_patient(therapist)
