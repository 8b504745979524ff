"""One patient's record as a FHIR R4 `collection` Bundle, in a constant number of queries."""

from patients import selectors as patients

from . import codes, resources
from .sources import PATIENT_SOURCES


class BundleRefs:
    """References as the entries' urn:uuid full URLs; remembers what was referenced."""

    def __init__(self):
        self.referenced: set[tuple[str, str]] = set()

    def __call__(self, resource_type: str, resource_id: str) -> dict:
        self.referenced.add((resource_type, resource_id))
        return {"reference": codes.full_url(resource_type, resource_id)}

    def ids_of(self, resource_type: str) -> list[int]:
        return sorted(int(i) for t, i in self.referenced if t == resource_type)


def patient_bundle(patient) -> dict:
    """The patient's record: them, the staff and places it names, notes, measures, program."""
    ref = BundleRefs()
    fetched: dict = {}
    records: list[dict] = []
    for source in PATIENT_SOURCES:
        if source.rows not in fetched:  # outcome results feed two resource types: read once
            fetched[source.rows] = list(source.rows(patient_ids=[patient.pk]))
        records += [source.to_resource(row, ref) for row in fetched[source.rows]]
    people_and_places = [
        resources.practitioner(user)
        for user in patients.record_staff(user_ids=ref.ids_of("Practitioner"))
    ] + [
        resources.location(loc)
        for loc in patients.record_locations(location_ids=ref.ids_of("Location"))
    ]
    ordered = records[:1] + people_and_places + records[1:]  # the Patient first
    return {
        "resourceType": "Bundle",
        "id": codes.full_url("Bundle", f"patient-{patient.pk}").removeprefix("urn:uuid:"),
        "type": "collection",
        "timestamp": resources.generated_at(),
        "entry": [
            {"fullUrl": codes.full_url(r["resourceType"], r["id"]), "resource": r} for r in ordered
        ],
    }
