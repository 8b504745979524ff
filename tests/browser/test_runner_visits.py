"""A runner on a phone cancels one visit inside the clinic's policy and is refused for one too
close to its start, with the policy named; the pages are photographed at 390 and 1280 px."""

import datetime as dt
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from dangpt.roles import Role
from patients.models import AppointmentStatus, VisitKind, WaitlistOffer
from patients.services import appointment_cancel
from patients.services.offers import offer_link
from tests.browser.conftest import sign_in
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import AppointmentFactory, WaitlistEntryFactory

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / ".data" / "screenshots"


def _world(make_user):
    clinic = build_clinic(make_user)
    clinic.location.phone = "+12135550100"
    clinic.location.address = "2510 Sunset Blvd, Los Angeles, CA"
    clinic.location.save()
    clinic.follow_up.bookable_online = True
    clinic.follow_up.visit_kind = VisitKind.FOLLOW_UP
    clinic.follow_up.save()
    runner = make_user(Role.RUNNER, first_name="Rosa", last_name="Lopez")
    patient = PatientFactory(user=runner, preferred_location=clinic.location)
    common = {
        "patient": patient,
        "therapist": clinic.therapist,
        "location": clinic.location,
        "appointment_type": clinic.follow_up,
    }
    far = AppointmentFactory(start=at(clinic.monday, 15, 30), **common)
    soon_start = (timezone.now() + dt.timedelta(hours=5)).replace(second=0, microsecond=0)
    soon = AppointmentFactory(start=soon_start, **common)
    AppointmentFactory(
        start=timezone.now() - dt.timedelta(days=9), status=AppointmentStatus.COMPLETED, **common
    )
    return clinic, runner, far, soon


def _shoot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_runner_cancels_inside_the_policy_and_is_refused_too_late(
    live_server, phone_page, transactional_db, make_user
):
    """One visit cancelled through the confirmation step; the other refused, naming the policy."""
    clinic, runner, far, soon = _world(make_user)
    page = phone_page
    sign_in(page, live_server.url, runner)
    page.goto(f"{live_server.url}/me/appointments/")
    assert page.get_by_role("heading", name="My appointments").is_visible()
    assert page.get_by_text("3:30 PM").is_visible()
    _shoot(page, "my-appointments-phone")

    far_card = page.locator("article.my-visit").filter(has_text="3:30 PM")
    far_card.get_by_role("link", name="Cancel visit").click()
    page.wait_for_url(f"**/me/appointments/{far.pk}/cancel/")
    page.get_by_role("button", name="Yes, cancel this visit").click()
    page.wait_for_url(f"{live_server.url}/me/appointments/")
    assert page.get_by_text("Your visit is cancelled.").is_visible()
    far.refresh_from_db()
    assert far.status == AppointmentStatus.CANCELLED

    page.locator("article.my-visit").first.get_by_role("link", name="Cancel visit").click()
    page.wait_for_url(f"**/me/appointments/{soon.pk}/cancel/")
    alert = page.get_by_role("alert")
    assert "Online cancellation closes 24 hours before the visit." in alert.inner_text()
    assert "(213) 555-0100" in alert.inner_text()
    assert page.get_by_role("button", name="Yes, cancel this visit").count() == 0
    _shoot(page, "cancel-refused-phone")
    soon.refresh_from_db()
    assert soon.status == AppointmentStatus.BOOKED


def test_pages_at_phone_and_desktop_width(live_server, browser, transactional_db, make_user):
    """Screenshots of the list, the picker, the claim page and the manager's settings."""
    clinic, runner, far, soon = _world(make_user)
    WaitlistEntryFactory(
        patient=PatientFactory(first_name="Wendy", last_name="Waits"),
        appointment_type=clinic.follow_up,
        location=clinic.location,
    )
    appointment_cancel(appointment=soon, by=None)  # frees a slot: Wendy is offered it
    claim = urlsplit(offer_link(WaitlistOffer.objects.get())).path
    manager = make_user(Role.MANAGER, first_name="Mia", last_name="Manager")
    tuesday = (clinic.monday + dt.timedelta(days=1)).isoformat()
    for width, tag in ((390, "phone"), (1280, "desktop")):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(f"{live_server.url}{claim}")
        assert page.get_by_role("button", name="Book it").is_visible()
        _shoot(page, f"offer-claim-{tag}")
        sign_in(page, live_server.url, runner)
        page.goto(f"{live_server.url}/me/appointments/")
        _shoot(page, f"my-appointments-{tag}")
        page.goto(f"{live_server.url}/me/appointments/{far.pk}/reschedule/?date={tuesday}")
        assert page.get_by_role("link", name="9:00 AM").is_visible()
        _shoot(page, f"reschedule-picker-{tag}")
        page.get_by_role("link", name="9:00 AM").click()
        assert page.get_by_role("heading", name="Please check your new time").is_visible()
        _shoot(page, f"reschedule-review-{tag}")
        page.goto(f"{live_server.url}/me/appointments/follow-up/")
        _shoot(page, f"follow-up-{tag}")
        context.close()
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        sign_in(page, live_server.url, manager)
        page.goto(f"{live_server.url}/manager/booking/")
        assert page.get_by_role("heading", name="What runners read").is_visible()
        _shoot(page, f"booking-settings-{tag}")
        page.goto(f"{live_server.url}/desk/waitlist/")
        _shoot(page, f"waitlist-offers-{tag}")
        context.close()
