"""Every id-bearing URL and API operation, asked by every role about runner A's objects.

Roles the matrix does not list for a URL (runner B, the front desk on clinical records, a runner
on staff pages) must get a 404 for GET and, where the route takes it, for POST; listed roles
must get through. Anonymous callers are sent to the login page (pages) or get a 401 (API).
A meta-test fails when a new id-bearing URL or API operation is missing from the matrix.
"""

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.conftest import rolled_back
from tests.security.matrix import (
    ACTORS,
    ADMIN_NAMESPACE,
    API,
    PAGES,
    PUBLIC_API,
    api_operations,
    fill_path,
    id_routes,
)

API_PREFIX = "/api/v1"
REFUSED_METHOD = 405  # a GET-only route asked with POST (or the reverse): no data either way


def openapi() -> dict:
    return Client().get(f"{API_PREFIX}/openapi.json").json()


def _ops_by_id() -> dict[str, dict]:
    return {op["operationId"]: op for op in api_operations(openapi())}


# --- The meta-test ----------------------------------------------------------------------------
def test_every_id_bearing_url_is_in_the_matrix():
    missing = sorted(
        r.name
        for r in id_routes()
        if r.name not in PAGES and r.namespace.split(":")[0] != ADMIN_NAMESPACE
    )
    assert not missing, f"Id-bearing URLs missing from tests/security/matrix.py PAGES: {missing}"
    stale = sorted(set(PAGES) - {r.name for r in id_routes()})
    assert not stale, f"Matrix entries for URLs that no longer exist: {stale}"


def test_every_api_operation_with_a_path_parameter_is_in_the_matrix():
    with_params = {op["operationId"] for op in api_operations(openapi()) if op["params"]}
    missing = sorted(with_params - set(API))
    assert not missing, f"API operations missing from tests/security/matrix.py API: {missing}"
    stale = sorted(set(API) - with_params)
    assert not stale, f"Matrix entries for API operations that no longer exist: {stale}"


def test_the_meta_test_notices_a_new_id_bearing_url(monkeypatch):
    """The enumeration sees nested namespaces and converters (guards the meta-test itself)."""
    names = {r.name for r in id_routes()}
    assert {
        "assessments:evaluation_detail",
        "programs:item_edit",
        "patients:waitlist_book",
    } <= names
    assert "patients:list" not in names  # no id in its path


# --- Pages ------------------------------------------------------------------------------------
def _page_routes():
    return {r.name: r for r in id_routes() if r.name in PAGES}


def _ask(client, method: str, url: str):
    return rolled_back(lambda: getattr(client, method.lower())(url))


@pytest.mark.parametrize("actor", ACTORS)
def test_pages_answer_404_to_everyone_not_in_the_matrix(actor, scenario, signed_in):
    client = signed_in(scenario.users[actor])
    problems = []
    for name, route in sorted(_page_routes().items()):
        entry = PAGES[name]
        if entry.public:
            continue
        url = entry.url(name, scenario)
        methods = route.methods or frozenset({"GET", "POST"})
        for method in ("GET", "POST"):
            response = _ask(client, method, url)
            status = response.status_code
            if method not in methods:
                if status != REFUSED_METHOD:
                    problems.append(f"{method} {name}: {status}, expected 405")
            elif actor in entry.allowed:
                if status == 404 or status == 403 or status >= 500:
                    problems.append(f"{method} {name}: {status}, {actor} may open it")
            elif status != 404:
                problems.append(f"{method} {name}: {status}, {actor} must get 404")
    assert not problems, "\n".join(problems)


def test_pages_send_anonymous_callers_to_login(scenario):
    client = Client()
    problems = []
    for name in sorted(_page_routes()):
        entry = PAGES[name]
        url = entry.url(name, scenario)
        response = client.get(url)
        if entry.public:
            if response.status_code >= 500 or response.status_code == 403:
                problems.append(f"GET {name} (public): {response.status_code}")
            continue
        location = response.headers.get("Location", "")
        if response.status_code != 302 or not location.startswith(resolve_url(settings.LOGIN_URL)):
            problems.append(f"GET {name}: {response.status_code} {location!r}, expected login")
    assert not problems, "\n".join(problems)


def test_public_links_with_a_forged_token_show_nothing(scenario):
    """Feeds and signed links need no login; a forged token opens nothing of runner A's."""
    client = Client()
    for name, entry in PAGES.items():
        if not entry.public:
            continue
        response = client.get(reverse(name, kwargs=entry.kwargs(scenario)))
        assert response.status_code in (200, 302, 400, 404, 410), name
        body = response.content.decode(errors="replace")
        assert scenario.a.patient.last_name not in body, name
        assert scenario.a.patient.email not in body, name


@pytest.mark.parametrize("actor", ACTORS)
def test_admin_pages_send_our_roles_to_the_admin_login(actor, scenario, signed_in):
    """No role is `is_staff`: every id-bearing admin page redirects to the admin login."""
    client = signed_in(scenario.users[actor])
    values = {
        "object_id": str(scenario.a.patient.pk),
        "content_type_id": 1,
        "app_label": "patients",
        "id": scenario.a.patient.pk,
        "pk": scenario.a.patient.pk,
    }
    problems = []
    for route in id_routes():
        if route.namespace.split(":")[0] != ADMIN_NAMESPACE:
            continue
        kwargs = {p: values.get(p, "x") for p in route.params}
        try:
            url = reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:  # a regex route its values do not fit
            continue
        response = client.get(url)
        if response.status_code != 302 or "/admin/login/" not in response.headers["Location"]:
            problems.append(f"GET {route.name}: {response.status_code}")
    assert not problems, "\n".join(problems)


# --- API --------------------------------------------------------------------------------------
@pytest.mark.parametrize("actor", ACTORS)
def test_api_operations_answer_404_to_everyone_not_in_the_matrix(
    actor, scenario, signed_in, bearer
):
    client = Client()
    headers = bearer(scenario.users[actor])
    problems = []
    for op_id, op in sorted(_ops_by_id().items()):
        if not op["params"]:
            continue
        entry = API[op_id]
        url = fill_path(op["path"], entry.kwargs(scenario))
        method = op["method"].lower()

        def call(method=method, url=url, body=entry.body):
            if method == "get":
                return client.get(url, **headers)
            return getattr(client, method)(
                url, data=body, content_type="application/json", **headers
            )

        status = rolled_back(call).status_code
        if actor in entry.allowed:
            if status in (401, 403, 404) or status >= 500:
                problems.append(f"{op['method']} {op_id}: {status}, {actor} may use it")
        elif status != 404:
            problems.append(f"{op['method']} {op_id}: {status}, {actor} must get 404")
    assert not problems, "\n".join(problems)


def test_only_the_token_exchange_and_online_booking_need_no_token():
    """An operation open to anyone is a decision: the token exchange, or online booking."""
    open_ops = {op["operationId"] for op in api_operations(openapi()) if not op["security"]}
    assert open_ops == {"dangpt_api_create_token", *PUBLIC_API}


def test_api_operations_answer_401_without_a_token(scenario):
    client = Client()
    problems = []
    for op in api_operations(openapi()):
        if not op["security"]:
            continue  # the token exchange itself, and online booking
        entry = API.get(op["operationId"])
        values = entry.kwargs(scenario) if entry else {}
        url = fill_path(op["path"], values)
        response = getattr(client, op["method"].lower())(url, content_type="application/json")
        if response.status_code != 401:
            problems.append(f"{op['method']} {op['operationId']}: {response.status_code}")
    assert not problems, "\n".join(problems)


def test_api_ids_of_another_runner_are_not_found_for_the_runner(scenario, bearer):
    """Runner B's own token, runner A's ids: the same 404 as an id that does not exist."""
    client = Client()
    headers = bearer(scenario.b.user)
    missing = client.get(f"{API_PREFIX}/patients/{scenario.a.patient.pk}/outcomes/lefs", **headers)
    unknown = client.get(f"{API_PREFIX}/patients/999999/outcomes/lefs", **headers)
    assert missing.status_code == unknown.status_code == 404
    assert missing.json() == unknown.json()
