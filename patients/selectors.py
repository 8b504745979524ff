"""Loaders shared by pages and API: the signed-in runner's record, and scoped reads of a patient
or an appointment that write their access-log row themselves, so no caller can forget it."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import Role, role_of
from patients.models import Appointment, Location, Patient
from patients.models.people import staff_locations


def runner_patient(user) -> Patient:
    """The signed-in runner's own patient record; 404 for anyone else or a runner without one."""
    if role_of(user) != Role.RUNNER:
        raise Http404
    patient = getattr(user, "patient", None)  # the sign-in query already joined it, when it can
    if patient is None:
        raise Http404
    return patient


def read_patient(request, pk: int, rows=None) -> Patient:
    """A patient the user may see (from `rows`, default every patient), or 404; logs the read."""
    rows = Patient.objects.all() if rows is None else rows
    patient = get_object_or_404(rows.visible_to(request.user), pk=pk)
    audit_patient_access(request, patient_id=patient.pk, kind=AccessKind.PATIENT, ref=patient.pk)
    return patient


def read_appointment(request, pk: int) -> Appointment:
    """An appointment the user may see, or 404; logs the read against its patient."""
    appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)
    audit_patient_access(
        request, patient_id=appointment.patient_id, kind=AccessKind.APPOINTMENT, ref=appointment.pk
    )
    return appointment


def schedule_locations(user):
    """Active locations whose day schedule the user may open: a manager all, others their own."""
    active = Location.objects.filter(is_active=True)
    if role_of(user) == Role.MANAGER:
        return active
    return active.filter(pk__in=staff_locations(user))


# --- The record as it leaves the clinic (FHIR export, dangpt/wiring/fhir) ----------------------
# Each takes the patients' ids (None: every patient) and answers one query, ordered by id, so a
# bundle costs the same queries at one row and many, and a bulk export can stream it in chunks.


def record_patients(*, patient_ids=None):
    """Patients, by id."""
    rows = Patient.objects.order_by("pk")
    return rows if patient_ids is None else rows.filter(pk__in=patient_ids)


def record_appointments(*, patient_ids=None):
    """Appointments of the patients, with their type."""
    rows = Appointment.objects.select_related("appointment_type").order_by("pk")
    return rows if patient_ids is None else rows.filter(patient_id__in=patient_ids)


def record_consents(*, patient_ids=None):
    """Consents as given, every version."""
    from patients.models import Consent

    rows = Consent.objects.order_by("pk")
    return rows if patient_ids is None else rows.filter(patient_id__in=patient_ids)


def record_locations(*, location_ids=None):
    """The clinic's locations (those named, or all)."""
    rows = Location.objects.order_by("pk")
    return rows if location_ids is None else rows.filter(pk__in=location_ids)


def record_staff(*, user_ids=None):
    """Members of staff as practitioners: those named, or everyone with a staff role or profile."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    from dangpt.roles import STAFF_ROLES

    rows = get_user_model().objects.select_related("staff_profile").order_by("pk")
    if user_ids is not None:
        return rows.filter(pk__in=user_ids)
    staff = Q(groups__name__in=[r.value for r in STAFF_ROLES]) | Q(staff_profile__isnull=False)
    return rows.filter(pk__in=get_user_model().objects.filter(staff).values("pk"))
