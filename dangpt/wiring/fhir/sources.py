"""What the export reads: each resource type, fed by the apps' `record_*` selectors."""

from collections.abc import Callable
from dataclasses import dataclass

from assessments import selectors as assessments
from patients import selectors as patients
from programs import selectors as programs

from . import resources


@dataclass(frozen=True)
class Source:
    """One table feeding one resource type: its rows for some patients (None: all) and mapper."""

    resource_type: str
    rows: Callable
    to_resource: Callable  # (object, ref) -> dict


def _plain(mapper):
    return lambda obj, ref: mapper(obj)


# The per-patient records, in the order a bundle lists them after the people and places.
PATIENT_SOURCES = (
    Source("Patient", patients.record_patients, _plain(resources.patient)),
    Source("Appointment", patients.record_appointments, resources.appointment),
    Source("Condition", assessments.record_diagnosed_evaluations, resources.condition),
    Source("QuestionnaireResponse", assessments.record_screenings, resources.screening_response),
    Source("QuestionnaireResponse", assessments.record_outcome_results, resources.outcome_response),
    Source("Observation", assessments.record_outcome_results, resources.outcome_observation),
    Source("Observation", assessments.record_gait_analyses, resources.gait_observation),
    Source("CarePlan", programs.record_published_programs, resources.care_plan),
    Source("Consent", patients.record_consents, resources.consent),
)
