"""Loaders shared by every app's pages and API: one way to find the signed-in runner's record."""

from django.http import Http404

from dangpt.roles import Role, role_of
from patients.models import Patient


def runner_patient(user) -> Patient:
    """The signed-in runner's own patient record; 404 for anyone else or a runner without one."""
    if role_of(user) != Role.RUNNER:
        raise Http404
    patient = getattr(user, "patient", None)  # the sign-in query already joined it, when it can
    if patient is None:
        raise Http404
    return patient
