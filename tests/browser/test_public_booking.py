"""A runner books online on a phone: /book/ to the confirm email to "You're booked"."""

import re
from pathlib import Path

import pytest

from patients.models import Appointment, BookingHold, VisitKind
from tests.patients.conftest import at, build_clinic

SCREENSHOTS = Path(__file__).resolve().parents[2] / ".data" / "screenshots" / "public-booking"


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
@pytest.mark.usefixtures("celery_eager")
def test_a_runner_books_confirms_and_is_booked(
    viewport, request, live_server, smtp, transactional_db, make_user
):
    """Pick a visit, a therapist, a day and a time; confirm from the email; the invitation comes."""
    page = request.getfixturevalue(viewport)
    width = page.viewport_size["width"]
    shots = SCREENSHOTS / str(width)
    shots.mkdir(parents=True, exist_ok=True)
    clinic = build_clinic(make_user)
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    clinic.follow_up.bookable_online = True
    clinic.follow_up.save()

    page.goto(f"{live_server.url}/book/")
    page.get_by_role("heading", name="What kind of visit?").wait_for()
    page.screenshot(path=str(shots / "1-type.png"), full_page=True)
    page.get_by_role("link", name=re.compile("Initial evaluation")).click()
    page.get_by_role("heading", name="Who would you like to see?").wait_for()
    page.screenshot(path=str(shots / "2-therapist.png"), full_page=True)
    page.get_by_role("link", name="First available").click()
    page.get_by_role("heading", name="Choose a day").wait_for()
    page.screenshot(path=str(shots / "3-day.png"), full_page=True)
    page.locator(".day-list a").first.click()
    page.get_by_role("heading", name="Choose a time").wait_for()
    page.screenshot(path=str(shots / "4-time.png"), full_page=True)
    page.locator("a.time-button").nth(4).click()
    page.get_by_role("heading", name="Your details").wait_for()
    page.get_by_label("First name").fill("Ana")
    page.get_by_label("Last name").fill("Runner")
    page.get_by_label("Email").fill("ana@example.com")
    page.get_by_label("Mobile phone").fill("(213) 555-0100")
    page.get_by_label("Date of birth").fill("1990-05-01")
    page.screenshot(path=str(shots / "5-details.png"), full_page=True)
    page.get_by_role("button", name="Hold this time").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.screenshot(path=str(shots / "6-sent.png"), full_page=True)

    message = smtp.wait_for(1)
    link = re.search(r"(https?://\S+/book/confirm/\S+/)", message.get_content()).group(1)
    page.goto(link)
    page.get_by_role("heading", name="Confirm your visit").wait_for()
    page.screenshot(path=str(shots / "7-confirm.png"), full_page=True)
    page.get_by_role("button", name="Confirm my visit").click()
    page.get_by_role("heading", name="You're booked").wait_for()
    page.screenshot(path=str(shots / "8-booked.png"), full_page=True)
    invitation = smtp.wait_for(2)
    assert "runner portal" in str(invitation["subject"])
    assert Appointment.objects.get().patient.email == "ana@example.com"

    page.goto(link)
    page.get_by_role("heading", name=re.compile("This hold expired")).wait_for()
    page.screenshot(path=str(shots / "9-used-link.png"), full_page=True)


@pytest.mark.parametrize("viewport", ["phone_page", "page"])
def test_a_second_hold_for_the_same_email_says_until_when(
    viewport, request, live_server, smtp, transactional_db, make_user
):
    """Holding a second time with the same email shows when the first hold lets go."""
    page = request.getfixturevalue(viewport)
    shots = SCREENSHOTS / str(page.viewport_size["width"])
    shots.mkdir(parents=True, exist_ok=True)
    clinic = build_clinic(make_user)
    clinic.evaluation.bookable_online = True
    clinic.evaluation.save()
    for hour in (10, 12):
        start = at(clinic.monday, hour)
        page.goto(
            f"{live_server.url}/book/details/?location={clinic.location.pk}"
            f"&type={clinic.evaluation.pk}&therapist={clinic.therapist.pk}"
            f"&start={int(start.timestamp())}"
        )
        page.get_by_label("First name").fill("Ana")
        page.get_by_label("Last name").fill("Runner")
        page.get_by_label("Email").fill("ana@example.com")
        page.get_by_label("Mobile phone").fill("(213) 555-0100")
        page.get_by_label("Date of birth").fill("1990-05-01")
        page.get_by_role("button", name="Hold this time").click()
    page.get_by_role("heading", name="You already have a time on hold").wait_for()
    assert "Confirm it from your email, or wait until" in page.content()
    page.screenshot(path=str(shots / "10-already-held.png"), full_page=True)
    assert BookingHold.objects.count() == 1
