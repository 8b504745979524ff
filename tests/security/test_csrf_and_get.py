"""Every POST route refuses a request without a CSRF token; no GET changes state.

The JSON API is CSRF-exempt by design (Bearer tokens, no cookies): a POST there without a token
answers 401 and changes nothing. GETs may append to the access log and the pghistory event
tables, and touch sessions and login-throttling rows; nothing else may change.
"""

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.urls import NoReverseMatch, reverse

from patients.reminders.links import appointment_link, unsubscribe_link
from patients.services.calendar import calendar_feed_reset
from tests.security.matrix import (
    ACTORS,
    ADMIN_NAMESPACE,
    FRONT_DESK,
    MANAGER,
    OWNER,
    PAGES,
    PUBLIC_API,
    THERAPIST,
    all_routes,
    api_operations,
    fill_path,
)
from tests.security.test_access_matrix import API, openapi

# Tables a GET may write to: the access log and audit events (appended on reads), sessions, and
# the login throttle's records.
GET_MAY_WRITE_APPS = {"sessions", "axes", "pghistory"}
GET_MAY_WRITE_MODELS = {"dangpt.accesslog"}
# Known, deliberate GET writes of one page: MFA set-up creates (once, then reuses) an unconfirmed
# TOTP device so the page can show its QR code. Nothing else may change on that page.
GET_WRITES_OF_PAGE: dict[str, set[str]] = {}  # no page may write on GET


def _get_may_write(model) -> bool:
    if model._meta.app_label in GET_MAY_WRITE_APPS:
        return True
    if model._meta.label_lower in GET_MAY_WRITE_MODELS:
        return True
    names = {f.name for f in model._meta.get_fields()}
    return "pgh_created_at" in names or "pgh_obj" in names  # a pghistory event model


def _tracked_models():
    return [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.proxy and m._meta.managed and not _get_may_write(m)
    ]


def snapshot() -> dict[str, tuple[int, str]]:
    """Row count, and a checksum of the updated_at column where there is one, of every table."""
    parts = []
    for model in _tracked_models():
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        fields = {f.name: f for f in model._meta.concrete_fields}
        if "updated_at" in fields:
            column = connection.ops.quote_name(fields["updated_at"].column)
            checksum = f"COALESCE(md5(string_agg({column}::text, ',' ORDER BY {pk})), '')"
        else:
            checksum = "''"
        parts.append(f"SELECT '{model._meta.label}', COUNT(*), {checksum} FROM {table}")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts))
        return {label: (count, digest) for label, count, digest in cursor.fetchall()}


def changes(before: dict, after: dict) -> list[str]:
    return [label for label in before if before[label] != after.get(label)]


# Who signs in for a URL without ids: by the part of the site it belongs to.
AREA_ACTOR = {
    "desk/": FRONT_DESK,
    "manager/": MANAGER,
    "me/": OWNER,
    "therapist/": THERAPIST,
    "programs/": THERAPIST,
    "screenings/": THERAPIST,
    "clinical/": THERAPIST,
}


def _kwargs(route, scenario) -> dict | None:
    """Arguments for a route, or None when it cannot be built (an admin regex route)."""
    if route.name in PAGES:
        return PAGES[route.name].kwargs(scenario)
    values = {
        "object_id": str(scenario.a.patient.pk),
        "content_type_id": 1,
        "app_label": "patients",
    }
    return {p: values.get(p, "x") for p in route.params}


def _page_routes():
    """Every non-API route with a name (the API is checked by its operations)."""
    return [
        r
        for r in all_routes()
        if not r.namespace.startswith("api") and ":" in r.name or r.name.isidentifier()
    ]


def _url(route, scenario) -> str | None:
    kwargs = _kwargs(route, scenario)
    try:
        return reverse(route.name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def _actor_for(route) -> str | None:
    """A user who may use the route (None: anonymous, for public and admin pages)."""
    if route.name in PAGES:
        allowed = PAGES[route.name].allowed
        return sorted(allowed)[0] if allowed else None
    if route.namespace.split(":")[0] == ADMIN_NAMESPACE:
        return None
    for prefix, actor in AREA_ACTOR.items():
        if route.route.startswith(prefix):
            return actor
    return FRONT_DESK


# --- CSRF --------------------------------------------------------------------------------------
def test_every_post_route_refuses_a_request_without_a_csrf_token(scenario, signed_in):
    problems = []
    clients = {
        actor: signed_in(scenario.users.get(actor), enforce_csrf_checks=True)
        for actor in (*ACTORS, None)
    }
    checked = 0
    before = snapshot()
    for route in _page_routes():
        url = _url(route, scenario)
        if url is None:
            continue
        actor = _actor_for(route)
        response = clients[actor].post(url, {"action": "confirm", "note": "x"})
        checked += 1
        if response.status_code != 403 or b"CSRF" not in response.content:
            problems.append(f"POST {route.name} as {actor}: {response.status_code}")
        after = snapshot()
        if changes(before, after):
            problems.append(f"POST {route.name} changed {changes(before, after)}")
            before = after
    assert checked > 60
    assert not problems, "\n".join(problems)


def test_a_post_with_the_token_is_let_through(scenario, signed_in):
    """Control: the 403s above are the CSRF check, not something else refusing the POST."""
    client = signed_in(scenario.front_desk, enforce_csrf_checks=True)
    page = client.get(reverse("patients:detail", args=[scenario.a.patient.pk]))
    token = page.cookies["csrftoken"].value if "csrftoken" in page.cookies else None
    token = token or client.cookies["csrftoken"].value
    url = reverse("patients:waitlist_remove", args=[scenario.a.waitlist.pk])
    response = client.post(url, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_api_posts_without_a_bearer_token_answer_401_and_change_nothing(scenario):
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    problems = []
    for op in api_operations(openapi()):
        if op["method"] == "GET" or op["operationId"] in PUBLIC_API:
            continue  # online booking is for anyone: see the test below
        entry = API.get(op["operationId"])
        url = fill_path(op["path"], entry.kwargs(scenario) if entry else {})
        body = {"username": scenario.front_desk.username, "password": "wrong password, sorry"}
        response = getattr(client, op["method"].lower())(
            url, data=body, content_type="application/json"
        )
        if response.status_code != 401:
            problems.append(f"{op['method']} {op['operationId']}: {response.status_code}")
    assert not problems, "\n".join(problems)
    assert not changes(before, snapshot())


def test_public_booking_posts_need_no_csrf_token_and_use_no_session(scenario):
    """Online booking is for anyone: no token, no cookie; a bad body is a 422, nothing changes.

    It reads no session or cookie, so a forged cross-site request borrows nothing a direct one
    lacks; its limits are per address and per email instead.
    """
    client = Client(enforce_csrf_checks=True)
    before = snapshot()
    posts = [
        op
        for op in api_operations(openapi())
        if op["operationId"] in PUBLIC_API and op["method"] == "POST"
    ]
    assert len(posts) == 1
    response = client.post(posts[0]["path"], data={"email": "x"}, content_type="application/json")
    assert response.status_code == 422
    assert "first_name" in response.json()["errors"]
    assert not response.cookies
    assert not changes(before, snapshot())


# --- No GET changes state ---------------------------------------------------------------------
def _signed_links(scenario) -> list[tuple[str, str]]:
    """Real tokens for the no-login pages, so their GET is asked with something that works."""
    feed = calendar_feed_reset(therapist=scenario.therapist)
    links = [
        ("feed", reverse("patients:feed", args=[feed])),
        *(
            (
                f"link {action}",
                appointment_link(appointment=scenario.a.appointment, action=action),
            )
            for action in ("confirm", "cancel", "calendar")
        ),
        ("unsubscribe", unsubscribe_link(patient_id=scenario.a.patient.pk, kind="reminder_24h")),
    ]
    return [
        (name, url.split("://", 1)[-1].split("/", 1)[-1].join(["/", ""])) for name, url in links
    ]


@pytest.mark.parametrize("actor", [*ACTORS, None])
def test_no_get_changes_state(actor, scenario, signed_in):
    client = signed_in(scenario.users[actor] if actor else None)
    problems = []
    urls = [(r.name, _url(r, scenario)) for r in _page_routes()]
    if actor is None:
        urls += _signed_links(scenario)
    before = snapshot()
    for name, url in urls:
        if url is None:
            continue
        response = client.get(url)
        if response.status_code >= 500:
            problems.append(f"GET {name}: {response.status_code}")
        after = snapshot()
        changed = set(changes(before, after)) - GET_WRITES_OF_PAGE.get(name, set())
        if changed:
            problems.append(f"GET {name} as {actor} changed {sorted(changed)}")
        before = after
    assert not problems, "\n".join(problems)


def test_no_api_get_changes_state(scenario, bearer):
    client = Client()
    problems = []
    for actor in ACTORS:
        headers = bearer(scenario.users[actor])
        before = snapshot()
        for op in api_operations(openapi()):
            if op["method"] != "GET":
                continue
            entry = API.get(op["operationId"])
            url = fill_path(op["path"], entry.kwargs(scenario) if entry else {})
            response = client.get(url, **headers)
            if response.status_code >= 500:
                problems.append(f"GET {op['operationId']} as {actor}: {response.status_code}")
            after = snapshot()
            if changes(before, after):
                problems.append(
                    f"GET {op['operationId']} as {actor} changed {changes(before, after)}"
                )
                before = after
    assert not problems, "\n".join(problems)
