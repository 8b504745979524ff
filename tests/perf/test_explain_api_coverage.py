"""The EXPLAIN check at scale covers every GET operation of the API with each of its filters."""

from django.test import Client

from tests.perf.explain_api_cases import CASES
from tests.security.matrix import api_operations


def _get_operations(schema: dict) -> dict[str, dict]:
    """GET operations by path, with their query parameters and which of them are required."""
    found = {}
    for op in api_operations(schema):
        if op["method"] != "GET":
            continue
        spec = schema["paths"][op["path"]]["get"]
        query = [p for p in spec.get("parameters", []) if p.get("in") == "query"]
        found[op["path"]] = {
            "id": op["operationId"],
            "query": {p["name"] for p in query},
            "required": {p["name"] for p in query if p.get("required")},
        }
    return found


def _schema() -> dict:
    return Client().get("/api/v1/openapi.json").json()


def test_every_get_operation_and_filter_has_an_explain_case():
    """A GET operation, or a query parameter of one, without an EXPLAIN case fails here."""
    operations = _get_operations(_schema())
    missing = []
    for path, op in sorted(operations.items()):
        cases = [c for c in CASES if c.path == path]
        if not cases:
            missing.append(f"{op['id']} ({path}): no case")
            continue
        if not any(set(c.params) == op["required"] for c in cases):
            missing.append(f"{op['id']}: no case with only its required parameters (the default)")
        for name in sorted(op["query"] - {k for c in cases for k in c.params}):
            missing.append(f"{op['id']}: filter `{name}` in no case")
    assert not missing, "GET operations not covered by the EXPLAIN check at scale:\n" + "\n".join(
        missing
    )


def test_explain_cases_name_only_real_operations_and_parameters():
    """A case for a path or a parameter the API does not have is stale."""
    operations = _get_operations(_schema())
    stale = [
        case.label
        for case in CASES
        if case.path not in operations or set(case.params) - operations[case.path]["query"]
    ]
    assert not stale, f"EXPLAIN cases of no GET operation or parameter: {stale}"


def test_the_coverage_sees_lists_and_their_filters():
    """Guards the enumeration: the appointment list and its filters are seen."""
    operations = _get_operations(_schema())
    listing = operations["/api/v1/appointments"]
    assert listing["id"] == "patients_api_list_appointments"
    assert {"date", "date_from", "date_to", "therapist", "patient", "limit", "cursor"} <= (
        listing["query"]
    )
    assert operations["/api/v1/evaluations"]["required"] == {"patient"}
