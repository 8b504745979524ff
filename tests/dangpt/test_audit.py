"""The audit trail: access log rows for chart reads, history events for edits, both append-only."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from dangpt.models import AccessLog
from dangpt.services import api_token_create
from tests.assessments.factories import EvaluationFactory
from tests.factories import PatientFactory
from tests.patients.test_views import intake_post

pytestmark = pytest.mark.django_db


def _api(client, user, method, url, **kwargs):
    _, token = api_token_create(user=user, name="t", second_factor=True)
    return getattr(client, method)(
        url, headers={"Authorization": f"Bearer {token}"}, content_type="application/json", **kwargs
    )


def _event_model(label: str):
    from django.apps import apps

    return apps.get_model(label)


def test_chart_view_writes_an_access_log_row(client_for, therapist):
    """Opening a patient's record stores who, which patient, what, when and from where."""
    patient = PatientFactory(first_name="Zelda", last_name="Quasar")
    client = client_for(therapist)
    response = client.get(
        reverse("patients:detail", args=[patient.pk]),
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 400,
    )
    assert response.status_code == 200
    row = AccessLog.objects.get()
    assert row.user == therapist and row.role == "therapist"
    assert row.patient_id == patient.pk
    assert row.view == "patients:detail" and row.what == f"patient {patient.pk}"
    assert row.method == "GET" and row.ip_address == "203.0.113.7"
    assert row.user_agent.startswith("Mozilla/5.0") and len(row.user_agent) == 200
    assert row.created_at is not None
    stored = " ".join(str(v) for v in AccessLog.objects.values().get().values())
    assert "Zelda" not in stored and "Quasar" not in stored


def test_clinical_pages_and_api_reads_write_one_row_each(client_for, client, therapist):
    """The chart, a note and the API read each leave exactly one row naming the patient."""
    evaluation = EvaluationFactory()
    patient_id = evaluation.patient_id
    web = client_for(therapist)
    assert web.get(reverse("assessments:patient_chart", args=[patient_id])).status_code == 200
    assert (
        web.get(reverse("assessments:evaluation_detail", args=[evaluation.pk])).status_code == 200
    )
    assert _api(client, therapist, "get", f"/api/v1/patients/{patient_id}").status_code == 200
    rows = list(AccessLog.objects.order_by("id").values_list("view", "what", "patient_id"))
    assert rows == [
        ("assessments:patient_chart", f"chart {patient_id}", patient_id),
        ("assessments:evaluation_detail", f"evaluation {evaluation.pk}", patient_id),
        ("api:get_patient", f"patient {patient_id}", patient_id),
    ]


def test_another_patients_chart_is_404_and_logs_nothing(client_for, runner):
    """A runner asking for someone else's outcome chart gets 404 and leaves no read row."""
    other = PatientFactory()
    url = reverse("assessments:outcome_trend", args=[other.pk, "nprs"])
    assert client_for(runner).get(url).status_code == 404
    assert not AccessLog.objects.exists()


def test_runner_reading_own_program_is_logged_as_the_runner(client_for, runner):
    """The runner's portal home is a read of their own record, logged under the runner."""
    assert client_for(runner).get(reverse("programs:home")).status_code == 200
    row = AccessLog.objects.get()
    assert row.user == runner and row.role == "runner" and row.patient_id == runner.patient.pk


def test_edit_writes_a_history_event_with_the_acting_user(client_for, front_desk):
    """Saving the intake form stores an update event whose context names the desk user."""
    patient = PatientFactory()
    client = client_for(front_desk)
    response = client.post(
        reverse("patients:edit", args=[patient.pk]), intake_post(**{"p-phone": "213 555 0199"})
    )
    assert response.status_code == 302
    event = _event_model("patients.PatientEvent").objects.filter(pgh_obj=patient).latest("pgh_id")
    assert event.pgh_label == "update" and event.phone == "+12135550199"
    assert event.pgh_context.metadata["user"] == front_desk.pk
    assert event.pgh_context.metadata["url"] == f"/desk/patients/{patient.pk}/edit/"


def test_api_edit_records_the_token_user(client, front_desk):
    """A PATCH through the API is attributed to the token's user, and the read is logged too."""
    patient = PatientFactory()
    response = _api(
        client,
        front_desk,
        "patch",
        f"/api/v1/patients/{patient.pk}",
        data={"phone": "213 555 0123"},
    )
    assert response.status_code == 200
    event = _event_model("patients.PatientEvent").objects.filter(pgh_obj=patient).latest("pgh_id")
    assert event.pgh_label == "update"
    assert event.pgh_context.metadata["user"] == front_desk.pk
    assert AccessLog.objects.get().method == "PATCH"


def _refused(sql: str, params: list) -> None:
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, params)


def test_access_log_rows_refuse_update_and_delete(client_for, therapist):
    """PostgreSQL itself refuses to change or remove an access log row."""
    patient = PatientFactory()
    client_for(therapist).get(reverse("patients:detail", args=[patient.pk]))
    row = AccessLog.objects.get()
    _refused("UPDATE dangpt_accesslog SET what = 'x' WHERE id = %s", [row.pk])
    _refused("DELETE FROM dangpt_accesslog WHERE id = %s", [row.pk])
    assert AccessLog.objects.get().what == f"patient {patient.pk}"


@pytest.mark.parametrize(
    "label",
    [
        "patients.PatientEvent",
        "assessments.EvaluationEvent",
    ],
)
def test_history_events_refuse_update_and_delete(label):
    """Event rows of the history tables are append-only in the database."""
    EvaluationFactory()
    model = _event_model(label)
    event = model.objects.latest("pgh_id")
    table = model._meta.db_table
    _refused(f"UPDATE {table} SET pgh_label = 'x' WHERE pgh_id = %s", [event.pk])  # noqa: S608
    _refused(f"DELETE FROM {table} WHERE pgh_id = %s", [event.pk])  # noqa: S608
    assert model.objects.filter(pk=event.pk, pgh_label="insert").exists()


def test_every_history_table_is_append_only():
    """Each tracked model's event table carries the append-only trigger."""
    labels = [
        "patients.PatientEvent",
        "patients.AppointmentEvent",
        "assessments.EvaluationEvent",
        "assessments.OutcomeResultEvent",
        "programs.ProgramEvent",
        "programs.ProgramItemEvent",
        "programs.ProgramVersionEvent",
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE t.tgname LIKE 'pgtrigger_append_only_%%'"
        )
        protected = {name for (name,) in cursor.fetchall()}
    assert {_event_model(label)._meta.db_table for label in labels} <= protected
