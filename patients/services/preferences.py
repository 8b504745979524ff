"""A runner's own settings: the language they read and the unit they think in."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from patients.models import DistanceUnit, Language, Patient


@transaction.atomic
def patient_preferences_save(
    *, patient: Patient, language: str | None = None, distance_unit: str | None = None
) -> Patient:
    """Save the runner's language and distance unit; None leaves a setting as it is."""
    errors = {}
    if language is not None and language not in Language.values:
        errors["preferred_language"] = [_("Choose English or Spanish.")]
    if distance_unit is not None and distance_unit not in DistanceUnit.values:
        errors["distance_unit"] = [_("Choose miles or kilometers.")]
    if errors:
        raise ValidationError(errors)
    patient = Patient.objects.select_for_update().get(pk=patient.pk)
    changed = []
    if language is not None and patient.preferred_language != language:
        patient.preferred_language = language
        changed.append("preferred_language")
    if distance_unit is not None and patient.distance_unit != distance_unit:
        patient.distance_unit = distance_unit
        changed.append("distance_unit")
    if changed:
        patient.save(update_fields=[*changed, "updated_at"])
    return patient
