"""Undoing a no-show puts the visit back on the schedule the way a booking does: refused in
words when another visit or an online hold has the time since, and only within 24 hours."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from patients import services
from patients.models import BookingHold
from tests.factories import PatientFactory
from tests.patients.conftest import at

pytestmark = pytest.mark.django_db


def book(clinic, hour, minute=0):
    """Book a follow-up for a new patient at an LA wall time on the clinic's Monday."""
    return services.appointment_book(
        patient=PatientFactory(),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, hour, minute),
        location=clinic.location,
    )


@pytest.fixture
def no_show(clinic):
    """A 10 AM visit marked a no-show after its start."""
    visit = book(clinic, 10)
    return services.appointment_mark_no_show(appointment=visit, now=at(clinic.monday, 10, 5))


def test_undo_into_a_rebooked_slot_names_the_visit_in_the_way(
    client_for, front_desk, clinic, no_show
):
    """The slot went to someone else: the undo is refused with who holds it, no 500."""
    book(clinic, 10, 15)
    response = client_for(front_desk).post(
        reverse("patients:status_undo", args=[no_show.pk]), follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("patients:appointment", args=[no_show.pk])
    text = response.content.decode()
    assert "Not undone: Dana Nguyen already has a visit at 10:15 AM on" in text
    no_show.refresh_from_db()
    assert no_show.status == "no_show"


def test_undo_into_a_held_slot_is_refused(clinic, no_show):
    """An online hold on the time keeps the no-show as recorded."""
    BookingHold.objects.create(
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.follow_up,
        start=no_show.start,
        end=no_show.end,
        expires_at=timezone.now() + dt.timedelta(minutes=15),
        nonce="x",
        first_name="Ana",
        last_name="Runner",
        email="ana@example.com",
        phone="+12135550100",
        date_of_birth=dt.date(1990, 5, 1),
    )
    with pytest.raises(ValidationError, match="holding that time online"):
        services.appointment_status_undo(appointment=no_show)
    no_show.refresh_from_db()
    assert no_show.status == "no_show"


def test_undo_is_refused_a_day_after_the_status_change(no_show):
    """25 hours after the no-show was recorded the undo is neither offered nor done; at 23
    hours it is (the history's time of the change counts, not the visit's time)."""
    later = timezone.now() + dt.timedelta(hours=25)
    assert "undo" not in services.appointment_actions(appointment=no_show, now=later)
    assert "within 24 hours" in services.action_refusal("undo", no_show, now=later)
    with pytest.raises(ValidationError, match="within 24 hours"):
        services.appointment_status_undo(appointment=no_show, now=later)
    no_show.refresh_from_db()
    assert no_show.status == "no_show"
    sooner = timezone.now() + dt.timedelta(hours=23)
    assert "undo" in services.appointment_actions(appointment=no_show, now=sooner)
    assert services.appointment_status_undo(appointment=no_show, now=sooner).status == "booked"
