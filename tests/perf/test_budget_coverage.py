"""Every GET page and GET API operation has a query budget, or a stated reason it needs none."""

import importlib
import pkgutil

from django.test import Client

import tests.perf
from tests.security.matrix import ADMIN_NAMESPACE, all_routes, api_operations

# GET routes measured nowhere in tests/perf, each with the reason no budget applies.
EXEMPT_PAGES = {
    "logout": "POST only (Django's LogoutView); a GET gets 405",
}
EXEMPT_API: dict[str, str] = {}


def _budgeted(attribute: str) -> set[str]:
    names: set[str] = set()
    for module in pkgutil.iter_modules(tests.perf.__path__):
        if module.name.startswith("test_budgets_"):
            names |= getattr(importlib.import_module(f"tests.perf.{module.name}"), attribute)
    return names


def _get_pages() -> set[str]:
    return {
        route.name
        for route in all_routes()
        if route.namespace.split(":")[0] != ADMIN_NAMESPACE
        and not route.namespace.startswith("api")
        and (route.methods is None or "GET" in route.methods)
    }


def _get_operations() -> set[str]:
    schema = Client().get("/api/v1/openapi.json").json()
    return {op["operationId"] for op in api_operations(schema) if op["method"] == "GET"}


def test_every_get_page_has_a_query_budget():
    missing = sorted(_get_pages() - _budgeted("BUDGETED_PAGES") - set(EXEMPT_PAGES))
    assert not missing, f"GET pages without a query-budget test in tests/perf: {missing}"


def test_every_get_api_operation_has_a_query_budget():
    missing = sorted(_get_operations() - _budgeted("BUDGETED_API") - set(EXEMPT_API))
    assert not missing, f"GET API operations without a query-budget test in tests/perf: {missing}"


def test_budget_lists_name_only_routes_that_exist():
    pages, operations = _get_pages(), _get_operations()
    stale = sorted(_budgeted("BUDGETED_PAGES") - pages) + sorted(
        _budgeted("BUDGETED_API") - operations
    )
    assert not stale, f"Budget entries for routes that are not GET routes: {stale}"


def test_the_coverage_test_sees_pages_of_every_app():
    """Guards the enumeration itself: nested namespaces and the API are both seen."""
    assert {"patients:schedule", "programs:home", "assessments:patient_chart"} <= _get_pages()
    assert {"patients_api_list_patients", "programs_api_my_program"} <= _get_operations()
