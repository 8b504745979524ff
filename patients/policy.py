"""The booking policy in force at a location: its saved row, or the defaults."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext

from patients.models import (
    Appointment,
    AppointmentType,
    BookingPolicy,
    Location,
    phone_for_people,
)


def policy_for(location: Location) -> BookingPolicy:
    """The location's booking policy; an unsaved default one when the manager set none."""
    try:
        return location.booking_policy
    except BookingPolicy.DoesNotExist:
        return BookingPolicy(location=location)


def hold_minutes(policy: BookingPolicy) -> int:
    """Minutes an unconfirmed online booking holds its slot."""
    return policy.hold_minutes or settings.SELF_BOOKING_HOLD_MINUTES


# --- What a runner may do themselves (staff are not bound by these) ---------------------------
class PolicyRefused(ValidationError):
    """The clinic's booking policy does not let a runner do this online; the message names it."""


def _call_clinic(location: Location) -> str:
    phone = phone_for_people(location.phone)
    if phone:
        return gettext("Please call the clinic at %(phone)s.") % {"phone": phone}
    return gettext("Please call the clinic.")


def _hours(hours: int) -> str:
    return ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}


def _days(days: int) -> str:
    return ngettext("%(n)s day", "%(n)s days", days) % {"n": days}


def late_cancel(appointment: Appointment, *, now: dt.datetime) -> bool:
    """A cancellation now is late: inside the location's cancellation window, the same hours
    the runner is told they can cancel online until (the desk may still cancel then)."""
    hours = policy_for(appointment.location).cancel_cutoff_hours
    return appointment.start - now < dt.timedelta(hours=hours)


def cancel_until(policy: BookingPolicy) -> str:
    """The cancellation window in a sentence, as the runner's emails and the policy say it."""
    return gettext("You can cancel online until %(hours)s before your visit.") % {
        "hours": _hours(policy.cancel_cutoff_hours)
    }


def cancel_refusal(appointment: Appointment, *, now: dt.datetime) -> str | None:
    """Why the runner may not cancel this visit online now (the policy named), or None."""
    hours = policy_for(appointment.location).cancel_cutoff_hours
    if appointment.start - now >= dt.timedelta(hours=hours) and appointment.start > now:
        return None
    closes = gettext("Online cancellation closes %(hours)s before the visit.") % {
        "hours": _hours(hours)
    }
    return f"{closes} {_call_clinic(appointment.location)}"


def reschedule_refusal(appointment: Appointment, *, now: dt.datetime) -> str | None:
    """Why the runner may not move this visit online now (the policy named), or None."""
    hours = policy_for(appointment.location).reschedule_cutoff_hours
    if appointment.start - now >= dt.timedelta(hours=hours) and appointment.start > now:
        return None
    closes = gettext("Online rescheduling closes %(hours)s before the visit.") % {
        "hours": _hours(hours)
    }
    return f"{closes} {_call_clinic(appointment.location)}"


def type_refusal(appointment_type: AppointmentType, location: Location) -> str | None:
    """Why this visit type cannot be booked online at the location, or None."""
    if not policy_for(location).online_booking_enabled:
        message = gettext("Online booking is closed at this clinic.")
        return f"{message} {_call_clinic(location)}"
    if not (appointment_type.is_active and appointment_type.bookable_online):
        message = gettext("This kind of visit cannot be booked online.")
        return f"{message} {_call_clinic(location)}"
    return None


def time_refusal(*, start: dt.datetime, location: Location, now: dt.datetime) -> str | None:
    """Why a runner may not book (or move a visit to) this start online, or None."""
    policy = policy_for(location)
    if start - now < dt.timedelta(hours=policy.min_notice_hours):
        message = gettext(
            "Online bookings must be made at least %(hours)s before the visit. "
            "Please choose a later time."
        )
        return message % {"hours": _hours(policy.min_notice_hours)}
    if start - now > dt.timedelta(days=policy.horizon_days):
        message = gettext(
            "Online booking is open up to %(days)s ahead. Please choose an earlier date."
        )
        return message % {"days": _days(policy.horizon_days)}
    return None


def refuse(message: str | None, field: str | None = None) -> None:
    """Raise PolicyRefused with the message (on the field, when given) unless it is None."""
    if message is not None:
        raise PolicyRefused({field: message} if field else message, code="policy")


def describe_policy(policy: BookingPolicy) -> list[str]:
    """The policy in plain sentences, as the public page, the portal and the manager show it."""
    if not policy.online_booking_enabled:
        return [gettext("Online booking is closed at this clinic; please call to book.")]
    return [
        gettext("You can book online up to %(days)s ahead.") % {"days": _days(policy.horizon_days)},
        gettext("Book online at least %(hours)s before the visit.")
        % {"hours": _hours(policy.min_notice_hours)},
        cancel_until(policy),
        gettext("You can move a visit online until %(hours)s before it.")
        % {"hours": _hours(policy.reschedule_cutoff_hours)},
        gettext("A new online booking is held for %(minutes)s minutes until you confirm it.")
        % {"minutes": hold_minutes(policy)},
    ]
