"""Every runner-facing string has Spanish, and runner pages rendered in Spanish show no English.

The surfaces are listed in dangpt/i18n_surfaces.py; the pages rendered are RUNNER_PAGES below.
LEAD: add runner pages to RUNNER_PAGES as they are built; empty PENDING_PAGES and
i18n_surfaces.PENDING as the branches that translate them are merged.
"""

import datetime as dt
import re
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from dangpt.i18n_surfaces import (
    PENDING,
    PENDING_BRANCHES,
    RUNNER_MODULES,
    RUNNER_TEMPLATES,
)
from dangpt.tooling.catalogues import ROOT, extract, missing, surface_files
from patients.models import Language, Patient
from patients.reminders.links import appointment_link, unsubscribe_link
from patients.reminders.models import ReminderKind
from patients.services import appointment_book
from tests.factories import PatientFactory
from tests.patients.conftest import build_clinic

LA = ZoneInfo("America/Los_Angeles")


# --- (a) every msgid of a runner-facing file has Spanish ------------------------------------
def test_every_runner_facing_msgid_has_a_spanish_translation(capsys):
    """A runner-facing string without a non-empty, non-fuzzy Spanish msgstr fails the build."""
    found = missing([*RUNNER_TEMPLATES, *RUNNER_MODULES])
    failures = {
        pattern: sorted({e.msgid for e in entries})
        for pattern, entries in found.items()
        if entries and pattern not in PENDING
    }
    pending = {pattern: len(entries) for pattern, entries in found.items() if pattern in PENDING}
    with capsys.disabled():
        for pattern, count in sorted(pending.items()):
            state = f"{count} msgids without Spanish" if count else "no msgid without Spanish"
            print(f"\n[i18n pending, {PENDING[pattern]}] {pattern}: {state}")
    assert not failures, (
        "Runner-facing strings without Spanish (add them to the app's "
        f"locale/es/LC_MESSAGES/django.po; `python -m dangpt.tooling.catalogues` lists them): "
        f"{failures}"
    )


def test_pending_surfaces_belong_to_the_other_branches_and_are_still_pending():
    """PENDING names only surfaces of the listed branches; a finished one must leave PENDING."""
    assert set(PENDING.values()) <= PENDING_BRANCHES
    assert set(PENDING) <= set(RUNNER_TEMPLATES) | set(RUNNER_MODULES)
    done = []
    for pattern, paths in surface_files(PENDING).items():
        entries = extract(paths) if paths else []
        if entries and not missing([pattern])[pattern]:
            done.append(pattern)
    assert not done, f"Translated now: remove from i18n_surfaces.PENDING: {done}"


def test_each_listed_template_is_marked_for_translation():
    """A runner template that is listed but has no translate tag would pass (a) unseen."""
    untagged = [
        str(path.relative_to(ROOT))
        for pattern, paths in surface_files(RUNNER_TEMPLATES).items()
        if pattern not in PENDING
        for path in paths
        if not extract([path])
    ]
    assert not untagged, f"Runner templates with no translatable string: {untagged}"


def test_listed_surfaces_exist():
    """Each surface that is not pending names at least one file (a typo would hide it)."""
    empty = [
        p
        for p, paths in surface_files([*RUNNER_TEMPLATES, *RUNNER_MODULES]).items()
        if not paths and p not in PENDING
    ]
    assert not empty, f"Surfaces that match no file: {empty}"


def test_catalogues_compile_with_format_checks():
    """`msgfmt --check-format` (what `make messages` runs) accepts every catalogue."""
    for po in sorted(Path(ROOT).glob("*/locale/*/LC_MESSAGES/django.po")):
        done = subprocess.run(  # noqa: S603 - fixed program and repository files
            ["msgfmt", "--check-format", "-o", "/dev/null", str(po)],  # noqa: S607
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"{po}: {done.stderr}"


# --- (b) runner pages rendered in Spanish show no English ------------------------------------
class VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes and labels, except script, style and text
    marked with another language (lang="en" on "English" in the language switch)."""

    SKIP = {"script", "style"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self, page_language: str):
        super().__init__()
        self.page_language = page_language
        self.stack: list[tuple[str, bool]] = []
        self.texts: list[str] = []

    def _hidden(self) -> bool:
        return any(skip for _, skip in self.stack)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        lang = attrs.get("lang")
        skip = tag in self.SKIP or (tag != "html" and lang not in (None, self.page_language))
        if not skip and not self._hidden():
            for name in ("aria-label", "placeholder", "title", "alt"):
                if attrs.get(name):
                    self.texts.append(attrs[name])
        if tag not in self.VOID:
            self.stack.append((tag, skip))

    def handle_endtag(self, tag):
        while self.stack:
            open_tag, _ = self.stack.pop()
            if open_tag == tag:
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden():
            self.texts.append(text)


def visible_texts(html: str, language: str) -> set[str]:
    parser = VisibleText(language)
    parser.feed(html)
    return {t for t in parser.texts if re.search(r"[A-Za-z]{2}", t)}


# Text that is the same in both languages on purpose, with the reason.
SAME_IN_BOTH = {
    "Dang PT": "the clinic's name",
    "No": "the same word in both languages (a yes/no answer)",
    "English": "a language named in itself (the settings page's choice)",
    "Español": "a language named in itself (the settings page's choice)",
}
# Text of other branches' surfaces seen on the pages above (the runner menu in
# templates/programs/_nav.html and templates/assessments/_nav.html): reported, not failed.
PENDING_TEXTS: dict[str, str] = {}


@dataclass
class Page:
    """A runner page: how to open it (anonymous with Accept-Language, or as the runner)."""

    name: str
    url: str
    signed_in: bool = False
    status: int = 200
    method: str = "get"


def render(page: Page, language: str, runner) -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    # The runner's language, and that of the runner an emailed link belongs to.
    Patient.objects.update(preferred_language=language)
    if page.signed_in:
        client.force_login(runner)
    response = getattr(client, page.method)(page.url)
    assert response.status_code == page.status, f"{page.name}: {response.status_code}"
    return response.content.decode()


@pytest.fixture
def runner_world(make_user, runner):
    """A runner, and an appointment of another runner for the emailed links."""
    clinic = build_clinic(make_user)
    patient = PatientFactory(preferred_location=clinic.location)
    start = dt.datetime.combine(clinic.monday, dt.time(10), tzinfo=LA)
    appointment = appointment_book(
        patient=patient, therapist=clinic.therapist, appointment_type=clinic.follow_up, start=start
    )
    path = lambda url: urlsplit(url).path  # noqa: E731
    links = {
        "confirm": path(appointment_link(appointment=appointment, action="confirm")),
        "cancel": path(appointment_link(appointment=appointment, action="cancel")),
        "unsubscribe": path(
            unsubscribe_link(patient_id=patient.pk, kind=ReminderKind.REMINDER_24H)
        ),
    }
    names = {
        runner.first_name,
        runner.last_name,
        runner.get_full_name(),
        clinic.location.name,
        clinic.location.address,
        clinic.therapist.get_full_name(),
        runner.get_username(),
    }
    return links, names


def runner_pages(links) -> list[Page]:
    """LEAD: add each runner page here (anonymous ones with signed_in=False)."""
    return [
        Page("sign-in", "/accounts/login/"),
        Page("password reset", "/accounts/password_reset/"),
        Page("password reset sent", "/accounts/password_reset/done/"),
        Page("password reset complete", "/accounts/reset/done/"),
        Page("password reset bad link", "/accounts/reset/MQ/bad-token/"),
        Page("page not found", "/no-such-page/", status=404),
        Page("reminder link: confirm", links["confirm"]),
        Page("reminder link: cancel", links["cancel"]),
        Page("reminder link: invalid", "/r/not-a-token/", status=400),
        Page("unsubscribe", links["unsubscribe"]),
        Page("unsubscribed", links["unsubscribe"], method="post"),
        Page("invitation invalid", "/invite/MQ/bad-token/", status=404),
        Page("settings", "/me/reminders/", signed_in=True),
        Page("change password", "/accounts/password_change/", signed_in=True),
        Page("password changed", "/accounts/password_change/done/", signed_in=True),
        Page("runner's page not found", "/me/no-such-page/", signed_in=True, status=404),
        # The portal, the questionnaires, the record, the runner's visits and checklist.
        Page("program home", "/me/", signed_in=True),
        Page("runs", "/me/runs/", signed_in=True),
        Page("calendar", "/me/calendar/", signed_in=True),
        Page("questionnaire", "/me/questionnaire/", signed_in=True),
        Page("questionnaires due", "/me/measures/", signed_in=True),
        Page("my record", "/me/record/", signed_in=True),
        Page("my appointments", "/me/appointments/", signed_in=True),
        Page("before your visit", "/me/before-your-visit/", signed_in=True),
        Page("about you", "/me/before-your-visit/about-you/", signed_in=True),
        Page("your running", "/me/before-your-visit/running/", signed_in=True),
        Page("consents", "/me/before-your-visit/consents/", signed_in=True),
        # Online booking, before any account.
        Page("book online", "/book/"),
    ]


# Page name -> the branch that translates it (merged after this one).
PENDING_PAGES: dict[str, str] = {}


@pytest.mark.django_db
def test_runner_pages_in_spanish_show_no_english(runner_world, runner, capsys):
    """Text identical in the Spanish and English render is English left over, unless it is a
    name, the clinic's name or data; pending pages are reported, not failed."""
    links, names = runner_world
    allowed = set(SAME_IN_BOTH) | {n for n in names if n}
    leftovers, pending = {}, {}
    for page in runner_pages(links):
        spanish = visible_texts(render(page, Language.SPANISH, runner), "es")
        english = visible_texts(render(page, Language.ENGLISH, runner), "en")
        same = sorted(t for t in spanish & english if t not in allowed)
        if page.name in PENDING_PAGES:
            pending[page.name] = same
            continue
        if [t for t in same if t in PENDING_TEXTS]:
            pending[f"{page.name} (runner menu)"] = [t for t in same if t in PENDING_TEXTS]
        if [t for t in same if t not in PENDING_TEXTS]:
            leftovers[page.name] = [t for t in same if t not in PENDING_TEXTS]
    with capsys.disabled():
        for name, texts in pending.items():
            print(f"\n[i18n pending] {name}: {len(texts)} English texts, e.g. {texts[:6]}")
    assert set(PENDING_PAGES.values()) | set(PENDING_TEXTS.values()) <= PENDING_BRANCHES
    assert not leftovers, f"English left on Spanish pages: {leftovers}"


@pytest.mark.django_db
def test_the_page_check_sees_english_left_over(runner):
    """Guards the check itself: an untranslated string on a page is found."""
    html = (
        '<html lang="es"><body><h1>Configuración</h1><p>Save</p>'
        '<span lang="en">English</span></body></html>'
    )
    assert visible_texts(html, "es") == {"Configuración", "Save"}


def test_the_catalogue_check_finds_a_string_without_spanish(tmp_path):
    """Guards check (a): a new string, an empty msgstr and a fuzzy one are all missing."""
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text(
        '{% load i18n %}<h1>{% translate "Hello" %}</h1><p>{% translate "New" %}</p>'
        '<p>{% translate "Fuzzy" %}</p><p>{% translate "Empty" %}</p>',
        encoding="utf-8",
    )
    catalogue = tmp_path / "patients" / "locale" / "es" / "LC_MESSAGES"
    catalogue.mkdir(parents=True)
    (catalogue / "django.po").write_text(
        'msgid "Hello"\nmsgstr "Hola"\n\n#, fuzzy\nmsgid "Fuzzy"\nmsgstr "Borroso"\n\n'
        'msgid "Empty"\nmsgstr ""\n',
        encoding="utf-8",
    )
    found = missing(["templates/page.html"], root=tmp_path)["templates/page.html"]
    assert sorted(e.msgid for e in found) == ["Empty", "Fuzzy", "New"]
