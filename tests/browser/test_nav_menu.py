"""The therapist's grouped menu: a dropdown opens by keyboard and its link is followed, at a
desktop's width and on a phone (where the bar collapses); the page reached is marked current."""

import pytest
from playwright.sync_api import expect

from dangpt.roles import Role
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def _open_by_keyboard_and_follow(page, toggle_name: str, downs: int, link_name: str) -> None:
    """Tab from "Patients" to the toggle, open it with Enter, arrow down and follow a link."""
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("link", name="Patients", exact=True).focus()
    page.keyboard.press("Tab")
    if toggle_name == "Programs":
        page.keyboard.press("Tab")
    toggle = nav.get_by_role("button", name=toggle_name)
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    for _ in range(downs):
        page.keyboard.press("ArrowDown")
    link = nav.get_by_role("link", name=link_name, exact=True)
    expect(link).to_be_focused()
    page.keyboard.press("Enter")


def test_keyboard_opens_a_dropdown_at_desktop_width(live_server, page, make_user):
    """At 1280 px: Clinical opens by keyboard, Notes is followed and marked, Clinical too."""
    therapist = make_user(Role.THERAPIST)
    sign_in(page, live_server.url, therapist)
    page.goto(f"{live_server.url}/therapist/day/")
    nav = page.get_by_role("navigation", name="Main navigation")
    expect(nav.get_by_role("link", name="My day")).to_have_attribute("aria-current", "page")
    _open_by_keyboard_and_follow(page, "Clinical", 2, "Notes")
    page.wait_for_url("**/clinical/evaluations/")
    expect(nav.get_by_role("button", name="Clinical")).to_have_attribute("aria-current", "true")
    expect(nav.get_by_role("link", name="My day")).not_to_have_attribute("aria-current", "page")
    nav.get_by_role("button", name="Clinical").click()
    expect(nav.get_by_role("link", name="Notes")).to_have_attribute("aria-current", "page")


def test_keyboard_and_touch_open_a_dropdown_on_a_phone(live_server, phone_page, make_user):
    """At 390 px the bar collapses: open it, open Programs by keyboard and follow "Runners to
    check"; then by touch, Exercise library."""
    page = phone_page
    therapist = make_user(Role.THERAPIST)
    sign_in(page, live_server.url, therapist)
    page.goto(f"{live_server.url}/therapist/day/")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.get_by_role("button", name="Toggle navigation").click()
    expect(nav.get_by_role("link", name="Patients", exact=True)).to_be_visible()
    _open_by_keyboard_and_follow(page, "Programs", 1, "Runners to check")
    page.wait_for_url("**/programs/dashboard/")

    nav.get_by_role("button", name="Toggle navigation").tap()
    programs = nav.get_by_role("button", name="Programs")
    expect(programs).to_have_attribute("aria-current", "true")
    programs.tap()
    nav.get_by_role("link", name="Exercise library").tap()
    page.wait_for_url("**/programs/library/")
    nav.get_by_role("button", name="Toggle navigation").tap()
    nav.get_by_role("button", name="Programs").tap()
    expect(nav.get_by_role("link", name="Exercise library")).to_have_attribute(
        "aria-current", "page"
    )
