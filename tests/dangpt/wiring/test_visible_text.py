"""No internal text reaches people: every page of every role, rendered with a full clinic (the
security matrix's) and with the demo clinic (`manage.py seed_demo`), shows no username, raw key,
code, model label or "(s)" plural in its visible text."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command

from assessments.proms import INSTRUMENTS
from dangpt.conditions import CONDITION_CODES
from tests.every_page import (
    DEMO_RUNNERS,
    DEMO_STAFF,
    demo_scenarios,
    every_page,
)
from tests.security.matrix import build_scenario

pytestmark = pytest.mark.django_db

# What internal text looks like once emails and URLs are taken out.
PATTERNS = {
    "a raw key or code": re.compile(r"\b[A-Za-z]+(?:_[A-Za-z0-9]+)+\b"),
    "a model label": re.compile(r"\b(?:patients|assessments|programs|dangpt|auth)\.[A-Z]\w+"),
    "a model's default name": re.compile(r"\b[A-Z]\w+ object \(\d+\)|\bAppointment \d+ at\b"),
    "a Python None": re.compile(
        r"(?:^|:\s*)None\.?$"
    ),  # a value shown as None; not "None recorded."
    'an "(s)" plural': re.compile(r"\w\(s\)"),
    "Django's dashes for an empty choice": re.compile(r"-{9}"),
    # Codes without an underscore ("pfps", "lefs") look like words to the pattern above.
    "a condition or measure code": re.compile(
        r"\b(?:" + "|".join(sorted({*CONDITION_CODES, *INSTRUMENTS}, key=len)[::-1]) + r")\b"
    ),
}
EMAIL_OR_URL = re.compile(r"\S+@\S+|https?://\S+|/[\w/.-]+/")
SKIPPED_TAGS = {"script", "style", "template", "code", "pre", "kbd"}


# Where "None" is a word of an answer (a limp: "None"), not a Python value shown: an answer's
# label or option, or the header of a grid's column of answers.
CHOICE_TAGS = {"label", "option", "th"}


class _VisibleText(HTMLParser):
    """The text a person reads: no scripts or styles, no hidden elements' attributes."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.choice_depth = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self.depth += 1
        if tag in CHOICE_TAGS:
            self.choice_depth += 1

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.depth:
            self.depth -= 1
        if tag in CHOICE_TAGS and self.choice_depth:
            self.choice_depth -= 1

    def handle_data(self, data):
        text = data.strip()
        if self.depth or not text:
            return
        self.parts.append("“None” (a choice)" if self.choice_depth and text == "None" else text)


def visible_text(html: str) -> str:
    """The page's readable text, one line per text node."""
    parser = _VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def problems_in(text: str, usernames: set[str]) -> list[str]:
    """What internal text the page shows, each with the line it is on."""
    found = []
    for line in text.splitlines():
        plain = EMAIL_OR_URL.sub(" ", line)
        found += [f"{what}: {line!r}" for what, rx in PATTERNS.items() if rx.search(plain)]
        words = set(re.findall(r"[\w.@+-]+", line))
        found += [f"a username: {line!r}" for name in usernames & words]
    return found


def test_no_page_shows_internal_text(client):
    """Each page each role can open reads as words for people."""
    s = build_scenario("txt")
    usernames = {user.username for user in s.users.values()}
    report, html = [], {}
    for page in every_page(s, html=html):
        report += [f"{page}: {p}" for p in problems_in(visible_text(html[page]), usernames)]
    assert not report, f"{len(report)} pieces of internal text:\n" + "\n".join(sorted(set(report)))


def test_no_demo_page_shows_internal_text():
    """The same over the demo clinic (`manage.py seed_demo`), as each demo account: every page
    its data opens, both runners' in turn, with the demo usernames looked for too."""
    call_command("seed_demo", stdout=io.StringIO())
    usernames = set(DEMO_STAFF) | set(DEMO_RUNNERS)
    seen: set[tuple[str, str]] = set()
    report, pages = [], []
    for s, roles in demo_scenarios():
        html: dict = {}
        for page in every_page(s, roles, seen=seen, html=html, partial=True):
            pages.append(page)
            report += [f"{page}: {p}" for p in problems_in(visible_text(html[page]), usernames)]
    assert {page.role for page in pages} == {"visitor", *DEMO_STAFF, *DEMO_RUNNERS}
    assert len({p.url for p in pages if p.route == "assessments:patient_chart"}) == 2, pages
    assert not report, f"{len(report)} pieces of internal text:\n" + "\n".join(sorted(set(report)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Goal_race: Boston", ["a raw key or code"]),
        ("FAAM_ADL 72%", ["a raw key or code"]),
        ("Working diagnosis: pfps", ["a condition or measure code"]),
        ("LEFS 40/80 · Patellofemoral pain", []),
        ("Status: None", ["a Python None"]),
        ("1 visit(s)", ['an "(s)" plural']),
        ("Appointment 12 at 2026-12-04 17:00 UTC", ["a model's default name"]),
        ("Reached at ana_ruiz@example.com", []),
        ("Next visit Fri, Dec 4 at 3:30 PM", []),
        ("None recorded.", []),
    ],
)
def test_the_check_tells_internal_text_from_words(text, expected):
    """The patterns catch keys, codes, None and model names, and leave emails and words alone."""
    assert [p.split(":")[0] for p in problems_in(text, set())] == expected


def test_none_as_an_answer_is_a_word():
    """ "None" labelling an answer is the answer's word; in a table cell it is a value shown."""
    html = (
        '<label for="a">None</label><select><option>None</option></select>'
        '<table><tr><th scope="col">None</th></tr><tr><td>None</td></tr></table>'
    )
    assert problems_in(visible_text(html), set()) == ["a Python None: 'None'"]


def test_a_username_on_a_page_is_caught():
    """A username shown instead of a name is reported."""
    assert problems_in("Booked by desk-m", {"desk-m"}) == ["a username: 'Booked by desk-m'"]
