"""The manager opens a report, picks dates, sees the chart drawn under the CSP, and downloads
the CSV; on a phone the table scrolls inside its box."""

import datetime as dt
import os
from pathlib import Path

from dangpt.roles import Role
from tests.browser.conftest import sign_in
from tests.dangpt.test_reports import MONDAY, twenty_visits, visits
from tests.factories import default_location

SHOTS = os.environ.get("SCREENSHOT_DIR")


def _watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda m: (
            violations.append(m.text)
            if "Content Security Policy" in m.text or "Refused to" in m.text
            else None
        ),
    )
    return violations


def test_manager_reads_a_report_and_downloads_it(live_server, page, transactional_db, make_user):
    """Dates chosen in the form give the table and a drawn chart; the CSV downloads."""
    manager = make_user(Role.MANAGER)
    therapist = make_user(Role.THERAPIST, first_name="Ana", last_name="Reyes")
    visits(therapist, default_location(), MONDAY, twenty_visits())
    violations = _watch_csp(page)
    sign_in(page, live_server.url, manager)
    page.goto(f"{live_server.url}/manager/")
    # The manager's whole menu fits the bar at 1280 px, the user menu included.
    user_menu = page.locator("#main-nav > .navbar-nav").last.bounding_box()
    assert user_menu["x"] + user_menu["width"] <= 1280
    page.get_by_role("button", name="Manage").click()
    assert page.get_by_role("link", name="Reports").is_visible()
    page.get_by_role("button", name="Manage").click()
    page.get_by_role("link", name="Attendance, utilization").click()
    page.get_by_role("link", name="Attendance Visits scheduled").click()
    page.get_by_label("From", exact=True).fill(MONDAY.isoformat())
    page.get_by_label("To", exact=True).fill((MONDAY + dt.timedelta(days=6)).isoformat())
    page.get_by_label("Location", exact=True).select_option(label=default_location().name)
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector("#report-chart[data-rendered='1']")
    row = page.locator("tr.report-row").first
    assert "35.0%" in row.inner_text() and "Ana Reyes" in row.inner_text()
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / "report-desktop.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    body = Path(download.value.path()).read_text()
    assert body.splitlines()[0].startswith("Week of,Therapist,")
    assert "35.0%" in body
    assert violations == [], "\n".join(violations)


def test_report_on_a_phone(live_server, phone_page, transactional_db, make_user):
    """On a phone the page fits the screen: the table scrolls in its own box."""
    manager = make_user(Role.MANAGER)
    therapist = make_user(Role.THERAPIST, first_name="Ana", last_name="Reyes")
    visits(therapist, default_location(), MONDAY, twenty_visits())
    sign_in(phone_page, live_server.url, manager)
    phone_page.goto(
        f"{live_server.url}/manager/reports/attendance/?from={MONDAY.isoformat()}"
        f"&to={(MONDAY + dt.timedelta(days=6)).isoformat()}"
    )
    phone_page.wait_for_selector("#report-chart[data-rendered='1']")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    if SHOTS:
        phone_page.screenshot(path=str(Path(SHOTS) / "report-phone.png"), full_page=True)


def test_outcome_chart_on_a_phone_lies_on_its_side(live_server, phone_page, transactional_db,
                                                   make_user):  # fmt: skip
    """Long "Condition: Measure" labels: bars run sideways so the labels do not overlap, the
    percent axis runs 0-100%, and the scrolling table is a focusable, named region."""
    from tests.assessments.factories import OutcomeResultFactory, PromScheduleFactory
    from tests.dangpt.test_reports import at

    manager = make_user(Role.MANAGER)
    for instrument, scores in (("lefs", (40, 55)), ("nprs_now", (7, 2))):
        schedule = PromScheduleFactory(condition="itbs")
        for n, (weeks, score) in enumerate(((6, scores[0]), (0, scores[1]))):
            OutcomeResultFactory(
                patient=schedule.patient, schedule=schedule, instrument=instrument, score=score,
                max_score=80 if instrument == "lefs" else 10,
                taken_at=at(MONDAY - dt.timedelta(weeks=weeks), 10), timepoint=f"t{n}",
            )  # fmt: skip
    sign_in(phone_page, live_server.url, manager)
    phone_page.goto(
        f"{live_server.url}/manager/reports/outcomes/?from={MONDAY.isoformat()}"
        f"&to={(MONDAY + dt.timedelta(days=6)).isoformat()}"
    )
    phone_page.wait_for_selector("#report-chart[data-rendered='2']")
    axes = phone_page.evaluate(
        """() => {
          const chart = Chart.getChart(document.getElementById("report-chart"));
          return [chart.options.indexAxis, chart.scales.x.min, chart.scales.x.max];
        }"""
    )
    assert axes == ["y", 0, 100]
    region = phone_page.get_by_role("region", name="Outcomes table, scrolls sideways")
    assert region.get_attribute("tabindex") == "0"
    if SHOTS:
        phone_page.screenshot(path=str(Path(SHOTS) / "report-outcomes-phone.png"), full_page=True)
