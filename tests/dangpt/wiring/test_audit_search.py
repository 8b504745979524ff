"""The manager's audit page (project wiring): search who read and who changed which record."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangpt.models import AccessKind, AccessLog
from dangpt.services import api_token_create
from tests.assessments.factories import EvaluationFactory
from tests.factories import PatientFactory
from tests.patients.test_views import intake_post

pytestmark = pytest.mark.django_db
AUDIT_URL = "/manager/audit/"


def test_audit_page_is_404_for_other_roles(client_for, front_desk, therapist, runner):
    """Only a manager sees the audit page; everyone else gets 404."""
    for user in (front_desk, therapist, runner):
        assert client_for(user).get(AUDIT_URL).status_code == 404


def test_audit_page_sends_anonymous_users_to_login(client):
    """Without a session the page redirects to the login."""
    response = client.get(AUDIT_URL)
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_audit_page_refuses_post(client_for, manager):
    """The page only reads."""
    assert client_for(manager).post(AUDIT_URL).status_code == 405


def test_access_search_by_patient_and_user(client_for, manager, therapist, front_desk):
    """Searching by patient id and by username narrows the access log."""
    first, second = PatientFactory(), PatientFactory()
    client_for(therapist).get(reverse("patients:detail", args=[first.pk]))
    client_for(front_desk).get(reverse("patients:detail", args=[second.pk]))
    client = client_for(manager)
    page = client.get(AUDIT_URL, {"patient": first.pk}).context["page"]
    assert [r["row"].patient_id for r in page.object_list] == [first.pk]
    page = client.get(AUDIT_URL, {"user": front_desk.username}).context["page"]
    assert [r["row"].user_id for r in page.object_list] == [front_desk.pk]
    body = client.get(AUDIT_URL).content.decode()
    assert str(first) in body and therapist.get_full_name() in body
    assert therapist.username not in body


def test_change_search_shows_event_user_and_fields(client_for, manager, front_desk):
    """The change history lists the edit with who made it and which fields changed."""
    patient = PatientFactory()
    other = PatientFactory()
    client_for(front_desk).post(
        reverse("patients:edit", args=[patient.pk]), intake_post(**{"p-phone": "213 555 0199"})
    )
    client = client_for(manager)
    response = client.get(AUDIT_URL, {"log": "changes", "patient": patient.pk, "kind": "patient"})
    rows = response.context["page"].object_list
    update = next(r for r in rows if r["event"].pgh_label == "update")
    assert update["who"] == front_desk.get_full_name() and update["patient"] == patient
    labels = {change["label"] for change in update["changes"]}
    assert "Phone" in labels and "Updated at" not in labels
    assert all(r["patient_id"] == patient.pk for r in rows)
    assert other.pk not in {r["patient_id"] for r in rows}
    mine = client.get(AUDIT_URL, {"log": "changes", "user": front_desk.username})
    assert {r["who"] for r in mine.context["page"].object_list} == {front_desk.get_full_name()}


def test_change_search_finds_program_parts_and_notes_by_patient(client_for, manager):
    """Notes name the patient directly; both show up in the patient's change history."""
    evaluation = EvaluationFactory()
    response = client_for(manager).get(
        AUDIT_URL, {"log": "changes", "patient": evaluation.patient_id}
    )
    kinds = {r["kind"] for r in response.context["page"].object_list}
    assert {"patient", "evaluation"} <= kinds


def _page_queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(AUDIT_URL, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("log", ["access", "changes"])
def test_audit_page_query_count_is_constant(client_for, manager, front_desk, log):
    """One row or fifty on the page: the same number of queries."""
    desk = Client()
    _, token = api_token_create(user=front_desk, name="t", second_factor=True)

    def add_rows(count):
        for _ in range(count):
            patient = PatientFactory()
            response = desk.patch(
                f"/api/v1/patients/{patient.pk}",
                {"phone": "213 555 0123"},
                headers={"Authorization": f"Bearer {token}"},
                content_type="application/json",
            )
            assert response.status_code == 200

    add_rows(1)
    client = client_for(manager)
    client.get(AUDIT_URL)  # the first request after signing in does session work of its own
    one = _page_queries(client, {"log": log})
    add_rows(49)
    many = _page_queries(client, {"log": log})
    assert one == many
    assert AccessLog.objects.count() == 50


def test_kind_filter_narrows_both_logs(client_for, manager, therapist):
    """Kind picks the object kind in the access log; a read-only kind has no change history."""
    evaluation = EvaluationFactory()
    reader = client_for(therapist)
    reader.get(reverse("assessments:patient_chart", args=[evaluation.patient_id]))
    reader.get(reverse("assessments:evaluation_detail", args=[evaluation.pk]))
    client = client_for(manager)
    page = client.get(AUDIT_URL, {"kind": "evaluation"}).context["page"]
    assert [r["row"].what for r in page.object_list] == [f"evaluation {evaluation.pk}"]
    page = client.get(AUDIT_URL, {"log": "changes", "kind": "chart"}).context["page"]
    assert list(page.object_list) == []
    page = client.get(AUDIT_URL, {"log": "changes", "kind": "evaluation"}).context["page"]
    assert {r["kind"] for r in page.object_list} == {"evaluation"}


def test_kind_filter_matches_the_kind_not_the_start_of_the_text(client_for, manager, therapist):
    """Searching evaluation reads leaves out the evaluation history, which only starts alike."""
    evaluation = EvaluationFactory()
    reader = client_for(therapist)
    reader.get(reverse("assessments:evaluation_detail", args=[evaluation.pk]))
    reader.get(reverse("assessments:evaluation_history", args=[evaluation.pk]))
    assert set(AccessLog.objects.values_list("kind", flat=True)) == {
        AccessKind.EVALUATION,
        AccessKind.EVALUATION_HISTORY,
    }
    client = client_for(manager)
    page = client.get(AUDIT_URL, {"kind": "evaluation"}).context["page"]
    assert [r["row"].kind for r in page.object_list] == [AccessKind.EVALUATION]
    page = client.get(AUDIT_URL, {"kind": AccessKind.EVALUATION_HISTORY}).context["page"]
    assert [r["row"].what for r in page.object_list] == [f"evaluation history {evaluation.pk}"]


@pytest.mark.parametrize("field", ["date_from", "date_to"])
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("log", ["access", "changes"])
def test_audit_dates_at_the_ends_of_the_calendar_are_refused_at_the_field(
    client_for, manager, field, day, log
):
    """A far date is named at its field on the page and in the CSV request, never a 500."""
    client = client_for(manager)
    page = client.get(AUDIT_URL, {"log": log, field: day})
    assert page.status_code == 200
    assert "Choose a date between Jan 1, 1900 and" in page.content.decode()
    export = client.get(AUDIT_URL, {"log": log, field: day, "format": "csv"})
    assert export.status_code == 200 and not export.streaming
    assert "Choose a date between" in export.content.decode()
