"""One clinic object → one FHIR R4 resource (a plain dict, JSON-ready).

Each mapper takes the object and `ref`, which turns (resource type, id) into a reference: a
bundle's `urn:uuid:` full URL, or `Type/id` in a bulk export. Resource ids are the object's
primary key, prefixed where two tables feed one resource type (`outcome-12`, `gait-3`).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal

from django.utils import timezone

from assessments.models import EvaluationKind, EvaluationStatus, OutcomeSource, ScreeningSource
from assessments.proms import INSTRUMENTS
from dangpt.conditions import Diagnosis
from patients.models import AppointmentStatus, ConsentKind
from programs.dose import dose_text
from programs.models import ProgramStatus

from . import codes
from .codes import coding, concept

Ref = Callable[[str, str], dict]

GENDER = {"female": "female", "male": "male", "intersex": "other", "undisclosed": "unknown"}
APPOINTMENT_STATUS = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.CONFIRMED: "booked",
    AppointmentStatus.CHECKED_IN: "checked-in",
    AppointmentStatus.COMPLETED: "fulfilled",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.NO_SHOW: "noshow",
}
CONSENT_SCOPE = {
    ConsentKind.TREATMENT: ("treatment", "Treatment"),
    ConsentKind.PRIVACY: ("patient-privacy", "Privacy Consent"),
    ConsentKind.COMMUNICATIONS: ("patient-privacy", "Privacy Consent"),
}
CAREPLAN_STATUS = {ProgramStatus.ACTIVE: "active", ProgramStatus.ENDED: "completed"}

# Gait measurements as Observation components: field, display, UCUM code, unit shown.
GAIT_MEASURES = (
    ("cadence_spm", "Running cadence", "/min", "steps/min"),
    ("speed_kmh", "Running speed", "km/h", "km/h"),
    ("incline_pct", "Treadmill incline", "%", "%"),
    ("overstride_cm", "Overstride (heel ahead of hip)", "cm", "cm"),
    ("shank_angle_deg", "Shank angle at initial contact", "deg", "°"),
    ("pelvic_drop_left_deg", "Contralateral pelvic drop, left stance", "deg", "°"),
    ("pelvic_drop_right_deg", "Contralateral pelvic drop, right stance", "deg", "°"),
    ("hip_adduction_left_deg", "Hip adduction, left", "deg", "°"),
    ("hip_adduction_right_deg", "Hip adduction, right", "deg", "°"),
    ("knee_valgus_left_deg", "Knee valgus (FPPA), left", "deg", "°"),
    ("knee_valgus_right_deg", "Knee valgus (FPPA), right", "deg", "°"),
    ("trunk_lean_forward_deg", "Trunk lean forward", "deg", "°"),
    ("trunk_lean_lateral_deg", "Trunk lean lateral", "deg", "°"),
    ("step_width_cm", "Step width", "cm", "cm"),
    ("vertical_oscillation_cm", "Vertical oscillation", "cm", "cm"),
    ("contact_time_left_ms", "Ground contact time, left", "ms", "ms"),
    ("contact_time_right_ms", "Ground contact time, right", "ms", "ms"),
    ("target_cadence_spm", "Target cadence", "/min", "steps/min"),
)
GAIT_CHOICES = (
    ("foot_strike_left", "Foot strike, left"),
    ("foot_strike_right", "Foot strike, right"),
    ("step_width", "Step width pattern"),
    ("arm_swing", "Arm swing"),
)


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


def _number(value):
    return float(value) if isinstance(value, Decimal) else value


def _identifier(kind: str, pk) -> list[dict]:
    return [{"system": codes.identifier_system(kind), "value": str(pk)}]


# --- People and places --------------------------------------------------------------------------


def patient(p) -> dict:
    """The runner: name, birth date, gender, contact details and emergency contact."""
    resource = {
        "resourceType": "Patient",
        "id": str(p.pk),
        "identifier": _identifier("patient", p.pk),
        "name": [{"use": "official", "family": p.last_name, "given": [p.first_name]}],
        "birthDate": p.date_of_birth.isoformat(),
    }
    if p.sex in GENDER:
        resource["gender"] = GENDER[p.sex]
    telecom = []
    if p.phone:
        telecom.append({"system": "phone", "value": p.phone})
    if p.email:
        telecom.append({"system": "email", "value": p.email})
    if telecom:
        resource["telecom"] = telecom
    if p.address:
        resource["address"] = [{"text": p.address}]
    if p.emergency_contact_name or p.emergency_contact_phone:
        contact: dict = {
            "relationship": [concept(coding(codes.CONTACT_RELATIONSHIP, "C", "Emergency Contact"))]
        }
        if p.emergency_contact_name:
            contact["name"] = {"text": p.emergency_contact_name}
        if p.emergency_contact_phone:
            contact["telecom"] = [{"system": "phone", "value": p.emergency_contact_phone}]
        resource["contact"] = [contact]
    return resource


def practitioner(user) -> dict:
    """A member of staff who saw, wrote about or treated the runner."""
    resource = {
        "resourceType": "Practitioner",
        "id": str(user.pk),
        "identifier": _identifier("staff", user.pk),
        "active": user.is_active,
        "name": [{"text": user.get_full_name() or user.get_username()}],
    }
    if user.last_name:
        resource["name"][0]["family"] = user.last_name
    if user.first_name:
        resource["name"][0]["given"] = [user.first_name]
    profile = getattr(user, "staff_profile", None)
    if profile is not None and profile.title:
        resource["qualification"] = [{"code": {"text": profile.title}}]
    return resource


def location(loc) -> dict:
    resource = {
        "resourceType": "Location",
        "id": str(loc.pk),
        "status": "active" if loc.is_active else "inactive",
        "name": loc.name,
    }
    if loc.address:
        resource["address"] = {"text": loc.address}
    if loc.phone:
        resource["telecom"] = [{"system": "phone", "value": loc.phone}]
    return resource


def appointment(a, ref: Ref) -> dict:
    kind = a.appointment_type
    resource = {
        "resourceType": "Appointment",
        "id": str(a.pk),
        "status": APPOINTMENT_STATUS[a.status],
        "appointmentType": concept(
            coding(codes.local("appointment-type"), str(kind.pk), kind.name), text=kind.name
        ),
        "start": _instant(a.start),
        "end": _instant(a.end),
        "minutesDuration": int((a.end - a.start).total_seconds() // 60),
        "created": _instant(a.created_at),
        "participant": [
            {"actor": ref("Patient", str(a.patient_id)), "status": "accepted"},
            {"actor": ref("Practitioner", str(a.therapist_id)), "status": "accepted"},
            {"actor": ref("Location", str(a.location_id)), "status": "accepted"},
        ],
    }
    if a.status == AppointmentStatus.CANCELLED and a.cancel_reason:
        resource["cancelationReason"] = {"text": a.cancel_reason}
    return resource


def consent(c, ref: Ref) -> dict:
    scope, scope_display = CONSENT_SCOPE.get(c.kind, ("patient-privacy", "Privacy Consent"))
    return {
        "resourceType": "Consent",
        "id": str(c.pk),
        "status": "active",
        "scope": concept(coding(codes.CONSENT_SCOPE, scope, scope_display)),
        "category": [
            concept(coding(*codes.CONSENT_CATEGORY)),
            concept(
                coding(codes.local("consent-kind"), c.kind, c.get_kind_display()),
                text=c.get_kind_display(),
            ),
        ],
        "patient": ref("Patient", str(c.patient_id)),
        "dateTime": _instant(c.given_at),
        "performer": [ref("Patient", str(c.patient_id))],
        "policy": [{"uri": f"{codes.base()}/consent-text/{c.kind}/{c.text_version}"}],
    }


# --- Clinical records ---------------------------------------------------------------------------


def condition(e, ref: Ref) -> dict:
    """The working diagnosis of one note: ICD-10-CM when the therapist coded it."""
    label = Diagnosis(e.working_diagnosis).label
    codings = [coding(codes.local("condition"), e.working_diagnosis, label)]
    if e.icd10:
        codings.insert(0, coding(codes.ICD10CM, e.icd10))
    signed = e.status == EvaluationStatus.SIGNED
    resolved = e.kind == EvaluationKind.DISCHARGE
    resource = {
        "resourceType": "Condition",
        "id": f"evaluation-{e.pk}",
        "clinicalStatus": concept(
            coding(
                codes.CONDITION_CLINICAL,
                "resolved" if resolved else "active",
                "Resolved" if resolved else "Active",
            )
        ),
        "verificationStatus": concept(
            coding(
                codes.CONDITION_VERIFICATION,
                "confirmed" if signed else "provisional",
                "Confirmed" if signed else "Provisional",
            )
        ),
        "category": [
            concept(coding(codes.CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis"))
        ],
        "code": concept(*codings, text=label),
        "subject": ref("Patient", str(e.patient_id)),
        "recordedDate": e.evaluated_on.isoformat(),
        "recorder": ref("Practitioner", str(e.therapist_id)),
    }
    if e.assessment_notes:
        resource["note"] = [{"text": e.assessment_notes}]
    return resource


def _answer(value) -> dict:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, int):
        return {"valueInteger": value}
    if isinstance(value, float):
        return {"valueDecimal": value}
    return {"valueString": str(value)}


def _items(answers: dict) -> list[dict]:
    """Questionnaire items of an answers dict: lists become several answers, dicts groups."""
    items = []
    for key, value in answers.items():
        if isinstance(value, dict):
            nested = _items(value)
            if nested:
                items.append({"linkId": key, "item": nested})
            continue
        values = value if isinstance(value, list) else [value]
        values = [v for v in values if v is not None and v != ""]
        if values:
            items.append({"linkId": key, "answer": [_answer(v) for v in values]})
    return items


def screening_response(s, ref: Ref) -> dict:
    """The screening questionnaire as answered (by the runner, or with the therapist)."""
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": f"screening-{s.pk}",
        "questionnaire": codes.questionnaire("running-injury-screening"),
        "status": "completed",
        "subject": ref("Patient", str(s.patient_id)),
        "authored": _instant(s.created_at),
        "item": _items(s.answers or {}),
    }
    if s.source == ScreeningSource.RUNNER:
        resource["author"] = ref("Patient", str(s.patient_id))
    elif s.created_by_id is not None:  # a therapist's account removed since: no author to name
        resource["author"] = ref("Practitioner", str(s.created_by_id))
    return resource


def _outcome_author(r, ref: Ref) -> dict:
    if r.source == OutcomeSource.PORTAL:
        return ref("Patient", str(r.patient_id))
    return ref("Practitioner", str(r.collected_by_id))


def outcome_response(r, ref: Ref) -> dict:
    """One outcome measure's answers, item by item."""
    resource = {
        "resourceType": "QuestionnaireResponse",
        "id": f"outcome-{r.pk}",
        "questionnaire": codes.questionnaire(r.instrument),
        "status": "completed" if r.complete else "in-progress",
        "subject": ref("Patient", str(r.patient_id)),
        "authored": _instant(r.taken_at),
        "author": _outcome_author(r, ref),
    }
    items = _items(r.answers or {})
    if items:
        resource["item"] = items
    return resource


def outcome_observation(r, ref: Ref) -> dict:
    """One outcome measure's total: LOINC where the measure has a code, the clinic's code always."""
    definition = INSTRUMENTS.get(r.instrument)
    name = definition.name if definition else r.instrument
    codings = [coding(codes.local("outcome-measure"), r.instrument, name)]
    if r.instrument in codes.LOINC_BY_INSTRUMENT:
        codings.insert(0, coding(codes.LOINC, *codes.LOINC_BY_INSTRUMENT[r.instrument]))
    resource = {
        "resourceType": "Observation",
        "id": f"outcome-{r.pk}",
        "status": "final" if r.complete else "preliminary",
        "category": [concept(coding(codes.OBSERVATION_CATEGORY, "survey", "Survey"))],
        "code": concept(*codings, text=name),
        "subject": ref("Patient", str(r.patient_id)),
        "effectiveDateTime": _instant(r.taken_at),
        "performer": [_outcome_author(r, ref)],
        "derivedFrom": [ref("QuestionnaireResponse", f"outcome-{r.pk}")],
    }
    if r.score is None:
        resource["dataAbsentReason"] = concept(coding(codes.DATA_ABSENT, "unknown", "Unknown"))
    else:
        resource["valueQuantity"] = {
            "value": r.score,
            "unit": f"score (of {r.max_score})",
            "system": codes.UCUM,
            "code": "{score}",
        }
        resource["referenceRange"] = [{"low": {"value": 0}, "high": {"value": r.max_score}}]
    return resource


def gait_observation(g, ref: Ref) -> dict:
    """A running-gait analysis: one Observation, each measurement a component with a UCUM unit."""
    components = []
    for field, display, ucum, unit in GAIT_MEASURES:
        value = getattr(g, field)
        if value is None:
            continue
        components.append(
            {
                "code": concept(coding(codes.local("gait-measure"), field, display), text=display),
                "valueQuantity": {
                    "value": _number(value),
                    "unit": unit,
                    "system": codes.UCUM,
                    "code": ucum,
                },
            }
        )
    for field, display in GAIT_CHOICES:
        value = getattr(g, field)
        if not value:
            continue
        label = getattr(g, f"get_{field}_display")()
        components.append(
            {
                "code": concept(coding(codes.local("gait-measure"), field, display), text=display),
                "valueCodeableConcept": concept(
                    coding(codes.local(f"gait-{field.replace('_', '-')}"), value, label),
                    text=label,
                ),
            }
        )
    resource = {
        "resourceType": "Observation",
        "id": f"gait-{g.pk}",
        "status": "final",
        "category": [concept(coding(codes.OBSERVATION_CATEGORY, "exam", "Exam"))],
        "code": concept(
            coding(codes.local("gait-measure"), "running-gait-analysis", "Running gait analysis"),
            text="Running gait analysis",
        ),
        "subject": ref("Patient", str(g.patient_id)),
        "effectiveDateTime": g.recorded_on.isoformat(),
        "performer": [ref("Practitioner", str(g.therapist_id))],
        "component": components,
    }
    if g.summary:
        resource["note"] = [{"text": g.summary}]
    return resource


def care_plan(program, ref: Ref) -> dict:
    """The home program the runner follows: its published version, each exercise with its dose."""
    version = program.current_version
    activities = []
    for item in version.items:
        activities.append(
            {
                "detail": {
                    "status": "in-progress"
                    if program.status == ProgramStatus.ACTIVE
                    else "completed",
                    "code": concept(
                        coding(
                            codes.local("exercise"), item["exercise_slug"], item["exercise_name"]
                        ),
                        text=item["exercise_name"],
                    ),
                    "description": dose_text(item, language="en"),
                    "scheduledTiming": {
                        "repeat": {
                            "frequency": item.get("times_per_week") or 1,
                            "period": 1,
                            "periodUnit": "wk",
                        }
                    },
                }
            }
        )
    resource = {
        "resourceType": "CarePlan",
        "id": str(program.pk),
        "status": CAREPLAN_STATUS.get(program.status, "unknown"),
        "intent": "plan",
        "category": [
            concept(
                coding(codes.local("care-plan"), "home-exercise-program", "Home exercise program")
            )
        ],
        "title": program.title,
        "subject": ref("Patient", str(program.patient_id)),
        "period": {"start": _instant(version.published_at)},
        "created": _instant(program.created_at),
        "author": ref("Practitioner", str(program.therapist_id)),
        "activity": activities,
    }
    evaluation = program.evaluation
    if evaluation is not None and evaluation.working_diagnosis:
        resource["addresses"] = [ref("Condition", f"evaluation-{program.evaluation_id}")]
    if version.note:
        resource["note"] = [{"text": version.note, "time": _instant(version.published_at)}]
    return resource


def generated_at() -> str:
    return _instant(timezone.now())
