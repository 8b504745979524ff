"""Scoping helpers shared by the patients pages: each answers 404 for what the user may not see."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.shortcuts import get_object_or_404

from dangpt.roles import Role, role_of
from patients.models import Appointment, Location, Patient
from patients.models.people import staff_locations


def get_patient_for_user(request, pk: int) -> Patient:
    """A patient the signed-in user may see, or 404."""
    return get_object_or_404(Patient.objects.visible_to(request.user), pk=pk)


def get_appointment_for_user(request, pk: int) -> Appointment:
    """An appointment the signed-in user may see, or 404."""
    return get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)


def parse_day(raw: str | None, tz: ZoneInfo) -> dt.date:
    """The ?date= value, or today in the given zone when missing or malformed."""
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return dt.datetime.now(tz).date()


def schedule_locations(user):
    """Active locations whose day schedule the user may open: a manager all, others their own."""
    active = Location.objects.filter(is_active=True)
    if role_of(user) == Role.MANAGER:
        return active
    return active.filter(pk__in=staff_locations(user))


def location_from(request) -> Location | None:
    """The ?location= choice among the user's locations, else the first of them."""
    active = schedule_locations(request.user)
    raw = request.GET.get("location", "")
    chosen = active.filter(pk=raw).first() if raw.isdigit() else None
    return chosen or active.first()


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)
