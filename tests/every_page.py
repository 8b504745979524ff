"""Every page a person can open, for each role: the no-argument routes as each role and
anonymous, and the id-bearing routes of the access matrix as the roles it lets in. Pages are
kept when they answer 200 with HTML (downloads, redirects and refusals are left out)."""

from dataclasses import dataclass
from types import SimpleNamespace

from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.matrix import (
    ADMIN_NAMESPACE,
    FRONT_DESK,
    MANAGER,
    OTHER_RUNNER,
    OWNER,
    PAGES,
    THERAPIST,
    THERAPIST_B,
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


def _candidates(s, roles: dict, partial: bool) -> list[tuple[str, str, str]]:
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
            try:
                url = entry.url(route.name, s)
            except AttributeError:
                if not partial:
                    raise  # the full scenario has every object: a missing one is a typo in PAGES
                continue  # the demo clinic has no such object (no video, no cancelled visit)
            for role, actor in roles.items():
                if actor is not None and actor in entry.allowed:
                    found.append((route.name, role, url))
            continue
        try:
            url = reverse(route.name)
        except NoReverseMatch:
            continue
        found.extend((route.name, role, url) for role in roles)
    return found


def signed_in_clients(s, roles: dict = ROLES) -> dict[str, Client]:
    """A test client per role, signed in as that role's person of the scenario."""
    clients = {}
    for role, actor in roles.items():
        clients[role] = Client()
        if actor is not None:
            clients[role].force_login(s.users[actor])
    return clients


def every_page(
    s,
    roles: dict = ROLES,
    *,
    seen: set | None = None,
    html: dict | None = None,
    partial: bool = False,
) -> list[Page]:
    """The pages of the scenario `s` (tests.security.matrix.build_scenario, or demo_scenarios())
    that answer HTML, for each of `roles` (name: actor). Pages already in `seen` (role, url) are
    left out, and those found are added to it. `html`, when given, gets each page's HTML.
    `partial` (the demo clinic) skips pages whose object the data lacks; otherwise that raises."""
    seen = set() if seen is None else seen
    clients = signed_in_clients(s, roles)
    pages = []
    for route, role, url in _candidates(s, roles, partial):
        if (role, url) in seen:
            continue
        seen.add((role, url))
        response = clients[role].get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            pages.append(Page(route, role, url))
            if html is not None:
                html[pages[-1]] = response.content.decode()
    return pages


# --- The demo clinic of `manage.py seed_demo` -------------------------------------------------
# Each demo account by its username; the runners are the matrix's owner in turn.
DEMO_STAFF = {"frontdesk": FRONT_DESK, "therapist1": THERAPIST, "therapist2": THERAPIST_B,
              "manager": MANAGER}  # fmt: skip
DEMO_RUNNERS = ("runner1", "runner2")


def _first(queryset):
    return queryset.order_by("pk").first()


def _demo_world(patient) -> SimpleNamespace:
    """The demo runner's records, named as the matrix names runner A's; an object the demo
    has not got is left out (its pages are then not enumerated)."""
    from django.utils import timezone

    from assessments.models import (
        Attachment,
        Evaluation,
        GaitAnalysis,
        OutcomeResult,
        PromSchedule,
        Screening,
    )
    from assessments.selectors import due_measures
    from patients.models import Appointment, WaitlistEntry
    from patients.reminders.models import Reminder
    from programs.models import Program, ProgressionSuggestion, RunLog, SessionLog

    mine = {"patient": patient}
    program = _first(Program.objects.filter(**mine, status="active")) or _first(
        Program.objects.filter(**mine)
    )
    evaluations = Evaluation.objects.filter(**mine)
    upcoming = Appointment.objects.active().filter(**mine, start__gte=timezone.now())
    due = list(due_measures(patient=patient))
    found = {
        "user": patient.user,
        "patient": patient,
        "appointment": _first(upcoming) or _first(Appointment.objects.filter(**mine)),
        "cancelled": _first(Appointment.objects.filter(**mine, status="cancelled")),
        "reminder": _first(Reminder.objects.filter(**mine)),
        "waitlist": _first(WaitlistEntry.objects.filter(**mine)),
        "screening": _first(Screening.objects.filter(**mine)),
        "evaluation": _first(evaluations.exclude(status="signed")) or _first(evaluations),
        "signed_note": _first(evaluations.filter(status="signed")),
        "gait": _first(GaitAnalysis.objects.filter(**mine)),
        "attachment": _first(Attachment.objects.filter(**mine)),
        "schedule": _first(PromSchedule.objects.filter(**mine)),
        "outcome": _first(OutcomeResult.objects.filter(**mine)),
        "program": program,
        "item": _first(program.items) if program else None,
        "session": _first(SessionLog.objects.filter(program__patient=patient)),
        "run": _first(RunLog.objects.filter(**mine)),
        "suggestion": _first(ProgressionSuggestion.objects.filter(program=program)),
    }
    world = SimpleNamespace(**{name: value for name, value in found.items() if value is not None})
    if due:
        world.due_timepoint, world.due_instrument = due[0].timepoint, due[0].instrument
    return world


def demo_scenarios() -> list[tuple[SimpleNamespace, dict]]:
    """The seeded demo clinic as matrix scenarios, one per demo runner as the owner: each with
    its roles (username: actor), so every demo account opens every page it can."""
    from django.contrib.auth import get_user_model

    from patients.models import Patient

    users = {user.username: user for user in get_user_model().objects.all()}
    scenarios = []
    for owner, other in (DEMO_RUNNERS, DEMO_RUNNERS[::-1]):
        a = _demo_world(Patient.objects.get(user__username=owner))
        b = _demo_world(Patient.objects.get(user__username=other))
        roles = {"visitor": None, **DEMO_STAFF, owner: OWNER, other: OTHER_RUNNER}
        s = SimpleNamespace(tag="demo", a=a, b=b, location=a.patient.preferred_location)
        s.users = {actor: users[name] for name, actor in roles.items() if actor is not None}
        scenarios.append((s, roles))
    return scenarios


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
