"""The runner's home reads the next visits once: the appointment card and the pre-visit banner."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from patients.models import AppointmentStatus, VisitKind
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import AppointmentFactory
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db


def _home(client) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("programs:home"))
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def _reads(queries: list[str], table: str) -> int:
    return sum(q.lstrip().startswith("SELECT") and f'FROM "{table}"' in q for q in queries)


@pytest.mark.parametrize("with_program", [True, False])
def test_home_reads_appointments_and_the_patient_once(client_for, make_user, runner, with_program):
    """A follow-up before the first visit: the card shows the follow-up, the banner the first
    visit's checklist; fresh, rebuilt or cached, one read of each."""
    clinic = build_clinic(make_user)
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    patient = runner.patient
    if with_program:
        program_with_items(therapist=clinic.therapist, patient=patient, count=2)
    booked = {"patient": patient, "therapist": clinic.therapist, "location": clinic.location}
    AppointmentFactory(**booked, appointment_type=clinic.follow_up, start=at(clinic.monday, 8))
    AppointmentFactory(**booked, appointment_type=clinic.evaluation, start=at(clinic.monday, 10))
    client = client_for(runner)
    for _ in range(2):  # with a program, the second visit is served from the cache
        body, queries = _home(client)
        assert "8:00 AM" in body and "10:00 AM" not in body  # the next appointment: the follow-up
        assert "data-previsit-banner" in body and "steps done." in body
        assert _reads(queries, "patients_appointment") == 1
        assert _reads(queries, "patients_patient") <= 1


def test_banner_goes_with_a_completed_first_visit(client_for, make_user, runner):
    """A first visit marked completed is no longer "your first visit": the banner follows the
    checklist alone, and the card still shows that appointment as the next one."""
    clinic = build_clinic(make_user)
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    AppointmentFactory(
        patient=runner.patient,
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=at(clinic.monday, 10),
        status=AppointmentStatus.COMPLETED,
    )
    body, _ = _home(client_for(runner))
    assert "10:00 AM" in body
    assert "You are all set for your first visit." not in body
