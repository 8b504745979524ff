"""Scoping helpers shared by the patients pages: each answers 404 for what the user may not see."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

from patients.models import Appointment, Location, Patient

DESK = ("front_desk", "manager")


def get_patient_for_user(request, pk: int) -> Patient:
    """A patient the signed-in user may see, or 404."""
    return get_object_or_404(Patient.objects.visible_to(request.user), pk=pk)


def get_appointment_for_user(request, pk: int) -> Appointment:
    """An appointment the signed-in user may see, or 404."""
    return get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)


def apply_errors(exc: ValidationError, *forms) -> None:
    """Put a service's errors on the form that has the field, else on the first form."""
    if not hasattr(exc, "error_dict"):
        forms[0].add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        target = next((f for f in forms if field in f.fields), None)
        if target is None:
            forms[0].add_error(None, [m for e in errors for m in e.messages])
        else:
            target.add_error(field, errors)


def parse_day(raw: str | None, tz: ZoneInfo) -> dt.date:
    """The ?date= value, or today in the given zone when missing or malformed."""
    try:
        return dt.date.fromisoformat(raw or "")
    except ValueError:
        return dt.datetime.now(tz).date()


def location_from(request) -> Location | None:
    """The ?location= choice, else the first active location."""
    active = Location.objects.filter(is_active=True)
    raw = request.GET.get("location", "")
    chosen = active.filter(pk=raw).first() if raw.isdigit() else None
    return chosen or active.first()


def clinic_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)
