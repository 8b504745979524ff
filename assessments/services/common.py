"""Checks every chart-record write makes: who may write, and that signed notes stay locked."""

from django.core.exceptions import ValidationError

from dangpt.roles import CLINICIAN_ROLES, role_of

LOCKED_MESSAGE = "This note is signed and locked. Add an addendum instead."


def require_clinician(user) -> None:
    """Refuse a chart-record write by anyone but a therapist or a manager."""
    if role_of(user) not in CLINICIAN_ROLES:
        raise ValidationError("Only therapists and managers write clinical notes.")
