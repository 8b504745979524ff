"""What a runner does to their own visits, inside the clinic's booking policy.

Each checks the location's policy (patients.policy) on the locked row, then calls the same
booking service the desk uses, so reminders, the freed slot's waitlist offers and the database's
overlap constraints behave the same. Staff are not bound by these checks.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from patients import policy
from patients.models import Appointment, AppointmentStatus, VisitKind
from patients.services.booking import appointment_book, appointment_cancel, appointment_reschedule

RUNNER_CANCEL_REASON = "Cancelled by the runner online"


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("location", "therapist", "appointment_type", "patient")
        .get(pk=appointment.pk)
    )


def _still_open(appointment: Appointment) -> None:
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED):
        raise ValidationError(gettext("This visit is no longer booked."))


@transaction.atomic
def runner_cancel(
    *, appointment: Appointment, by=None, reason: str = "", now: dt.datetime | None = None
) -> Appointment:
    """The runner cancels their own visit, if the location's cancel cut-off has not passed."""
    now = now or timezone.now()
    appointment = _locked(appointment)
    # A closed or started visit gets the booking service's own refusal (400), not the policy's.
    if appointment.is_active and appointment.start > now:
        policy.refuse(policy.cancel_refusal(appointment, now=now))
    return appointment_cancel(
        appointment=appointment, by=by, reason=reason or RUNNER_CANCEL_REASON, now=now
    )


@transaction.atomic
def runner_reschedule(
    *, appointment: Appointment, start: dt.datetime, therapist, by, now: dt.datetime | None = None
) -> Appointment:
    """The runner moves their visit to another free time at the same location, inside the
    reschedule cut-off, the minimum notice and the booking horizon."""
    now = now or timezone.now()
    appointment = _locked(appointment)
    _still_open(appointment)
    policy.refuse(policy.reschedule_refusal(appointment, now=now))
    policy.refuse(policy.time_refusal(start=start, location=appointment.location, now=now), "start")
    return appointment_reschedule(
        appointment=appointment, start=start, therapist=therapist, by=by, now=now
    )


@transaction.atomic
def runner_book_follow_up(
    *, patient, therapist, appointment_type, location, start: dt.datetime, by, now=None
) -> Appointment:
    """The runner books a follow-up online: a follow-up type open to online booking, inside
    the minimum notice and the horizon."""
    now = now or timezone.now()
    if appointment_type.visit_kind != VisitKind.FOLLOW_UP:
        policy.refuse(gettext("Only follow-up visits can be booked here."), "appointment_type")
    policy.refuse(policy.type_refusal(appointment_type, location), "appointment_type")
    policy.refuse(policy.time_refusal(start=start, location=location, now=now), "start")
    return appointment_book(
        patient=patient,
        therapist=therapist,
        appointment_type=appointment_type,
        start=start,
        location=location,
        by=by,
        now=now,
    )
