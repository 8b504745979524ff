"""The API's date parameters at the ends of Python's calendar: a 422 naming the field, not a 500."""

import pytest

from tests.factories import PatientFactory
from tests.patients.test_api import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

FAR_DAYS = ["9999-12-31", "0001-01-01"]


@pytest.mark.parametrize("day", FAR_DAYS)
@pytest.mark.parametrize("param", ["date", "date_from", "date_to"])
def test_appointment_list_refuses_a_far_day(api, front_desk, param, day):  # noqa: F811
    """GET /appointments?date=9999-12-31 names the parameter."""
    response = api(front_desk).get("/appointments", **{param: day})
    assert response.status_code == 422
    assert "Choose a date between" in str(response.json())


@pytest.mark.parametrize("day", FAR_DAYS)
def test_staff_availability_refuses_a_far_day(api, front_desk, clinic, day):  # noqa: F811
    """GET /availability?date=9999-12-31 names `date`."""
    response = api(front_desk).get("/availability", appointment_type=clinic.follow_up.pk, date=day)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("day", FAR_DAYS)
def test_public_availability_refuses_a_far_day(client, clinic, day):
    """GET /public/availability?date=9999-12-31 answers 4xx."""
    response = client.get(
        "/api/v1/public/availability",
        {"location": clinic.location.pk, "appointment_type": clinic.follow_up.pk, "date": day},
    )
    assert response.status_code < 500, response.content


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00"])
def test_staff_booking_refuses_a_far_start(api, front_desk, clinic, start):  # noqa: F811
    """POST /appointments with a far start names `start`."""
    body = {
        "patient": PatientFactory().pk,
        "therapist": clinic.therapist.pk,
        "appointment_type": clinic.follow_up.pk,
        "start": start,
    }
    response = api(front_desk).post("/appointments", body)
    assert response.status_code == 400  # the booking endpoint's answer for a refused value
    assert "Choose a date between" in response.json()["errors"]["start"][0]
