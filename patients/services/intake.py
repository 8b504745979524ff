"""Registering and updating patients, with their running profile and consents."""

import datetime as dt
from collections.abc import Iterable

import phonenumbers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dangpt import clinical_ranges
from patients.models import (
    Location,
    Patient,
    ReferringProvider,
    RunningProfile,
)
from patients.models.people import staff_locations
from patients.services.consents import record_desk_consents

DEFAULT_REGION = "US"
# The runner also keeps their own language and distance unit (the desk form does not ask them).
PATIENT_FIELDS = {*Patient.INTAKE_FIELDS, "preferred_language", "distance_unit"}
PROFILE_FIELDS = set(RunningProfile.INTAKE_FIELDS)


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """A phone number in E.164 (+12135550100); blank stays blank; nonsense is a field error."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    try:
        number = phonenumbers.parse(raw, DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({field: "Enter a valid phone number, e.g. (213) 555-0100."})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def patient_duplicates(
    *, first_name: str, last_name: str, date_of_birth, email: str = "", exclude_pk=None
):
    """Patients who are probably the same person: same name and birth date, or same email."""
    same = Q(
        first_name__iexact=first_name.strip(),
        last_name__iexact=last_name.strip(),
        date_of_birth=date_of_birth,
    )
    if email:
        same |= Q(email__iexact=email.strip())
    found = Patient.objects.filter(same)
    return found.exclude(pk=exclude_pk) if exclude_pk else found


def _clean_patient(patient: Patient, today: dt.date) -> None:
    errors = {}
    for field in ("phone", "emergency_contact_phone"):
        try:
            setattr(patient, field, normalise_phone(getattr(patient, field), field=field))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    dob = patient.date_of_birth
    problem = clinical_ranges.birth_date_problem(dob) if isinstance(dob, dt.date) else None
    if problem:
        errors["date_of_birth"] = [problem]
    patient.email = (patient.email or "").strip().lower()
    try:
        patient.full_clean(exclude=["user", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)


def _save_profile(patient: Patient, values: dict | None) -> None:
    if values is None:
        return
    profile = getattr(patient, "running_profile", None) or RunningProfile(patient=patient)
    stored_race_date = profile.goal_race_date
    for name, value in values.items():
        if name in PROFILE_FIELDS:
            setattr(profile, name, value)
    # Checked before the model, which would round a fraction to a whole number.
    errors = clinical_ranges.problems(
        values,
        {name: f"running_profile.{name}" for name in RunningProfile.NUMBERS if name in values},
    )
    # A race date kept from an earlier visit may have passed; a new one must be to come.
    if profile.goal_race_date != stored_race_date:
        problem = clinical_ranges.goal_race_date_problem(profile.goal_race_date)
        if problem:
            errors["goal_race_date"] = [problem]
    try:
        profile.full_clean(exclude=["patient", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    profile.save()


def _save_referrer(patient: Patient, values: dict | None) -> None:
    """Store the referring provider; None leaves it as it is, all fields blank removes it.

    Errors are keyed ``referring_provider.<field>`` so the API names where they are.
    """
    if values is None:
        return
    values = {k: (values.get(k) or "").strip() for k in ReferringProvider.FIELDS}
    current = ReferringProvider.objects.filter(patient=patient).first()
    if not any(values.values()):
        if current is not None:
            current.delete()
        return
    provider = current or ReferringProvider(patient=patient)
    errors = {}
    for name in ("phone", "fax"):
        try:
            values[name] = normalise_phone(values[name], field=name)
        except ValidationError as exc:
            errors[name] = exc.message_dict[name]
    values["email"] = values["email"].lower()
    for name, value in values.items():
        setattr(provider, name, value)
    if not values["name"]:
        errors["name"] = ["Enter the referring provider's name."]
    try:
        provider.full_clean(exclude=["patient", *errors])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError({f"referring_provider.{k}": v for k, v in errors.items()})
    provider.save()


@transaction.atomic
def move_login_email(*, patient: Patient, old_email: str) -> None:
    """Give the patient's portal login the patient's current email (and username if it was it)."""
    # A password reset is mailed to the login's address: when the desk corrects a typo, the
    # login must follow, or the owner of the wrong address could take over the portal account.
    user_model = get_user_model()
    user = user_model.objects.select_for_update().get(pk=patient.user_id)
    if patient.email and user.username.lower() in {old_email, user.email.lower()}:
        taken = user_model.objects.filter(username__iexact=patient.email).exclude(pk=user.pk)
        if taken.exists():
            raise ValidationError({"email": "Another login already uses this email address."})
        user.username = patient.email
    user.email = patient.email
    user.save(update_fields=["username", "email"])


@transaction.atomic
def patient_register(
    *,
    fields: dict,
    running_profile: dict | None = None,
    consents: Iterable[str] = (),
    by=None,
    allow_duplicate: bool = False,
    referring_provider: dict | None = None,
    consent_address: str = "",
) -> Patient:
    """Register a patient; a likely duplicate is refused unless the desk confirmed it."""
    patient = Patient(**{k: v for k, v in fields.items() if k in PATIENT_FIELDS})
    if patient.preferred_location_id is None and by is not None:
        # Staff see the patients at their locations: one registered without a home location
        # gets the registering person's, so the desk that registers a runner keeps seeing them.
        patient.preferred_location = (
            Location.objects.filter(pk__in=staff_locations(by), is_active=True)
            .order_by("name")
            .first()
        )
    _clean_patient(patient, timezone.localdate())
    if not allow_duplicate:
        twins = list(
            patient_duplicates(
                first_name=patient.first_name,
                last_name=patient.last_name,
                date_of_birth=patient.date_of_birth,
                email=patient.email,
            ).values_list("pk", flat=True)[:5]
        )
        if twins:
            ids = ", ".join(f"#{pk}" for pk in twins)
            raise ValidationError(
                f"This looks like an existing patient ({ids}): same name and date of birth, "
                "or same email. Check before registering again.",
                code="duplicate",
            )
    patient.save()
    _save_profile(patient, running_profile or {})
    _save_referrer(patient, referring_provider)
    record_desk_consents(patient=patient, kinds=consents, by=by, address=consent_address)
    return patient


@transaction.atomic
def patient_update(
    *,
    patient: Patient,
    fields: dict,
    running_profile: dict | None = None,
    consents: Iterable[str] = (),
    by=None,
    referring_provider: dict | None = None,
    consent_address: str = "",
) -> Patient:
    """Change a patient's details; only the given fields change (None: the part is kept).

    `consents` are the kinds given now; one already given for its current text is not recorded
    again, and a consent given for an older text is left as it was.
    """
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    old_email = patient.email
    for name, value in fields.items():
        if name in PATIENT_FIELDS:
            setattr(patient, name, value)
    _clean_patient(patient, timezone.localdate())
    patient.save()
    if patient.user_id and patient.email != old_email:
        move_login_email(patient=patient, old_email=old_email)
    _save_profile(patient, running_profile)
    _save_referrer(patient, referring_provider)
    record_desk_consents(patient=patient, kinds=consents, by=by, address=consent_address)
    return patient
