"""Twenty front desks book the same therapist slot at the same instant."""

import threading

from django.db import connection
from django.test import Client

from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic

THREADS = 20

OVERLAPS_SQL = """
    SELECT count(*) FROM patients_appointment a JOIN patients_appointment b
      ON a.id < b.id AND a.therapist_id = b.therapist_id AND a.period && b.period
     WHERE a.status IN ('booked', 'confirmed', 'checked_in', 'completed')
       AND b.status IN ('booked', 'confirmed', 'checked_in', 'completed')
"""


def test_twenty_simultaneous_bookings_of_one_slot_yield_exactly_one(transactional_db, make_user):
    """Exactly one 201, the rest 409 with the slot-taken message, no 500, no overlapping rows."""
    clinic = build_clinic(make_user)
    desk = make_user(Role.FRONT_DESK)
    _, raw = api_token_create(user=desk, second_factor=True)
    patients = [PatientFactory() for _ in range(THREADS)]
    body = {
        "therapist": clinic.therapist.pk,
        "appointment_type": clinic.evaluation.pk,
        "start": at(clinic.monday, 9).isoformat(),
    }
    barrier = threading.Barrier(THREADS)
    results: list = [None] * THREADS

    def attempt(index: int) -> None:
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        try:
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/appointments",
                {**body, "patient": patients[index].pk},
                content_type="application/json",
            )
            results[index] = (response.status_code, response.json())
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results[index] = (None, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    codes = sorted(code for code, _ in results)
    assert codes == [201] + [409] * (THREADS - 1), results
    conflicts = [payload for code, payload in results if code == 409]
    # Each loser meets the winner's committed row and is told whose visit holds the time.
    assert all("already has a visit at" in payload["detail"] for payload in conflicts)
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS_SQL)
        assert cursor.fetchone()[0] == 0
        cursor.execute("SELECT count(*) FROM patients_appointment")
        assert cursor.fetchone()[0] == 1
