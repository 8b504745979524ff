"""Reports read from the `replica` database alias when one is configured; writes never go there.

The alias is added for these tests as a test mirror of the test database (what
REPLICA_DATABASE_URL adds in settings), so rows committed on "default" are there to read.
"""

import datetime as dt

import pytest
from django.conf import settings
from django.db import connections
from django.test.utils import CaptureQueriesContext

from dangpt.replica import REPLICA, ReplicaRouter, replica_reads, report_database
from dangpt.reports import ReportQuery
from dangpt.roles import Role
from dangpt.wiring.reports import REPORTS, csv_response, read_rows
from patients.models import Location
from tests.factories import default_location
from tests.patients.factories import AppointmentFactory


@pytest.fixture(scope="module", autouse=True)
def _replica_alias(django_db_setup):
    """A `replica` alias on the test database for this module's tests, gone again after them.

    Module-scoped so it exists before each test's database access is set up (the tests name
    the alias in their marker).
    """
    settings.DATABASES[REPLICA] = {
        **connections["default"].settings_dict,
        "TEST": {"MIRROR": "default"},
    }
    try:
        yield
    finally:
        connections[REPLICA].close()
        del connections[REPLICA]
        del settings.DATABASES[REPLICA]


BOTH = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])


@pytest.fixture
def replica():
    return connections[REPLICA]


def test_outside_the_block_reads_stay_on_default():
    assert report_database() == "default"
    assert ReplicaRouter().db_for_read(Location) is None
    with replica_reads():
        assert report_database() == REPLICA


@BOTH
def test_report_reads_go_to_the_replica_and_writes_to_default(replica, make_user):
    """The report's queries run on the replica; a write inside the block still goes to default."""
    therapist = make_user(Role.THERAPIST, first_name="Ana", last_name="Reyes")
    AppointmentFactory(
        therapist=therapist,
        location=default_location(),
        start=dt.datetime(2026, 11, 3, 17, tzinfo=dt.UTC),
        status="no_show",
    )
    query = ReportQuery(
        first=dt.date(2026, 11, 2), last=dt.date(2026, 11, 8), zone=dt.UTC, location_id=None
    )
    default = connections["default"]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        rows = read_rows(REPORTS["attendance"], query)
        with replica_reads():
            Location.objects.create(name="Written inside the block")
    assert [(r["therapist"], r["no_shows"]) for r in rows] == [("Ana Reyes", 1)]
    assert any("patients_appointment" in q["sql"] for q in on_replica.captured_queries)
    assert not any("patients_appointment" in q["sql"] for q in on_default.captured_queries)
    assert any(q["sql"].startswith("INSERT") for q in on_default.captured_queries)
    assert not any(q["sql"].startswith("INSERT") for q in on_replica.captured_queries)
    # Outside the block, reads are back on default.
    with CaptureQueriesContext(replica) as after:
        assert Location.objects.filter(name="Written inside the block").exists()
    assert after.captured_queries == []


@BOTH
def test_the_streamed_csv_reads_from_the_replica(replica, make_user):
    query = ReportQuery(first=dt.date(2026, 11, 2), last=dt.date(2026, 11, 8), zone=dt.UTC)
    response = csv_response(REPORTS["utilization"], query)
    with CaptureQueriesContext(replica) as on_replica:
        body = b"".join(response.streaming_content).decode()
    assert body.startswith("Therapist,")
    assert on_replica.captured_queries


def test_the_router_never_migrates_or_writes_the_replica():
    router = ReplicaRouter()
    assert router.allow_migrate(REPLICA, "patients") is False
    assert router.allow_migrate("default", "patients") is None
    with replica_reads():
        assert router.db_for_write(Location) == "default"


@BOTH
def test_the_fhir_bulk_export_reads_from_the_replica(replica, make_user, tmp_path):
    """The worker's export reads the clinic on the replica; its access-log rows go to default."""
    import uuid

    from dangpt.models import AccessKind, AccessLog
    from dangpt.wiring.fhir.progress import export_progress, export_progress_set
    from dangpt.wiring.fhir.tasks import fhir_export_run
    from tests.factories import PatientFactory

    patient = PatientFactory()
    manager = make_user(Role.MANAGER)
    export_id = uuid.uuid4().hex
    output = tmp_path / "export"
    export_progress_set(
        export_id=export_id, status="queued", output=str(output), user_id=manager.pk
    )
    default = connections["default"]
    with CaptureQueriesContext(replica) as on_replica, CaptureQueriesContext(default) as on_default:
        fhir_export_run(export_id)
    assert export_progress(export_id=export_id)["status"] == "done"
    assert any('FROM "patients_patient"' in q["sql"] for q in on_replica.captured_queries)
    assert not any('FROM "patients_patient"' in q["sql"] for q in on_default.captured_queries)
    assert any("dangpt_accesslog" in q["sql"] for q in on_default.captured_queries)
    assert list(AccessLog.objects.values_list("patient_id", "kind")) == [
        (patient.pk, AccessKind.BULK_EXPORT)
    ]
