"""Scoping helpers shared by the patients pages: each answers 404 for what the user may not see."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404

from dangpt import dates
from patients.models import Appointment, Location, Patient
from patients.selectors import schedule_locations


def get_patient_for_user(request, pk: int) -> Patient:
    """A patient the signed-in user may see, or 404."""
    return get_object_or_404(Patient.objects.visible_to(request.user), pk=pk)


def get_appointment_for_user(request, pk: int) -> Appointment:
    """An appointment the signed-in user may see, or 404."""
    return get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)


def parse_day(raw: str | None, tz: ZoneInfo, request=None) -> dt.date:
    """The ?date= value, or today in the given zone when missing, malformed or out of range
    (then, given the request, a message says so)."""
    day, problem = dates.parse_day(raw, dt.datetime.now(tz).date())
    if problem and request is not None:
        messages.warning(request, problem)
    return day


def location_from(request) -> Location | None:
    """The ?location= choice among the user's locations, else the first of them."""
    active = schedule_locations(request.user)
    raw = request.GET.get("location", "")
    chosen = active.filter(pk=raw).first() if raw.isdigit() else None
    return chosen or active.first()


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)
