"""WCAG 2.2 AA: axe-core finds no serious or critical violation on any page of any role."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.every_page import every_page, session_cookies
from tests.security.matrix import build_scenario

pytestmark = pytest.mark.browser
IMPACTS = {"serious", "critical"}
# Tags axe-core gives the WCAG 2.0, 2.1 and 2.2 A and AA rules (and its best practices are not
# a WCAG level: they are left out).
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def _violations(axe: Axe, page) -> list[str]:
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": TAGS}})
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:3])
        for v in results.response["violations"]
        if v["impact"] in IMPACTS
    ]


def test_no_serious_violation_on_any_page_of_any_role(live_server, browser, transactional_db):
    """Every page each role can open, at desktop width, passes axe-core's WCAG 2.2 AA rules."""
    s = build_scenario("axe")
    pages = every_page(s)
    assert len({p.role for p in pages}) == 5 and len(pages) > 60, pages
    cookies = session_cookies(s, live_server.url)
    axe = Axe()
    problems = []
    for role in sorted({p.role for p in pages}):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.add_cookies(cookies[role])
        tab = context.new_page()
        for page in (p for p in pages if p.role == role):
            tab.goto(live_server.url + page.url)
            problems += [f"{page}: {found}" for found in _violations(axe, tab)]
        context.close()
    assert not problems, (
        f"{len(problems)} serious or critical violations on {len(pages)} pages:\n"
        + "\n".join(problems)
    )
