"""Code systems and codes of the FHIR export: every coding names its system.

Standard systems where a standard code exists (LOINC for the numeric pain scale, ICD-10-CM for
the diagnosis the therapist coded, UCUM units, HL7 terminology); the clinic's own code systems,
under `settings.FHIR_SYSTEM_BASE`, for what has no standard code (the other outcome measures,
the gait measures, the six conditions, exercises).
"""

import uuid

from django.conf import settings

LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
CONTACT_RELATIONSHIP = "http://terminology.hl7.org/CodeSystem/v2-0131"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"

# LOINC 72514-3 "Pain severity - 0-10 verbal numeric rating [Score] - Reported": every 0-10 pain
# rating the clinic records. LEFS, AKPS (Kujala), VISA-A and FAAM have no LOINC code we could
# confirm, so they carry the clinic's outcome-measure code only.
LOINC_BY_INSTRUMENT = {
    "nprs": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "nprs_now": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "nprs_running": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
    "nprs_worst_24h": ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
}

# LOINC 59284-0 "Patient Consent": the category FHIR R4's consent examples use.
CONSENT_CATEGORY = (LOINC, "59284-0", "Patient Consent")


def base() -> str:
    return settings.FHIR_SYSTEM_BASE.rstrip("/")


def local(name: str) -> str:
    """The URI of one of the clinic's own code systems, e.g. .../CodeSystem/outcome-measure."""
    return f"{base()}/CodeSystem/{name}"


def identifier_system(name: str) -> str:
    """The URI of the clinic's identifiers of one kind (patient, staff...)."""
    return f"{base()}/identifier/{name}"


def questionnaire(name: str) -> str:
    """The canonical URL of one of the clinic's questionnaires (screening, each measure)."""
    return f"{base()}/Questionnaire/{name}"


def coding(system: str, code: str, display: str = "") -> dict:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(*codings: dict, text: str = "") -> dict:
    found: dict = {"coding": list(codings)}
    if text:
        found["text"] = text
    return found


def full_url(resource_type: str, resource_id: str) -> str:
    """A stable urn:uuid for one resource: the same object always gets the same one."""
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, base())
    return f"urn:uuid:{uuid.uuid5(namespace, f'{resource_type}/{resource_id}')}"
