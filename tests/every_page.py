"""Every page a person can open, for each role: the no-argument routes as each role and
anonymous, and the id-bearing routes of the access matrix as the roles it lets in. Pages are
kept when they answer 200 with HTML (downloads, redirects and refusals are left out)."""

from dataclasses import dataclass

from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.matrix import (
    ADMIN_NAMESPACE,
    FRONT_DESK,
    MANAGER,
    OWNER,
    PAGES,
    THERAPIST,
    all_routes,
)

# One person of each role; None is a visitor who has not signed in.
ROLES = {"visitor": None, "front desk": FRONT_DESK, "therapist": THERAPIST,
         "manager": MANAGER, "runner": OWNER}  # fmt: skip
# Django's admin is its own app with its own look; the API answers JSON.
LEFT_OUT_NAMESPACES = (ADMIN_NAMESPACE, "api")


@dataclass(frozen=True)
class Page:
    """One page as one role: the route's name, the role and the URL."""

    route: str
    role: str
    url: str

    def __str__(self) -> str:
        return f"{self.url} as {self.role}"


def _candidates(s) -> list[tuple[str, str, str]]:
    found = []
    for route in all_routes():
        if route.namespace.startswith(LEFT_OUT_NAMESPACES) or route.name.startswith("admin"):
            continue
        if route.methods is not None and "GET" not in route.methods:
            continue
        if route.params:
            entry = PAGES.get(route.name)
            if entry is None:
                continue  # signed links and feeds: not pages a person browses to
            for role, actor in ROLES.items():
                if actor is not None and actor in entry.allowed:
                    found.append((route.name, role, entry.url(route.name, s)))
            continue
        try:
            url = reverse(route.name)
        except NoReverseMatch:
            continue
        found.extend((route.name, role, url) for role in ROLES)
    return found


def every_page(s) -> list[Page]:
    """The pages of the scenario `s` (tests.security.matrix.build_scenario) that answer HTML."""
    clients = {}
    for role, actor in ROLES.items():
        clients[role] = Client()
        if actor is not None:
            clients[role].force_login(s.users[actor])
    pages = []
    for route, role, url in _candidates(s):
        response = clients[role].get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            pages.append(Page(route, role, url))
    return pages


def session_cookies(s, live_url: str) -> dict[str, list[dict]]:
    """Per role, the session cookie of a fresh sign-in (MFA verified for staff), for Playwright."""
    from django.conf import settings

    cookies = {}
    for role, actor in ROLES.items():
        if actor is None:
            cookies[role] = []
            continue
        client = Client()
        client.force_login(s.users[actor])
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies[role] = [{"name": settings.SESSION_COOKIE_NAME, "value": value, "url": live_url}]
    return cookies
