"""Writes that name a patient in their body, asked by every role about runner A.

A booking, a note, a screening or an outcome for runner A from someone who may not see runner A
must answer as an unknown patient id does, and write nothing; a booking at a location that is
not the caller's is refused the same way. A meta-test fails when a new API write takes a
patient id in its body and is missing from BODY_WRITES.
"""

import pytest
from django.test import Client

from patients.models import Appointment
from tests.security.conftest import rolled_back
from tests.security.matrix import ACTORS, BODY_WRITES
from tests.security.test_access_matrix import API_PREFIX, openapi

UNKNOWN_PATIENT = 987_654_321


def _post(client, entry, body, headers):
    url = API_PREFIX + entry.path
    return rolled_back(
        lambda: getattr(client, entry.method.lower())(
            url, data=body, content_type="application/json", **headers
        )
    )


def _refused_on(response, field: str) -> bool:
    """The answer to an id the caller may not use: a 404, or a field error naming it."""
    if response.status_code == 404:
        return True
    if response.status_code in (400, 422):
        return field in response.json().get("errors", {})
    return False


def _body_fields(schema: dict, op: dict) -> set[str]:
    content = op.get("requestBody", {}).get("content", {}).get("application/json", {})
    ref = content.get("schema", {}).get("$ref", "")
    if not ref:
        return set()
    component = schema["components"]["schemas"][ref.rsplit("/", 1)[-1]]
    return set(component.get("properties", {}))


def test_every_api_write_with_a_patient_in_its_body_is_in_the_matrix():
    schema = openapi()
    found = {}
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in {"post", "put", "patch"} and "patient" in _body_fields(schema, op):
                found[op["operationId"]] = (method.upper(), path.removeprefix(API_PREFIX))
    missing = sorted(set(found) - set(BODY_WRITES))
    assert not missing, f"Writes with a patient id missing from matrix BODY_WRITES: {missing}"
    for op_id, entry in BODY_WRITES.items():
        assert found.get(op_id) == (entry.method, entry.path), op_id


@pytest.mark.parametrize("actor", ACTORS)
def test_writes_naming_runner_a_answer_as_an_unknown_patient(actor, scenario, bearer):
    client = Client()
    headers = bearer(scenario.users[actor])
    problems = []
    for op_id, entry in sorted(BODY_WRITES.items()):
        response = _post(client, entry, entry.body(scenario, scenario.a.patient.pk), headers)
        status = response.status_code
        if actor in entry.allowed:
            if status in (401, 403, 404) or status >= 500 or _refused_on(response, "patient"):
                problems.append(f"{op_id}: {status} {response.content[:200]!r}, {actor} may")
            elif _refused_on(response, "location"):
                problems.append(f"{op_id}: refused the location for {actor}")
            continue
        unknown = _post(client, entry, entry.body(scenario, UNKNOWN_PATIENT), headers)
        if status != unknown.status_code or not _refused_on(response, "patient"):
            problems.append(
                f"{op_id}: {status} {response.content[:200]!r}, {actor} must get "
                f"{unknown.status_code} as for an unknown patient"
            )
    assert not problems, "\n".join(problems)


def test_a_booking_at_another_location_is_refused_and_writes_nothing(scenario, bearer):
    """The East desk may see runner A (here: a manager moved them East) yet not book at West."""
    scenario.a.patient.preferred_location = scenario.other_location
    scenario.a.patient.save(update_fields=["preferred_location"])
    entry = BODY_WRITES["patients_api_book_appointment"]
    before = Appointment.objects.count()
    response = _post(
        Client(),
        entry,
        entry.body(scenario, scenario.a.patient.pk),
        bearer(scenario.front_desk_elsewhere),
    )
    assert _refused_on(response, "location"), response.content
    assert Appointment.objects.count() == before
