"""Loaders shared by pages and API: the signed-in runner's record, and scoped reads of a patient
or an appointment that write their access-log row themselves, so no caller can forget it."""

from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404

from dangpt.audit import audit_patient_access
from dangpt.models import AccessKind
from dangpt.roles import Role, role_of
from patients.models import Appointment, Location, Patient, phone_for_people
from patients.models.people import staff_locations
from patients.services.intake import normalise_phone


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


# --- The runner's record (HIPAA right of access): this app's part ----------------------------


def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def patient_record_part(*, patient: Patient) -> dict:
    """What this app holds about one patient, as JSON-ready data (codes with their labels).

    Four queries whatever the number of appointments: the patient with their running profile and
    referring provider, consents, appointments with their type, therapist and location.
    """
    patient = Patient.objects.select_related(
        "running_profile", "referring_provider", "preferred_location"
    ).get(pk=patient.pk)
    profile = getattr(patient, "running_profile", None)
    referrer = getattr(patient, "referring_provider", None)
    appointments = (
        Appointment.objects.filter(patient=patient)
        .select_related("appointment_type", "therapist", "location")
        .order_by("start", "id")
    )
    return {
        "patient": {
            "first_name": patient.first_name,
            "last_name": patient.last_name,
            "date_of_birth": _when(patient.date_of_birth),
            "sex": patient.sex,
            "sex_label": patient.get_sex_display() if patient.sex else "",
            "email": patient.email,
            "phone": _e164(patient.phone),
            "phone_display": phone_for_people(patient.phone),
            "address": patient.address,
            "emergency_contact_name": patient.emergency_contact_name,
            "emergency_contact_phone": _e164(patient.emergency_contact_phone),
            "emergency_contact_phone_display": phone_for_people(patient.emergency_contact_phone),
            "home_location": patient.preferred_location.name if patient.preferred_location else "",
            "email_reminders": patient.email_opt_in,
            "sms_reminders": patient.sms_opt_in,
            "registered_at": _when(patient.created_at),
        },
        "running_profile": _running_profile(profile),
        "referring_provider": (
            {
                "name": referrer.name,
                "practice": referrer.practice,
                "phone": _e164(referrer.phone),
                "phone_display": referrer.phone_display,
                "fax": _e164(referrer.fax),
                "fax_display": referrer.fax_display,
                "email": referrer.email,
            }
            if referrer
            else None
        ),
        "consents": [
            {
                "kind": c.kind,
                "label": c.get_kind_display(),
                "text_version": c.text_version,
                "given_at": _when(c.given_at),
            }
            for c in patient.consents.order_by("given_at", "id")
        ],
        "appointments": [_appointment(a) for a in appointments],
    }


def _e164(raw: str) -> str:
    """A stored number as E.164 ("+12135550100"), as every phone of the record is; one that
    cannot be read stays as typed (its ``_display`` twin says the same)."""
    try:
        return normalise_phone(raw)
    except ValidationError:
        return raw


def _running_profile(profile) -> dict | None:
    if profile is None:
        return None
    values = {name: getattr(profile, name) for name in profile.INTAKE_FIELDS}
    for name in ("weekly_km", "longest_run_km_30d"):
        values[name] = float(values[name]) if values[name] is not None else None
    values["goal_race_date"] = _when(values["goal_race_date"])
    values["surfaces"] = list(values["surfaces"])
    return values


def _appointment(appointment: Appointment) -> dict:
    tz = ZoneInfo(appointment.location.time_zone)
    return {
        "start": _when(appointment.start.astimezone(tz)),
        "end": _when(appointment.end.astimezone(tz)),
        "type": appointment.appointment_type.name,
        "therapist": appointment.therapist.get_full_name() or appointment.therapist.username,
        "location": appointment.location.name,
        "status": appointment.status,
        "status_label": appointment.get_status_display(),
        "late_cancel": appointment.late_cancel,
    }
