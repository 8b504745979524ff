"""The audit tables hold: the app's role may add and read rows, nobody may change or empty them."""

import contextlib
import os

import pghistory
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from dangpt.audit.database import audit_models, grant_app_role
from dangpt.models import AccessKind, AccessLog
from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

# Roles are cluster-wide: a name of this process's own, created and dropped with the test's
# transaction, so parallel runs against one server never meet.
APP_ROLE = f"dangpt_test_app_{os.getpid()}"


@pytest.fixture
def app_role():
    """A role granted the app's privileges in the test database (rolled back with the test)."""
    grant_app_role(APP_ROLE)
    return APP_ROLE


@contextlib.contextmanager
def acting_as(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def _fails(sql: str, match: str) -> None:
    with (
        pytest.raises(DatabaseError, match=match),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)


def _tables() -> list[tuple[str, str]]:
    quote = connection.ops.quote_name
    return [(quote(m._meta.db_table), quote(m._meta.pk.column)) for m in audit_models()]


def test_the_audit_tables_are_the_access_log_and_every_history_table():
    """Reads and the history of every clinical, consent and account model are covered."""
    tables = {model._meta.db_table for model in audit_models()}
    assert {
        "dangpt_accesslog",
        "assessments_screeningevent",
        "assessments_gaitanalysisevent",
        "assessments_evaluationaddendumevent",
        "assessments_promscheduleevent",
        "patients_runningprofileevent",
        "patients_consentevent",
        "dangpt_usergroupevent",
        "dangpt_useraccessevent",
    } <= tables


def test_truncate_of_an_audit_table_is_refused_even_for_the_owner():
    """The tests connect as the tables' owner (a superuser in CI): TRUNCATE still fails."""
    PatientFactory()  # a history row to keep
    for table, _ in _tables():
        _fails(f"TRUNCATE {table}", "Cannot truncate")
    assert pghistory.models.Events.objects.exists()


def test_app_role_may_insert_and_read_audit_rows(app_role):
    """As the app's role: an access-log row and a history event (through a tracked write) go in."""
    patient = PatientFactory()
    with acting_as(app_role):
        AccessLog.objects.create(
            patient_id=patient.pk,
            view="test",
            kind=AccessKind.PATIENT,
            what="patient",
            method="GET",
        )
        with pghistory.context(user=None, url="/test/"):
            patient.phone = "+12135550100"
            patient.save(update_fields=["phone"])
        assert AccessLog.objects.filter(view="test").count() == 1
        events = pghistory.models.Events.objects.filter(pgh_obj_model="patients.Patient")
        assert events.filter(pgh_label="update", pgh_context__url="/test/").count() == 1


def test_app_role_may_not_update_delete_or_truncate_audit_tables(app_role):
    """Each of the three is refused by the database's privileges, before any trigger."""
    PatientFactory()
    with acting_as(app_role):
        for table, key in _tables():
            _fails(f"UPDATE {table} SET {key} = {key}", "permission denied")
            _fails(f"DELETE FROM {table}", "permission denied")
            _fails(f"TRUNCATE {table}", "permission denied")
        _fails("DELETE FROM pghistory_context", "permission denied")


def test_app_role_changes_ordinary_tables(app_role):
    """The app's own tables stay fully writable for it."""
    patient = PatientFactory()
    with acting_as(app_role), connection.cursor() as cursor:
        cursor.execute("UPDATE patients_patient SET phone = '' WHERE id = %s", [patient.pk])
        cursor.execute("DELETE FROM dangpt_heartbeat")


def test_grant_command_refuses_the_owner_and_odd_names():
    """The owner is never made the restricted role, and a role name is a plain identifier."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(CommandError, match="must not be the role that owns"):
        call_command("grant_app_role", owner)
    with pytest.raises(CommandError, match="plain lower-case role name"):
        call_command("grant_app_role", 'x"; DROP TABLE dangpt_accesslog; --')


def test_app_role_may_not_rewrite_who_made_a_past_change(app_role):
    """A history context's recorded user and URL stay as written; the app may only add keys."""
    patient = PatientFactory()
    with pghistory.context(user=1, url="/first/"):
        patient.phone = "+12135550101"
        patient.save(update_fields=["phone"])
    with acting_as(app_role):
        _fails(
            """UPDATE pghistory_context SET metadata = '{"user": 2, "url": "/first/"}'""",
            "never change recorded ones",
        )
        _fails("UPDATE pghistory_context SET metadata = '{}'", "never change recorded ones")
        with connection.cursor() as cursor:
            cursor.execute(
                """UPDATE pghistory_context SET metadata = metadata || '{"extra": true}'
                   WHERE metadata->>'url' = '/first/'"""
            )
            assert cursor.rowcount == 1
        with pghistory.context(user=1, url="/first/"), pghistory.context(step="two"):
            patient.phone = "+12135550102"
            patient.save(update_fields=["phone"])
    events = pghistory.models.Events.objects.filter(pgh_obj_model="patients.Patient")
    assert events.filter(pgh_context__user=1).count() == 2


def test_app_role_may_not_switch_off_history_triggers(app_role):
    """`pgtrigger.ignore` is any session's to set: as the app's role it skips nothing."""
    patient = PatientFactory()
    every_trigger = [t.get_pgid(Patient) for t in Patient._meta.triggers]
    before = pghistory.models.Events.objects.filter(pgh_obj_model="patients.Patient").count()
    with acting_as(app_role), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pgtrigger.ignore', %s, true)",
            ["{" + ",".join(every_trigger) + "}"],
        )
        cursor.execute(
            "UPDATE patients_patient SET phone = '+12135550103' WHERE id = %s", [patient.pk]
        )
    after = pghistory.models.Events.objects.filter(pgh_obj_model="patients.Patient").count()
    assert after == before + 1


def test_app_role_may_use_sequences_but_not_set_them(app_role):
    with acting_as(app_role):
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('dangpt_accesslog_id_seq')")
        _fails("SELECT setval('dangpt_accesslog_id_seq', 1)", "permission denied")


def test_app_role_only_adds_to_the_admin_and_sign_in_logs(app_role):
    """django_admin_log and axes' failure log are add-only; axes' counters stay its own."""
    with acting_as(app_role):
        for table in ("django_admin_log", "axes_accessfailurelog"):
            _fails(f"UPDATE {table} SET id = id", "permission denied")
            _fails(f"DELETE FROM {table}", "permission denied")
        _fails("DELETE FROM axes_accesslog", "permission denied")
        with connection.cursor() as cursor:
            cursor.execute("UPDATE axes_accesslog SET logout_time = NULL WHERE false")
            cursor.execute("UPDATE axes_accessattempt SET failures_since_start = 0 WHERE false")
            cursor.execute("DELETE FROM axes_accessattempt WHERE false")
