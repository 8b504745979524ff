"""The calendar in Chromium: book by clicking a time, drag to move (and meet a conflict), find the
next available evaluation, book with the keyboard alone; screenshots of day and week views."""

import os
import re
import tempfile
from pathlib import Path

import pytest

from dangpt.roles import Role
from patients import services
from patients.models import Appointment
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import TimeOffFactory, WorkingHoursFactory

pytestmark = pytest.mark.browser
# Where a person looks at the pictures; under the system's temp dir unless SCREENSHOT_DIR says.
SHOTS = Path(os.environ.get("SCREENSHOT_DIR") or tempfile.gettempdir()) / "dangpt-calendar-shots"


def setting(make_user):
    """The clinic, a second therapist, a desk user, and two visits on the Monday."""
    clinic = build_clinic(make_user)
    other = make_user(Role.THERAPIST, first_name="Ravi", last_name="Shah")
    for weekday in range(5):
        WorkingHoursFactory(therapist=other, location=clinic.location, weekday=weekday)
    desk = make_user(Role.FRONT_DESK)
    moving = services.appointment_book(
        patient=PatientFactory(first_name="Mia", last_name="Mover"),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 9),
        location=clinic.location,
    )
    services.appointment_book(
        patient=PatientFactory(first_name="Bo", last_name="Blocker"),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10, 30),
        location=clinic.location,
    )
    return clinic, other, desk, moving


def calendar_url(base, clinic, **extra) -> str:
    query = "&".join(f"{k}={v}" for k, v in extra.items())
    return f"{base}/desk/calendar/?location={clinic.location.pk}&date={clinic.monday}&{query}"


def slot(page, when):
    """The empty-time link of an instant (its start in the link is percent-encoded)."""
    encoded = when.isoformat().replace(":", "%3A").replace("+", "%2B")
    return page.locator(f'a.cal-slot[href*="start={encoded}"]')


def test_desk_books_by_clicking_an_empty_time_in_the_week(
    live_server, page, transactional_db, make_user
):
    """Week grid → click Monday 8:00 AM → patient → type → review → Book."""
    clinic, _, desk, _ = setting(make_user)
    runner = PatientFactory(first_name="Cleo", last_name="Clicker")
    sign_in(page, live_server.url, desk)
    page.goto(calendar_url(live_server.url, clinic, view="week", therapist=clinic.therapist.pk))
    slot(page, at(clinic.monday, 8)).click()
    assert "8:00 AM" in page.locator("#prefill-summary").inner_text()
    page.get_by_label("Find a patient").fill("Clicker")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Cleo Clicker").click()
    page.get_by_label("Appointment type").select_option(label="Initial evaluation (60 min)")
    page.get_by_role("button", name="Review").click()
    assert "Dana Nguyen" in page.locator("#review-therapist").inner_text()
    assert Appointment.objects.filter(patient=runner).count() == 0
    page.get_by_label("Scheduling note (optional)").fill("Parks on the street")
    page.get_by_role("button", name="Book").click()
    page.locator(".alert-success", has_text="Booked ").wait_for()
    booked = Appointment.objects.get(patient=runner)
    assert (booked.start, booked.therapist) == (at(clinic.monday, 8), clinic.therapist)
    assert booked.scheduling_note == "Parks on the street"


def test_desk_drags_a_visit_and_sees_the_conflict_in_words(
    live_server, page, transactional_db, make_user
):
    """Drag 9:00 → Ravi at 11:00 moves it; back to Dana at 10:00, over Bo's 10:30, is refused."""
    clinic, other, desk, moving = setting(make_user)
    sign_in(page, live_server.url, desk)
    page.goto(calendar_url(live_server.url, clinic))
    visit = page.locator("a.cal-appt", has_text="Mia Mover")
    target = page.locator(f'td[data-therapist="{other.pk}"][data-start^="{clinic.monday}T11:00"]')
    visit.drag_to(target)
    page.get_by_text("Moved to").wait_for()
    moving.refresh_from_db()
    assert (moving.start, moving.therapist) == (at(clinic.monday, 11), other)
    assert page.locator("a.cal-appt", has_text="Mia Mover").count() == 1

    visit = page.locator("a.cal-appt", has_text="Mia Mover")
    target = page.locator(
        f'td[data-therapist="{clinic.therapist.pk}"][data-start^="{clinic.monday}T10:00"]'
    )
    visit.drag_to(target)
    page.get_by_text("Not moved: Dana Nguyen already has a visit at 10:30 AM").wait_for()
    moving.refresh_from_db()
    assert moving.start == at(clinic.monday, 11)


def test_desk_finds_the_next_available_evaluation_in_one_step(
    live_server, page, transactional_db, make_user
):
    """Type only, no date: the earliest times show grouped by therapist, and one books."""
    clinic, _, desk, _ = setting(make_user)
    runner = PatientFactory(first_name="Nia", last_name="Next")
    sign_in(page, live_server.url, desk)
    page.goto(f"{live_server.url}/desk/book/?patient={runner.pk}")
    page.get_by_label("Appointment type").select_option(label="Initial evaluation (60 min)")
    page.get_by_role("button", name="Find next available").click()
    groups = page.locator(".slot-group")
    assert groups.count() >= 2
    assert re.fullmatch(r"\d{1,2}:\d\d [AP]M", page.locator(".slot-link").first.inner_text())
    page.locator(".slot-link").first.click()
    page.get_by_role("button", name="Book").click()
    page.locator(".alert-success", has_text="Booked ").wait_for()
    assert Appointment.objects.filter(patient=runner, status="booked").count() == 1


def tab_to(page, selector: str, limit: int = 60) -> None:
    """Press Tab until the focused element matches the selector."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_keyboard_only_booking(live_server, page, transactional_db, make_user):
    """Tab into the grid, arrows to a time, Enter; then search, pick, type, review, Book."""
    clinic, _, desk, _ = setting(make_user)
    runner = PatientFactory(first_name="Kai", last_name="Keys")
    sign_in(page, live_server.url, desk)
    page.goto(calendar_url(live_server.url, clinic))
    tab_to(page, ".cal-focus")
    # The grid is one Tab stop: it starts on the first visit (Mia at 9:00 AM, Dana's column).
    assert "Mia Mover" in page.evaluate("document.activeElement.innerText")
    for key in ("ArrowDown", "ArrowRight"):  # 9:45 AM with Dana, then Ravi's 9:45 AM
        page.keyboard.press(key)
    focused = page.evaluate("document.activeElement.textContent")
    assert "9:45 AM with Ravi Shah" in focused
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/book/**")
    tab_to(page, "input[name=q]")
    page.keyboard.type("Keys")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Keys**")
    tab_to(page, "a[href*='patient=']")
    page.keyboard.press("Enter")
    page.wait_for_url("**patient=**")
    tab_to(page, "select[name=appointment_type]")
    page.keyboard.press("ArrowDown")  # the first type in the list
    tab_to(page, "button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/desk/book/review/**")
    tab_to(page, ".review-form button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(".alert-success", has_text="Booked ").wait_for()
    booked = Appointment.objects.get(patient=runner)
    assert booked.start == at(clinic.monday, 9, 45)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_day_and_week(live_server, browser, transactional_db, make_user, width):
    """Day and week views at desktop and phone widths, for a person to look at."""
    clinic, _, desk, _ = setting(make_user)
    TimeOffFactory(
        therapist=clinic.therapist, start=at(clinic.monday, 12), end=at(clinic.monday, 13)
    )
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, desk)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for view in ("day", "week"):
        page.goto(calendar_url(live_server.url, clinic, view=view))
        assert page.locator("#calendar-grid").is_visible()
        # The grid scrolls inside its own box; the page itself is never wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        # Previous, Today and Next stay on one line together.
        tops = {
            round(page.get_by_role("link", name=name).bounding_box()["y"])
            for name in ("Previous " + view, "Today", "Next " + view)
        }
        assert len(tops) == 1
        page.screenshot(path=str(SHOTS / f"calendar-{view}-{width}.png"), full_page=False)
    context.close()
