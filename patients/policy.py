"""The booking policy in force at a location: its saved row, or the defaults."""

from django.conf import settings

from patients.models import BookingPolicy, Location


def policy_for(location: Location) -> BookingPolicy:
    """The location's booking policy; an unsaved default one when the manager set none."""
    try:
        return location.booking_policy
    except BookingPolicy.DoesNotExist:
        return BookingPolicy(location=location)


def hold_minutes(policy: BookingPolicy) -> int:
    """Minutes an unconfirmed online booking holds its slot."""
    return policy.hold_minutes or settings.SELF_BOOKING_HOLD_MINUTES
