"""The calendar grid, next available, the review step, moving, check-in/no-show windows, undo."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dangpt.roles import Role
from patients import calendar_grid, services, slots
from patients.models import Appointment
from patients.reminders.models import ReminderKind, ReminderStatus
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import AppointmentFactory, TimeOffFactory, WorkingHoursFactory

pytestmark = pytest.mark.django_db


def second_therapist(make_user, clinic, **names):
    """Another therapist working weekdays 8-17 at the clinic's location."""
    other = make_user(Role.THERAPIST, **(names or {"first_name": "Ravi", "last_name": "Shah"}))
    for weekday in range(5):
        WorkingHoursFactory(therapist=other, location=clinic.location, weekday=weekday)
    return other


def book(clinic, hour, minute=0, *, therapist=None, patient=None, kind=None, day=None):
    """Book through the service at an LA wall time on the clinic's Monday."""
    return services.appointment_book(
        patient=patient or PatientFactory(),
        therapist=therapist or clinic.therapist,
        appointment_type=kind or clinic.follow_up,
        start=at(day or clinic.monday, hour, minute),
        location=clinic.location,
    )


# --- The grid -----------------------------------------------------------------------------------
def test_day_view_shows_a_column_per_therapist_and_visits_by_time(
    client_for, front_desk, clinic, make_user
):
    """Two therapist columns; a 45-minute visit spans three 15-minute rows with its words."""
    second_therapist(make_user, clinic)
    visit = book(clinic, 15, 30)
    page = client_for(front_desk).get(
        reverse("patients:calendar"),
        {"location": clinic.location.pk, "date": clinic.monday.isoformat()},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert "Dana Nguyen" in body and "Ravi Shah" in body
    assert 'rowspan="3"' in body
    assert "3:30–4:15 PM" in body
    assert visit.patient.last_name in body and "Follow-up" in body and "Booked" in body
    assert clinic.monday.strftime("%a, %b %-d") in body


def test_empty_time_links_to_booking_with_therapist_time_and_place(client_for, front_desk, clinic):
    """A free 9:00 AM cell links to the booking page carrying therapist, location and start."""
    page = client_for(front_desk).get(
        reverse("patients:calendar"),
        {"location": clinic.location.pk, "date": clinic.monday.isoformat()},
    )
    body = page.content.decode()
    start = at(clinic.monday, 9).isoformat().replace(":", "%3A").replace("+", "%2B")
    query = f"therapist={clinic.therapist.pk}&amp;location={clinic.location.pk}&amp;start={start}"
    assert query in body
    assert "Book " + clinic.monday.strftime("%a, %b %-d") + ", 9:00 AM with Dana Nguyen" in body


def test_hours_and_time_off_show_as_unavailable(clinic):
    """Before 8 AM is unavailable; a time-off stretch is marked as such, both in words."""
    TimeOffFactory(
        therapist=clinic.therapist, start=at(clinic.monday, 12), end=at(clinic.monday, 13)
    )
    grid = calendar_grid.build(
        location=clinic.location, days=[clinic.monday], people=[clinic.therapist]
    )
    kinds = {t: cell.kind for t, cell in zip(grid.times, grid.columns[0].cells, strict=True)}
    assert kinds[dt.time(8)] == "free"
    assert kinds[dt.time(12)] == kinds[dt.time(12, 45)] == "away"
    assert kinds[dt.time(17)] == "off"


def test_dst_day_keeps_wall_times_and_instants(make_user):
    """On the November DST Sunday 9:00 AM is 17:00 UTC (PST); the Saturday before it is 16:00."""
    from tests.factories import LocationFactory

    location = LocationFactory(time_zone="America/Los_Angeles")
    therapist = make_user(Role.THERAPIST)
    for weekday in (5, 6):
        WorkingHoursFactory(therapist=therapist, location=location, weekday=weekday)
    saturday, sunday = dt.date(2030, 11, 2), dt.date(2030, 11, 3)
    grid = calendar_grid.build(location=location, days=[saturday, sunday], people=[therapist])
    nine = grid.times.index(dt.time(9))
    assert grid.columns[0].cells[nine].start.hour == 16
    assert grid.columns[1].cells[nine].start.hour == 17
    assert grid.columns[1].cells[nine].kind == "free"


def test_week_view_is_one_therapists_week_and_highlights_a_therapist_own(
    client_for, clinic, make_user
):
    """A therapist sees the calendar, their own column marked, and no booking links."""
    page = client_for(clinic.therapist).get(
        reverse("patients:calendar"),
        {"location": clinic.location.pk, "date": clinic.monday.isoformat(), "view": "week"},
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count("cal-head cal-own") == 7
    assert "cal-slot" not in body
    assert (clinic.monday - dt.timedelta(days=1)).strftime("%a, %b %-d") in body  # Sunday first


def test_runner_cannot_open_the_calendar(client_for, make_user):
    """A runner gets 404 from the calendar."""
    runner = make_user(Role.RUNNER)
    assert client_for(runner).get(reverse("patients:calendar")).status_code == 404


# --- Next available and the review step ----------------------------------------------------------
def test_next_available_skips_full_and_closed_days(clinic):
    """From a Saturday the first day with openings is Monday; a full Monday morning is skipped."""
    saturday = clinic.monday - dt.timedelta(days=2)
    for hour in range(8, 17):
        book(clinic, hour, kind=clinic.evaluation)
    found = slots.next_available(
        appointment_type=clinic.evaluation, from_day=saturday, location=clinic.location
    )
    assert [d["day"] for d in found] == [clinic.monday + dt.timedelta(days=n) for n in (1, 2, 3)]
    group = found[0]["groups"][0]
    assert group["therapist"] == clinic.therapist
    assert group["slots"][0]["start"] == at(clinic.monday + dt.timedelta(days=1), 8)


def test_booking_page_finds_next_available_grouped_by_therapist_in_12_hour_time(
    client_for, front_desk, clinic, make_user
):
    """One search shows days with openings, a group per therapist, times like 8:00 AM."""
    second_therapist(make_user, clinic)
    patient = PatientFactory()
    page = client_for(front_desk).get(
        reverse("patients:book"),
        {
            "patient": patient.pk,
            "appointment_type": clinic.evaluation.pk,
            "date": clinic.monday.isoformat(),
        },
    )
    body = page.content.decode()
    assert page.status_code == 200
    assert body.count('class="mb-2 slot-group"') == 6  # 3 days × 2 therapists
    assert ">8:00 AM<" in body and ">4:00 PM<" in body
    assert "16:00" not in body


def review_params(clinic, patient, hour=10, therapist=None):
    """The query string of the review step for an LA wall time on the clinic's Monday."""
    return {
        "patient": patient.pk,
        "appointment_type": clinic.evaluation.pk,
        "therapist": (therapist or clinic.therapist).pk,
        "location": clinic.location.pk,
        "start": at(clinic.monday, hour).isoformat(),
    }


def test_review_step_saves_nothing_until_book(client_for, front_desk, clinic):
    """The review page shows patient, type, therapist, place and time; only POST books."""
    patient = PatientFactory()
    client = client_for(front_desk)
    page = client.get(reverse("patients:book_review"), review_params(clinic, patient))
    body = page.content.decode()
    assert page.status_code == 200
    assert not Appointment.objects.exists()
    assert str(patient) in body and "Initial evaluation" in body and "Dana Nguyen" in body
    assert clinic.monday.strftime("%a, %b %-d") + ", 10:00 AM" in body
    done = client.post(
        reverse("patients:book_review"),
        {**review_params(clinic, patient), "note": "Parks in the back lot", "repeat_weeks": 1},
    )
    booked = Appointment.objects.get()
    assert done.status_code == 302 and done.url == reverse("patients:appointment", args=[booked.pk])
    assert booked.scheduling_note == "Parks in the back lot"
    assert booked.start == at(clinic.monday, 10)


def test_review_of_another_locations_patient_books_nothing(client_for, front_desk, clinic):
    """A patient the desk may not see cannot be booked through the review step."""
    from tests.factories import LocationFactory

    stranger = PatientFactory(preferred_location=LocationFactory())
    response = client_for(front_desk).post(
        reverse("patients:book_review"), review_params(clinic, stranger)
    )
    assert response.status_code == 400
    assert not Appointment.objects.exists()


def test_review_conflict_names_who_holds_the_time(client_for, front_desk, clinic):
    """Booking over a visit says whose visit and when, not "just taken"; nothing is saved."""
    book(clinic, 10)
    response = client_for(front_desk).post(
        reverse("patients:book_review"), review_params(clinic, PatientFactory())
    )
    body = response.content.decode()
    assert response.status_code == 409
    assert "Dana Nguyen already has a visit at 10:00 AM on " in body
    assert "just taken" not in body
    assert Appointment.objects.count() == 1


# --- Conflict wording (the service) -------------------------------------------------------------
def test_move_onto_a_booked_time_is_not_called_just_taken(clinic):
    """A slot that was never free: the message names the therapist and the visit's time."""
    book(clinic, 15, 30)
    mine = book(clinic, 9)
    with pytest.raises(services.SlotTaken) as caught:
        services.appointment_reschedule(appointment=mine, start=at(clinic.monday, 15, 30))
    assert caught.value.messages == [
        f"Dana Nguyen already has a visit at 3:30 PM on {clinic.monday:%a, %b %-d}."
    ]


def test_patient_busy_message_says_the_patient_has_a_visit_then(clinic, make_user):
    """The patient's own overlap is named as such, with the other visit's time and therapist."""
    other = second_therapist(make_user, clinic)
    patient = PatientFactory()
    book(clinic, 11, patient=patient)
    with pytest.raises(services.SlotTaken, match="The patient already has a visit then"):
        book(clinic, 11, 15, therapist=other, patient=patient)


# --- Moving ------------------------------------------------------------------------------------
def test_move_picker_review_and_move_to_another_therapist(
    client_for, front_desk, clinic, make_user
):
    """The picker offers both therapists; the review shows from → to; POST moves and emails."""
    other = second_therapist(make_user, clinic)
    visit = book(clinic, 9)
    client = client_for(front_desk)
    picker = client.get(
        reverse("patients:move", args=[visit.pk]), {"date": clinic.monday.isoformat()}
    )
    assert "Ravi Shah" in picker.content.decode()
    new = at(clinic.monday, 14)
    review = client.get(
        reverse("patients:move_review", args=[visit.pk]),
        {"start": new.isoformat(), "therapist": other.pk},
    )
    assert "2:00 PM" in review.content.decode() and "Ravi Shah" in review.content.decode()
    visit.refresh_from_db()
    assert visit.start == at(clinic.monday, 9)
    done = client.post(
        reverse("patients:move", args=[visit.pk]),
        {"start": new.isoformat(), "therapist": other.pk},
    )
    visit.refresh_from_db()
    assert done.status_code == 302
    assert (visit.start, visit.therapist) == (new, other)
    moved = visit.reminders.get(kind=ReminderKind.MOVED, channel="email")
    assert moved.status == ReminderStatus.PENDING


def test_drag_onto_a_taken_time_comes_back_with_the_conflict_in_words(
    client_for, front_desk, clinic
):
    """A drop (start + therapist + next) that overlaps another visit redirects with the reason."""
    book(clinic, 15, 30)
    visit = book(clinic, 9)
    calendar = reverse("patients:calendar") + f"?location={clinic.location.pk}"
    client = client_for(front_desk)
    response = client.post(
        reverse("patients:move", args=[visit.pk]),
        {
            "start": at(clinic.monday, 15).isoformat(),
            "therapist": clinic.therapist.pk,
            "next": calendar,
        },
        follow=True,
    )
    body = response.content.decode()
    assert "Not moved: Dana Nguyen already has a visit at 3:30 PM" in body
    visit.refresh_from_db()
    assert visit.start == at(clinic.monday, 9)


def test_drag_ignores_an_offsite_next(client_for, front_desk, clinic):
    """An outside `next` is not followed after a move."""
    visit = book(clinic, 9)
    response = client_for(front_desk).post(
        reverse("patients:move", args=[visit.pk]),
        {"start": at(clinic.monday, 10).isoformat(), "next": "https://example.com/"},
    )
    assert response.url == reverse("patients:appointment", args=[visit.pk])


def test_moved_email_replaces_a_pending_confirmation(clinic):
    """A move skips the unsent "booked" message and writes one "moved" message per channel."""
    visit = book(clinic, 9)
    services.appointment_reschedule(appointment=visit, start=at(clinic.monday, 11))
    kinds = dict(visit.reminders.filter(channel="email").values_list("kind", "status"))
    assert kinds[ReminderKind.CONFIRMATION] == ReminderStatus.SKIPPED
    assert kinds[ReminderKind.MOVED] == ReminderStatus.PENDING


# --- Check-in and no-show windows, confirmation, undo -------------------------------------------
def test_action_windows(clinic):
    """Check-in from 60 minutes before to the end; no-show only after the start; undo after."""
    visit = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=at(clinic.monday, 10),
        end=at(clinic.monday, 10, 45),
    )
    actions = services.appointment_actions
    assert actions(appointment=visit, now=at(clinic.monday, 8, 59)) == set()
    assert actions(appointment=visit, now=at(clinic.monday, 9)) == {"check_in"}
    assert actions(appointment=visit, now=at(clinic.monday, 10)) == {"check_in", "no_show"}
    assert actions(appointment=visit, now=at(clinic.monday, 10, 45)) == {"no_show"}
    visit.status = "checked_in"
    assert actions(appointment=visit, now=at(clinic.monday, 10)) == {"undo"}


def test_check_in_is_refused_outside_its_window_with_the_reason(client_for, front_desk, clinic):
    """Two weeks ahead: the confirmation page explains when check-in opens; POST changes nothing."""
    visit = book(clinic, 9)
    client = client_for(front_desk)
    url = reverse("patients:status", args=[visit.pk])
    page = client.get(url, {"action": "check_in"})
    assert "Check-in opens an hour before the visit, at 8:00 AM" in page.content.decode()
    detail = client.get(reverse("patients:appointment", args=[visit.pk])).content.decode()
    assert "?action=check_in" not in detail and "?action=no_show" not in detail
    client.post(url, {"action": "check_in"})
    visit.refresh_from_db()
    assert visit.status == "booked"


def test_check_in_with_confirmation_then_undo(client_for, front_desk, clinic):
    """Confirm page → check in → undo returns to confirmed, and each step is in the history."""
    from django.apps import apps
    from django.utils import timezone

    start = timezone.now() + dt.timedelta(minutes=30)
    start = start.replace(second=0, microsecond=0)
    visit = AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        start=start,
        end=start + dt.timedelta(minutes=45),
        status="confirmed",
    )
    client = client_for(front_desk)
    url = reverse("patients:status", args=[visit.pk])
    confirm = client.get(url, {"action": "check_in"}).content.decode()
    assert 'name="action" value="check_in"' in confirm
    client.post(url, {"action": "check_in"})
    visit.refresh_from_db()
    assert visit.status == "checked_in" and visit.checked_in_at is not None
    detail = client.get(reverse("patients:appointment", args=[visit.pk])).content.decode()
    assert "Undo check-in" in detail
    client.post(reverse("patients:status_undo", args=[visit.pk]))
    visit.refresh_from_db()
    assert (visit.status, visit.checked_in_at) == ("confirmed", None)
    events = apps.get_model("patients", "AppointmentEvent").objects.filter(pgh_obj=visit.pk)
    assert list(events.order_by("pgh_id").values_list("status", flat=True)) == [
        "confirmed",
        "checked_in",
        "confirmed",
    ]


def test_no_show_after_start_and_undo_back_to_booked(clinic):
    """A no-show after the start undoes to booked; undoing a booked visit is refused."""
    visit = book(clinic, 9)
    services.appointment_mark_no_show(appointment=visit, now=at(clinic.monday, 9, 5))
    undone = services.appointment_status_undo(appointment=visit)
    assert undone.status == "booked"
    with pytest.raises(ValidationError, match="Only a check-in or a no-show"):
        services.appointment_status_undo(appointment=visit)


def test_undo_and_status_refuse_get_and_other_roles(client_for, clinic, make_user):
    """Undo is POST only; a therapist gets 404 from the status confirmation page."""
    visit = book(clinic, 9)
    desk = make_user(Role.FRONT_DESK)
    assert client_for(desk).get(reverse("patients:status_undo", args=[visit.pk])).status_code == 405
    assert (
        client_for(clinic.therapist).get(reverse("patients:status", args=[visit.pk])).status_code
        == 404
    )


def test_no_booking_form_markup_leaks_24_hour_times(client_for, front_desk, clinic):
    """The calendar and the move picker speak 12-hour time."""
    visit = book(clinic, 15)
    client = client_for(front_desk)
    for url in (
        reverse("patients:calendar") + f"?date={clinic.monday.isoformat()}",
        reverse("patients:move", args=[visit.pk]) + f"?date={clinic.monday.isoformat()}",
    ):
        text = re.sub(r"<[^>]+>", " ", client.get(url).content.decode())
        assert not re.search(r"\b(1[3-9]|2[0-3]):[0-5]\d\b", text), url
