"""Ten waiting runners click "Book it" on the same freed slot at the same instant."""

import threading
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test import Client

from patients import services
from patients.models import Appointment, OfferStatus, WaitlistOffer
from patients.services.offers import offer_link
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import WaitlistEntryFactory

CLAIMS = 10


@pytest.mark.django_db(transaction=True)
def test_ten_simultaneous_claims_make_one_booking_and_nine_gone_pages(make_user):
    """Exactly one claim books the slot; the nine others see it is gone; no 500."""
    clinic = build_clinic(make_user)
    visit = services.appointment_book(
        patient=PatientFactory(),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10),
        location=clinic.location,
    )
    for _ in range(CLAIMS):
        WaitlistEntryFactory(
            patient=PatientFactory(), appointment_type=clinic.follow_up, location=clinic.location
        )
    services.appointment_cancel(appointment=visit, by=None)
    paths = [urlsplit(offer_link(o)).path for o in WaitlistOffer.objects.order_by("pk")]
    assert len(paths) == CLAIMS
    barrier = threading.Barrier(CLAIMS)
    results: list = [None] * CLAIMS

    def claim(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = Client().post(paths[index])
            results[index] = (response.status_code, response.content.decode())
        except Exception as exc:  # noqa: BLE001 - recorded and asserted below
            results[index] = (None, repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=claim, args=(i,)) for i in range(CLAIMS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    codes = sorted(code for code, _ in results)
    assert codes == [200] + [409] * (CLAIMS - 1), [r[0] for r in results]
    assert sum("You are booked" in body for _, body in results) == 1
    assert sum("Sorry, someone else took this time" in body for _, body in results) == 9
    booked = Appointment.objects.active().filter(start=at(clinic.monday, 10))
    assert booked.count() == 1
    statuses = sorted(WaitlistOffer.objects.values_list("status", flat=True))
    assert statuses == [OfferStatus.CLAIMED] + [OfferStatus.GONE] * (CLAIMS - 1)
