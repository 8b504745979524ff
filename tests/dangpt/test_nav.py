"""The menus: grouped by task per role, with the current page's link marked aria-current."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from dangpt.roles import Role
from dangpt.templatetags.nav import BELONGS_TO, SECTIONS, section_of
from tests.security.matrix import all_routes

pytestmark = pytest.mark.django_db


class _Menu(HTMLParser):
    """The role's menu (the first `navbar-nav`): its top-level items and what is marked."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # <ul>s open inside the menu; 0 before and after it
        self.done = False
        self.top_items = 0
        self.marked: list[tuple[str, str, str]] = []  # (tag, aria-current, text)
        self._open: list[list] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.done:
            return
        if tag == "ul" and (self.depth or "navbar-nav" in (attrs.get("class") or "").split()):
            self.depth += 1
        elif tag == "li" and self.depth == 1:
            self.top_items += 1
        if self.depth and "aria-current" in attrs:
            self._open.append([tag, attrs["aria-current"], ""])

    def handle_endtag(self, tag):
        if self._open and tag == self._open[-1][0]:
            element = self._open.pop()
            self.marked.append((element[0], element[1], " ".join(element[2].split())))
        if tag == "ul" and self.depth:
            self.depth -= 1
            self.done = self.depth == 0

    def handle_data(self, data):
        for element in self._open:
            element[2] += data


def menu(client, url: str) -> _Menu:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Menu()
    parser.feed(response.content.decode())
    return parser


@pytest.fixture
def patient(runner):
    return runner.patient


def _check(client, url: str, page: str, toggle: str | None = None) -> _Menu:
    found = menu(client, url)
    expected = [("a", "page", page)] + ([("button", "true", toggle)] if toggle else [])
    assert sorted(found.marked) == sorted(expected), url
    return found


THERAPIST_PAGES = [
    (lambda p: reverse("patients:my_day"), "My day", None),
    (lambda p: reverse("patients:calendar"), "Calendar", None),
    (lambda p: reverse("assessments:patient_list"), "Patients", None),
    # A chart, a result's trend and the desk's record are pages of "Patients".
    (lambda p: reverse("assessments:patient_chart", args=[p.pk]), "Patients", None),
    (lambda p: reverse("assessments:outcome_trend", args=[p.pk, "lefs"]), "Patients", None),
    (lambda p: reverse("patients:detail", args=[p.pk]), "Patients", None),
    (lambda p: reverse("assessments:screening_list"), "Screenings", "Clinical"),
    (lambda p: reverse("assessments:evaluation_list"), "Notes", "Clinical"),
    (lambda p: reverse("assessments:outcome_overview"), "Outcomes", "Clinical"),
    (lambda p: reverse("programs:dashboard"), "Runners to check", "Programs"),
    (lambda p: reverse("programs:list"), "Programs", "Programs"),
    (lambda p: reverse("programs:create"), "Programs", "Programs"),
    (lambda p: reverse("programs:library"), "Exercise library", "Programs"),
]


@pytest.mark.parametrize(("url", "page", "toggle"), THERAPIST_PAGES)
def test_therapist_menu_marks_the_section(client_for, therapist, patient, url, page, toggle):
    """Five items by task; the page's link (and its dropdown's toggle) is current."""
    found = _check(client_for(therapist), url(patient), page, toggle)
    assert found.top_items == 5


@pytest.mark.parametrize(
    ("url", "page"),
    [
        (lambda p: reverse("patients:calendar"), "Schedule"),
        (lambda p: reverse("patients:list"), "Patients"),
        (lambda p: reverse("patients:detail", args=[p.pk]), "Patients"),
        (lambda p: reverse("patients:edit", args=[p.pk]), "Patients"),
        (lambda p: reverse("patients:book"), "Book"),
        (lambda p: reverse("patients:waitlist"), "Waitlist"),
        (lambda p: reverse("reminders:outbox"), "Reminders"),
    ],
)
def test_front_desk_menu_marks_the_section(client_for, front_desk, patient, url, page):
    """The desk keeps its five links; the page's is current."""
    found = _check(client_for(front_desk), url(patient), page)
    assert found.top_items == 5


@pytest.mark.parametrize(
    ("url", "page", "toggle"),
    [
        (lambda p: reverse("patients:clinic_overview"), "Clinic", None),
        (lambda p: reverse("patients:setup", args=["locations"]), "Clinic", None),
        (lambda p: reverse("patients:list"), "Patients", None),
        (lambda p: reverse("assessments:patient_list"), "Patient charts", "Clinical"),
        (lambda p: reverse("assessments:patient_chart", args=[p.pk]), "Patient charts", "Clinical"),
        (lambda p: reverse("programs:library"), "Exercise library", "Clinical"),
        (lambda p: reverse("reports:list"), "Reports", "Manage"),
        (lambda p: reverse("reports:detail", args=["attendance"]), "Reports", "Manage"),
        (lambda p: reverse("audit:search"), "Audit", "Manage"),
    ],
)
def test_manager_menu_marks_the_section(client_for, manager, patient, url, page, toggle):
    """The manager's clinical and managing pages are in two dropdowns: eight items, not twelve."""
    found = _check(client_for(manager), url(patient), page, toggle)
    assert found.top_items == 8


@pytest.mark.parametrize(
    ("url", "page"),
    [
        ("programs:home", "Today"),
        ("patients:previsit", "My appointments"),
        ("programs:runs", "Runs"),
        ("programs:calendar", "Calendar"),
        ("assessments:my_measures", "Questionnaires"),
        ("assessments:questionnaire", "Questionnaires"),
        ("patients:my_appointments", "My appointments"),
        ("assessments:my_clips", "My videos"),
        ("records:mine", "My record"),
    ],
)
def test_runner_menu_marks_the_section(client_for, runner, url, page):
    """The runner's seven links; the page's is current."""
    found = _check(client_for(runner), reverse(url), page)
    assert found.top_items == 7


def test_runner_menu_is_marked_in_spanish(client_for, runner):
    """The runner's menu stays translated, the current page marked in Spanish too."""
    runner.patient.preferred_language = "es"
    runner.patient.save()
    client = client_for(runner)
    found = _check(client, reverse("programs:runs"), "Carreras")
    assert found.top_items == 7


def test_a_page_outside_every_section_marks_nothing(client_for, therapist):
    """The password page belongs to no menu section: nothing claims to be current."""
    found = menu(client_for(therapist), reverse("password_change"))
    assert found.marked == []


def test_sections_name_real_routes():
    """Every route the menus and BELONGS_TO name exists (a renamed route would mark nothing)."""
    names = {route.name for route in all_routes()}
    named = SECTIONS | set(BELONGS_TO) | set(BELONGS_TO.values())
    assert named - names == {"patients:my_settings"}  # the runner's settings page, when added


def test_section_of_walks_up_the_path():
    """A page's section is the nearest menu route at or above its path."""
    assert section_of("/clinical/patients/7/outcomes/lefs/") == "assessments:patient_list"
    assert section_of("/me/runs/3/morning/") == "programs:runs"
    assert section_of("/programs/4/items/9/") == "programs:list"
    assert section_of("/programs/library/clamshell/") == "programs:library"
    assert section_of("/desk/appointments/5/move/") == "patients:calendar"
    assert section_of("/accounts/password_change/") is None


def test_roles_cover_every_role():
    """Each role in dangpt.roles has a menu tested above."""
    assert set(Role) == {Role.FRONT_DESK, Role.THERAPIST, Role.MANAGER, Role.RUNNER}
