"""A booking that PostgreSQL picks as the victim of a deadlock still ends as a clear conflict.

Concurrent inserts check each other's uncommitted rows against the exclusion constraints, and
PostgreSQL may break the tie with a deadlock error. Here the deadlock is built on purpose: another
transaction holds a conflicting row and waits on ours, with a longer deadlock_timeout so that ours
is the one PostgreSQL fails.
"""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from dangpt.roles import Role
from patients.services import SlotTaken, appointment_book
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import AppointmentFactory


@pytest.mark.django_db(transaction=True)
def test_deadlocked_booking_becomes_slot_taken_not_a_500(make_user):
    clinic = build_clinic(make_user)
    other_therapist = make_user(Role.THERAPIST)
    start, other_start = at(clinic.monday, 9), at(clinic.monday, 14)
    theirs_in, ours_in = threading.Event(), threading.Event()
    failures: list[str] = []

    def other_desk() -> None:
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL deadlock_timeout = '10s'")
                AppointmentFactory(
                    therapist=clinic.therapist, location=clinic.location, start=start
                )
                theirs_in.set()
                ours_in.wait(10)
                # Waits for our uncommitted row at the other therapist's slot.
                AppointmentFactory(
                    therapist=other_therapist, location=clinic.location, start=other_start
                )
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(repr(exc))
        finally:
            connection.close()

    thread = threading.Thread(target=other_desk)
    thread.start()
    assert theirs_in.wait(10)
    with pytest.raises(SlotTaken, match="just taken"), transaction.atomic():
        AppointmentFactory(therapist=other_therapist, location=clinic.location, start=other_start)
        ours_in.set()
        threading.Event().wait(0.5)  # let the other desk block on our row
        appointment_book(
            patient=PatientFactory(),
            therapist=clinic.therapist,
            appointment_type=clinic.follow_up,
            start=start,
            now=start - dt.timedelta(days=1),
        )
    thread.join(30)
    assert failures == []
