"""The "moved" email reaches a real SMTP server on loopback: new time, place, therapist only."""

import pytest

from patients import services
from patients.reminders.models import ReminderKind, ReminderStatus
from patients.reminders.services import reminder_send
from tests.factories import PatientFactory
from tests.patients.conftest import at

pytestmark = pytest.mark.django_db


def test_moving_sends_one_moved_email_with_time_place_and_therapist(smtp, clinic, make_user):
    """Move to another therapist: the outbox row is written with the move; sending it delivers
    the new time, place and therapist and nothing clinical."""
    from dangpt.roles import Role
    from tests.patients.factories import WorkingHoursFactory

    other = make_user(Role.THERAPIST, first_name="Ravi", last_name="Shah")
    WorkingHoursFactory(therapist=other, location=clinic.location, weekday=0)
    patient = PatientFactory(first_name="Mia", email="mia@example.test")
    visit = services.appointment_book(
        patient=patient,
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 9),
        location=clinic.location,
    )
    services.appointment_reschedule(
        appointment=visit, start=at(clinic.monday, 14, 30), therapist=other
    )
    moved = visit.reminders.get(kind=ReminderKind.MOVED, channel="email")
    reminder_send(reminder_id=moved.pk)
    moved.refresh_from_db()
    assert moved.status == ReminderStatus.SENT
    assert len(smtp.messages) == 1
    message = smtp.messages[0]
    assert str(message["subject"]).strip().startswith("Your appointment has moved: ")
    assert "2:30 PM" in str(message["subject"])
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Your appointment has moved" in body
    assert "2:30 PM" in body and "Ravi Shah" in body and clinic.location.name in body
    for clinical in ("pain", "diagnos", "injur", "screening", "note"):
        assert clinical not in body.lower()
