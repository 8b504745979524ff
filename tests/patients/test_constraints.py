"""The database itself refuses overlaps and bad appointment types."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from patients.models import AppointmentType
from tests.patients.factories import AppointmentFactory

T0 = dt.datetime(2030, 1, 7, 17, 0, tzinfo=dt.UTC)


def _constraints(table: str) -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, contype FROM pg_constraint WHERE conrelid = %s::regclass", [table]
        )
        return dict(cursor.fetchall())


def test_migration_created_the_exclusion_and_check_constraints(db):
    """pg_constraint holds both exclusion constraints and the checks after migrating."""
    found = _constraints("patients_appointment")
    assert found["appointment_no_therapist_overlap"] == "x"
    assert found["appointment_no_patient_overlap"] == "x"
    assert found["appointment_end_after_start"] == "c"
    types = _constraints("patients_appointmenttype")
    assert types["appointment_type_at_least_15_min"] == "c"
    assert types["appointment_type_multiple_of_5_min"] == "c"
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")
        assert cursor.fetchone() is not None


def test_database_refuses_a_therapist_overlap_even_without_the_service(db):
    """A raw insert overlapping the same therapist fails with an IntegrityError."""
    first = AppointmentFactory(start=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(
            therapist=first.therapist, location=first.location, start=T0 + dt.timedelta(minutes=30)
        )


def test_database_refuses_a_patient_in_two_rooms(db):
    """The same patient with two therapists at once is refused."""
    first = AppointmentFactory(start=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(patient=first.patient, start=T0 + dt.timedelta(minutes=15))


def test_cancelled_rows_do_not_block_and_end_must_follow_start(db):
    """The constraint only covers active statuses; end <= start is refused."""
    first = AppointmentFactory(start=T0, status="cancelled", cancelled_at=T0)
    AppointmentFactory(therapist=first.therapist, location=first.location, start=T0)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentFactory(start=T0, end=T0)


@pytest.mark.parametrize("minutes", [5, 10, 47])
def test_appointment_type_durations_are_checked_in_the_database(db, minutes):
    """Shorter than 15 minutes or not a multiple of 5 is refused by PostgreSQL."""
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentType.objects.create(name=f"Odd {minutes}", duration_minutes=minutes)
