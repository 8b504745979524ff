"""Online booking when the confirm email cannot be sent: the hold is released, never a 500."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import BookingHold, HoldStatus, VisitKind
from tests.patients.conftest import at, build_clinic

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "ana@example.com"


@pytest.fixture
def online(make_user):
    """A clinic whose evaluation runners can book online."""
    clinic = build_clinic(make_user)
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    return clinic


def _body(clinic, start) -> dict:
    return {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": EMAIL,
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
        "appointment_type": clinic.evaluation.pk,
        "start": start.isoformat(),
    }


def test_smtp_down_answers_503_releases_the_hold_and_logs_no_address(online, smtp, caplog):
    """With the SMTP server down: a clear 503, the hold expired, the log names the hold only."""
    smtp.stop()
    start = at(online.monday, 10)
    with caplog.at_level(logging.INFO):
        response = Client(raise_request_exception=False).post(
            "/api/v1/public/bookings", _body(online, start), content_type="application/json"
        )
    assert response.status_code == 503, response.content
    assert "could not send the confirmation email" in response.json()["detail"]
    hold = BookingHold.objects.get()
    assert hold.status == HoldStatus.EXPIRED
    assert f"hold={hold.pk}" in caplog.text and EMAIL not in caplog.text
    # The slot is free again: once the server is back the same runner can hold it.
    smtp.start()
    again = Client().post(
        "/api/v1/public/bookings", _body(online, start), content_type="application/json"
    )
    assert again.status_code == 202 and len(smtp.messages) == 1


def test_smtp_down_on_the_page_shows_the_error_and_holds_nothing(online, smtp, caplog):
    """The details page says the email could not be sent (503); nothing stays held."""
    smtp.stop()
    start = at(online.monday, 10)
    query = (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={int(start.timestamp())}"
    )
    form = {k: v for k, v in _body(online, start).items() if k not in ("appointment_type", "start")}
    with caplog.at_level(logging.INFO):
        response = Client(raise_request_exception=False).post(
            reverse("patients:public_book_details") + query, form
        )
    assert response.status_code == 503
    assert b"could not send the confirmation email" in response.content
    assert not BookingHold.objects.filter(status=HoldStatus.HELD).exists()
    assert EMAIL not in caplog.text
