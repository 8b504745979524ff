"""Dates at the ends of Python's calendar (year 1, year 9999), typed into every page and API
that reads a date, get a clear refusal or today's page: never a 500."""

import pytest
from django.urls import reverse

from patients import services
from patients.models import Appointment, BookingHold, VisitKind
from tests.factories import PatientFactory
from tests.patients.conftest import at

pytestmark = pytest.mark.django_db

FAR_DAYS = ["9999-12-31", "0001-01-01"]
FAR_STARTS = ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"]


@pytest.fixture
def visit(clinic):
    """A booked visit on the clinic's Monday at 10 AM."""
    return services.appointment_book(
        patient=PatientFactory(),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10),
        location=clinic.location,
    )


@pytest.mark.parametrize("day", FAR_DAYS)
@pytest.mark.parametrize("page", ["calendar-day", "calendar-week", "schedule", "book", "move"])
def test_desk_pages_answer_a_far_date_with_todays_page_or_a_field_error(
    client_for, front_desk, clinic, visit, page, day
):
    """The calendar and schedule fall back to today and say so; booking and moving name the date."""
    client = client_for(front_desk)
    where = {"location": clinic.location.pk, "date": day}
    if page.startswith("calendar"):
        where["view"] = page.removeprefix("calendar-")
        response = client.get(reverse("patients:calendar"), where)
    elif page == "schedule":
        response = client.get(reverse("patients:schedule"), where)
    elif page == "book":
        where.update(patient=visit.patient.pk, appointment_type=clinic.follow_up.pk)
        response = client.get(reverse("patients:book"), where)
    else:
        response = client.get(reverse("patients:move", args=[visit.pk]), where)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Choose a date between Jan 1, 1900 and" in text
    if page in ("calendar-day", "calendar-week", "schedule"):
        assert "Showing today." in text


@pytest.mark.parametrize("start", FAR_STARTS)
def test_booking_and_move_review_refuse_a_far_start(client_for, front_desk, clinic, visit, start):
    """The review steps (GET and POST) refuse the time; nothing is booked or moved."""
    client = client_for(front_desk)
    review = {
        "patient": visit.patient.pk,
        "appointment_type": clinic.follow_up.pk,
        "therapist": clinic.therapist.pk,
        "location": clinic.location.pk,
        "start": start,
    }
    url = reverse("patients:book_review")
    assert client.get(url, review).status_code == 400
    assert client.post(url, review).status_code == 400
    moving = reverse("patients:move_review", args=[visit.pk])
    refused = client.get(moving, {"start": start}, follow=True)
    assert (
        refused.status_code == 200
        and "Choose a new time from the list." in refused.content.decode()
    )
    moved = client.post(reverse("patients:move", args=[visit.pk]), {"start": start}, follow=True)
    assert moved.status_code == 200 and "Not moved" in moved.content.decode()
    typed = client.post(
        reverse("patients:move", args=[visit.pk]), {"date": "9999-12-31", "time": "10:00"}
    )
    assert typed.status_code == 400 and "Choose a date between" in typed.content.decode()
    assert Appointment.objects.get() == visit
    visit.refresh_from_db()
    assert visit.start == at(clinic.monday, 10)


@pytest.fixture
def online(clinic):
    """The clinic with its evaluation bookable online as a new patient visit."""
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    return clinic


@pytest.mark.parametrize("start", FAR_STARTS)
def test_public_api_answers_422_at_start(online, client, start):
    """The public booking API names `start` for a time at the ends of the calendar; nothing held."""
    payload = {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": "ana@example.com",
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
        "appointment_type": online.evaluation.pk,
        "start": start,
    }
    response = client.post("/api/v1/public/bookings", payload, content_type="application/json")
    assert response.status_code == 422
    assert "Choose a date between" in " ".join(response.json()["errors"]["start"])
    assert not BookingHold.objects.exists()


@pytest.mark.parametrize("epoch", [-62135596800, 253402300799, 10**20])
def test_public_details_page_sends_a_far_time_back_to_the_picker(online, client, epoch):
    """A start (seconds since 1970) at the ends of the calendar goes back to choosing a time."""
    url = reverse("patients:public_book_details") + (
        f"?location={online.location.pk}&type={online.evaluation.pk}"
        f"&therapist={online.therapist.pk}&start={epoch}"
    )
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("patients:public_book"))


@pytest.mark.parametrize("start", FAR_STARTS)
def test_services_refuse_a_far_start_at_the_field(clinic, visit, start):
    """Booking, a series and a move name `start` (the staff API reaches the same services)."""
    import datetime as dt

    from django.core.exceptions import ValidationError

    when = dt.datetime.fromisoformat(start)
    calls = [
        lambda: services.appointment_book(
            patient=visit.patient,
            therapist=clinic.therapist,
            appointment_type=clinic.follow_up,
            start=when,
            location=clinic.location,
        ),
        lambda: services.appointment_book_series(
            patient=visit.patient,
            therapist=clinic.therapist,
            appointment_type=clinic.follow_up,
            start=when,
            count=2,
            location=clinic.location,
        ),
        lambda: services.appointment_reschedule(appointment=visit, start=when),
    ]
    for call in calls:
        with pytest.raises(ValidationError) as refused:
            call()
        assert "Choose a date between" in " ".join(refused.value.message_dict["start"])


def test_public_api_says_it_in_spanish(online, client):
    """A Spanish browser reads the date window in Spanish."""
    payload = {
        "first_name": "Ana",
        "last_name": "Runner",
        "email": "ana@example.com",
        "phone": "(213) 555-0100",
        "date_of_birth": "1990-05-01",
        "appointment_type": online.evaluation.pk,
        "start": FAR_STARTS[1],
    }
    response = client.post(
        "/api/v1/public/bookings",
        payload,
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="es",
    )
    assert response.status_code == 422
    assert response.json()["errors"]["start"][0].startswith("Elija una fecha entre el")
