"""The runner-side booking policy checks and their plain-words description."""

import datetime as dt

import pytest
from django.utils import translation

from patients import policy
from patients.models import BookingPolicy
from tests.factories import LocationFactory
from tests.patients.factories import AppointmentFactory, AppointmentTypeFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2030, 3, 4, 17, 0, tzinfo=dt.UTC)


@pytest.fixture
def place():
    """A location with a phone number and a saved policy of 24-hour cut-offs."""
    location = LocationFactory(name="Policy Echo Park", phone="+12135550100")
    BookingPolicy.objects.create(location=location)
    return location


def _visit(place, hours_ahead: float):
    return AppointmentFactory(location=place, start=NOW + dt.timedelta(hours=hours_ahead))


def test_cancel_allowed_before_the_cutoff(place):
    """A visit 25 hours away may be cancelled online with a 24-hour cut-off."""
    assert policy.cancel_refusal(_visit(place, 25), now=NOW) is None


def test_cancel_refused_inside_the_cutoff_names_the_policy(place):
    """23 hours before, the refusal names the cut-off and the clinic's phone in US format."""
    message = policy.cancel_refusal(_visit(place, 23), now=NOW)
    assert message == (
        "Online cancellation closes 24 hours before the visit. "
        "Please call the clinic at (213) 555-0100."
    )


def test_cancel_refused_after_the_start(place):
    """Even with no cut-off, a visit that started cannot be cancelled online."""
    BookingPolicy.objects.filter(location=place).update(cancel_cutoff_hours=0)
    place.refresh_from_db()
    assert policy.cancel_refusal(_visit(place, -1), now=NOW) is not None


def test_reschedule_uses_its_own_cutoff(place):
    """A 48-hour reschedule cut-off refuses a move 30 hours ahead while cancel still allows it."""
    BookingPolicy.objects.filter(location=place).update(reschedule_cutoff_hours=48)
    place.refresh_from_db()
    visit = _visit(place, 30)
    assert "48 hours" in policy.reschedule_refusal(visit, now=NOW)
    assert policy.cancel_refusal(visit, now=NOW) is None


def test_minimum_notice_and_horizon(place):
    """Starts below the 12-hour notice or past the 60-day horizon are refused; between is fine."""
    assert "12 hours" in policy.time_refusal(
        start=NOW + dt.timedelta(hours=11), location=place, now=NOW
    )
    assert "60 days" in policy.time_refusal(
        start=NOW + dt.timedelta(days=61), location=place, now=NOW
    )
    assert policy.time_refusal(start=NOW + dt.timedelta(days=3), location=place, now=NOW) is None


def test_type_not_bookable_online_is_refused(place):
    """A type the manager keeps off online booking is refused; one they opened is not."""
    closed = AppointmentTypeFactory(name="Policy closed type", bookable_online=False)
    opened = AppointmentTypeFactory(name="Policy open type", bookable_online=True)
    assert "cannot be booked online" in policy.type_refusal(closed, place)
    assert policy.type_refusal(opened, place) is None


def test_online_booking_closed_refuses_every_type(place):
    """With online booking closed at the location, even an online type is refused."""
    BookingPolicy.objects.filter(location=place).update(online_booking_enabled=False)
    place.refresh_from_db()
    opened = AppointmentTypeFactory(name="Policy open type 2", bookable_online=True)
    assert "closed" in policy.type_refusal(opened, place)


def test_a_location_without_a_policy_uses_the_defaults():
    """No saved row: the 24-hour default cut-off applies, and no phone means a plain request."""
    place = LocationFactory(name="Policy no phone")
    message = policy.cancel_refusal(_visit(place, 2), now=NOW)
    assert message.endswith("Please call the clinic.")


def test_describe_policy_in_plain_words(place):
    """The description names each rule in words a runner reads, with the hold minutes."""
    lines = policy.describe_policy(policy.policy_for(place))
    assert lines == [
        "You can book online up to 60 days ahead.",
        "Book online at least 12 hours before the visit.",
        "You can cancel online until 24 hours before your visit.",
        "You can move a visit online until 24 hours before it.",
        "A new online booking is held for 15 minutes until you confirm it.",
    ]


def test_singular_hour(place):
    """A one-hour cut-off reads "1 hour", not "1 hours"."""
    BookingPolicy.objects.filter(location=place).update(cancel_cutoff_hours=1)
    place.refresh_from_db()
    assert "closes 1 hour before" in policy.cancel_refusal(_visit(place, 0.5), now=NOW)


def test_refusal_in_spanish(place):
    """A Spanish-speaking runner reads the refusal in Spanish."""
    with translation.override("es"):
        message = policy.cancel_refusal(_visit(place, 2), now=NOW)
    assert "24 horas" in message and "(213) 555-0100" in message
