"""A cancellation is late inside the location's cancellation window (its booking policy's cancel
cut-off), the same hours its runners are told in the policy and in every reminder email."""

import datetime as dt

import pytest
from django.urls import reverse

from patients import services
from patients.models import BookingPolicy
from patients.reminders.messages import build_message
from patients.reminders.models import ReminderKind
from tests.factories import PatientFactory
from tests.patients.conftest import at

pytestmark = pytest.mark.django_db


def _book(clinic, hour: int):
    return services.appointment_book(
        patient=PatientFactory(email="mia@example.test"),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, hour),
    )


@pytest.mark.parametrize(
    ("cutoff", "hours_ahead", "late"),
    [(48, 30, True), (48, 49, False), (2, 5, False), (2, 1, True), (24, 23, True), (24, 25, False)],
)
def test_the_desk_s_cancel_is_late_inside_the_location_s_window(
    clinic, front_desk, cutoff, hours_ahead, late
):
    """48 hours' window: 30 hours ahead is late (a fixed 24 would say on time); 2 hours'
    window: 5 hours ahead is on time (a fixed 24 would say late)."""
    BookingPolicy.objects.create(location=clinic.location, cancel_cutoff_hours=cutoff)
    visit = _book(clinic, 9)
    services.appointment_cancel(
        appointment=visit, by=front_desk, now=visit.start - dt.timedelta(hours=hours_ahead)
    )
    visit.refresh_from_db()
    assert visit.late_cancel is late


def test_the_reminder_and_the_desk_page_name_the_location_s_window(clinic, front_desk, client_for):
    """The confirmation email tells the runner the window (48 hours here, not 24), in both
    parts; the desk's cancel page names the same hours."""
    BookingPolicy.objects.create(location=clinic.location, cancel_cutoff_hours=48)
    visit = _book(clinic, 9)
    message = build_message(visit.reminders.get(kind=ReminderKind.CONFIRMATION))
    for part in (message.text, message.html):
        assert "You can cancel online until 48 hours before your visit." in part
        assert "24 hours" not in part
    page = client_for(front_desk).get(reverse("patients:cancel", args=[visit.pk]))
    text = " ".join(page.content.decode().split())
    assert "Cancelling within 48 hours of the start counts as a late cancellation." in text
