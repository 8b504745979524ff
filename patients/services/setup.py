"""Clinic set-up by the manager: locations, working hours, time off, appointment types."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError


@transaction.atomic
def clinic_setup_save(*, form):
    """Save a validated set-up form (its model's own checks ran in form validation)."""
    return form.save()


@transaction.atomic
def clinic_setup_delete(*, obj) -> None:
    """Delete a set-up row; rows still used by appointments are refused with a message."""
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(
            "This is still used by appointments; mark it inactive instead."
        ) from exc


@transaction.atomic
def booking_settings_save(*, policy_form, types_formset) -> None:
    """Save a location's booking policy and the online-booking choices of the visit types."""
    policy_form.save()
    types_formset.save()
