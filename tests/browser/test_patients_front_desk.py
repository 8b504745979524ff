"""The front desk's day in Chromium: intake, booking by clicking, schedule, cancel, waitlist."""

import datetime as dt

import pytest

from dangpt.roles import Role
from patients.models import Appointment, WaitlistEntry
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic

pytestmark = pytest.mark.browser


def test_front_desk_books_cancels_and_fills_from_the_waitlist(
    live_server, page, transactional_db, make_user
):
    """Register, book the first free evaluation, see it, cancel it, book a waiting runner."""
    clinic = build_clinic(make_user)
    desk = make_user(Role.FRONT_DESK)
    waiting = PatientFactory(first_name="Wendy", last_name="Waiting")
    WaitlistEntry.objects.create(patient=waiting, appointment_type=clinic.follow_up)
    day = clinic.monday.isoformat()

    sign_in(page, live_server.url, desk)
    page.wait_for_url(f"{live_server.url}/desk/calendar/")

    page.get_by_role("link", name="Patients").click()
    page.get_by_role("link", name="Register a runner").click()
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Newrunner")
    page.get_by_label("Date of birth").fill("1994-06-01")
    page.get_by_label("Email", exact=True).fill("nadia@example.test")
    page.get_by_label("Phone", exact=True).fill("213 555 0190")
    page.get_by_label("Consent to treatment (version of January 2026)").check()
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Nadia Newrunner").wait_for()

    page.locator("#main").get_by_role("link", name="Book an appointment").click()
    page.get_by_label("Appointment type").select_option(label="Initial evaluation (60 min)")
    page.get_by_label("Date").fill(day)
    page.get_by_role("button", name="Find next available").click()
    page.locator(".slot-link").first.click()
    page.get_by_role("button", name="Book").click()
    page.locator(".alert-success", has_text="Booked ").wait_for()
    booked = Appointment.objects.get(patient__last_name="Newrunner")
    assert booked.appointment_type == clinic.evaluation
    assert booked.start == at(clinic.monday, 8)  # the first free slot of the day
    assert "8:00 AM" in page.locator("#appointment-when").inner_text()

    page.goto(f"{live_server.url}/desk/schedule/?location={clinic.location.pk}&date={day}")
    card = page.locator(".appointment-card", has_text="Nadia Newrunner")
    assert "8:00 AM" in card.inner_text()
    card.click()
    page.get_by_role("link", name="Cancel appointment").click()
    page.get_by_label("Reason (scheduling only)").fill("Work trip")
    page.get_by_role("button", name="Yes, cancel it").click()
    page.get_by_text("Matching waitlist entries").wait_for()
    page.get_by_role("button", name="Book Wendy into this slot").click()
    page.get_by_text("Booked from the waitlist.").wait_for()

    booked.refresh_from_db()
    assert booked.status == "cancelled"
    replacement = Appointment.objects.get(patient=waiting)
    assert replacement.start == booked.start and replacement.status == "booked"
    page.goto(f"{live_server.url}/desk/schedule/?location={clinic.location.pk}&date={day}")
    assert page.locator(".appointment-card", has_text="Wendy Waiting").is_visible()


def test_schedule_moves_between_days_with_htmx(live_server, page, transactional_db, make_user):
    """Next › swaps the day in place, updates the address bar and moves focus to the new day."""
    clinic = build_clinic(make_user)
    desk = make_user(Role.FRONT_DESK)
    sign_in(page, live_server.url, desk)
    page.goto(
        f"{live_server.url}/desk/schedule/?location={clinic.location.pk}&date={clinic.monday}"
    )
    page.get_by_role("link", name="Next day").click()
    tuesday = clinic.monday + dt.timedelta(days=1)
    page.wait_for_url(f"**date={tuesday.isoformat()}")
    assert "Tuesday" in page.locator("#schedule-date").inner_text()
    assert page.locator("h1", has_text="Schedule").count() == 1  # swapped, not nested
    # Focus moves to the new day's heading, so a screen reader announces it.
    assert page.evaluate("document.activeElement.id") == "schedule-date"


def test_patient_page_fits_a_phone_with_a_long_email(
    live_server, browser, transactional_db, make_user
):
    """At 390 px a long email breaks inside its cell; the page is never wider than the screen."""
    desk = make_user(Role.FRONT_DESK)
    patient = PatientFactory(email="christopherjonathanalexandermarathoner@examplerunningclub.test")
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, desk)
    page.goto(f"{live_server.url}/desk/patients/{patient.pk}/")
    page.get_by_text(patient.email).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()


def contrast_on_white(rgb: str) -> float:
    """WCAG contrast ratio of a computed "rgb(r, g, b)" colour against white."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(part) for part in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    luminance = 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
    return 1.05 / (luminance + 0.05)


def test_checkbox_outlines_stand_out(live_server, page, transactional_db, make_user):
    """A checkbox's outline has at least 3:1 contrast on white (WCAG 1.4.11)."""
    desk = make_user(Role.FRONT_DESK)
    patient = PatientFactory()
    sign_in(page, live_server.url, desk)
    page.goto(f"{live_server.url}/desk/patients/{patient.pk}/edit/")
    box = page.locator("input.form-check-input:not(:checked)").first
    colour = box.evaluate("el => getComputedStyle(el).borderTopColor")
    assert contrast_on_white(colour) >= 3
