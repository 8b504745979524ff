"""The patients, reference-data, availability and appointment endpoints."""

import datetime as dt

import pytest
from django.utils import timezone

from dangpt.services import api_token_create
from patients.models import Appointment, BookingPolicy, Patient
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.factories import AppointmentFactory

API = "/api/v1"


@pytest.fixture
def api(client):
    """Call the API as a user: api(user).get(path) / .post(path, body)."""

    class Caller:
        def __init__(self, user):
            _, raw = api_token_create(user=user, second_factor=True)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get(API + path, params, **self.headers)

        def post(self, path, body=None):
            return client.post(
                API + path, body or {}, content_type="application/json", **self.headers
            )

        def patch(self, path, body):
            return client.patch(API + path, body, content_type="application/json", **self.headers)

    return Caller


def intake(**overrides) -> dict:
    return {
        "first_name": "Riley",
        "last_name": "Santos",
        "date_of_birth": "1991-04-12",
        "email": "riley@example.test",
        "phone": "(213) 555-0142",
        "running_profile": {"weekly_km": 40, "surfaces": ["road", "trail"]},
        "consents": ["treatment", "privacy"],
        **overrides,
    }


def test_register_normalises_phone_and_stores_profile_and_consents(api, front_desk):
    """POST /patients answers 201; phone is E.164, consents carry their version."""
    response = api(front_desk).post("/patients", intake())
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phone"] == "+12135550142"
    assert body["running_profile"]["surfaces"] == ["road", "trail"]
    assert {c["kind"] for c in body["consents"]} == {"treatment", "privacy"}
    assert all(c["text_version"] for c in body["consents"])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"phone": "12"}, "phone"),
        (
            {"date_of_birth": (timezone.localdate() + dt.timedelta(days=3)).isoformat()},
            "date_of_birth",
        ),
        ({"preferred_location": 999999}, "preferred_location"),
        ({"email": "not-an-email"}, "email"),
        ({"sex": "robot"}, "sex"),
        ({"consents": ["marketing"]}, "consents"),
        ({"running_profile": {"surfaces": ["lava"]}}, "surfaces"),
    ],
)
def test_invalid_intake_is_a_field_error_and_saves_nothing(api, front_desk, overrides, field):
    """Each bad field answers 400 naming the field; no patient row is written."""
    response = api(front_desk).post("/patients", intake(**overrides))
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert not Patient.objects.exists()


def test_duplicate_is_refused_unless_confirmed(api, front_desk):
    """Same name and date of birth: 400 naming the existing id; allow_duplicate saves it."""
    first = api(front_desk).post("/patients", intake()).json()
    again = api(front_desk).post("/patients", intake(email="other@example.test"))
    assert again.status_code == 400
    assert f"#{first['id']}" in again.json()["errors"]["__all__"][0]
    forced = api(front_desk).post("/patients", intake(email="x@example.test", allow_duplicate=True))
    assert forced.status_code == 201


def test_patch_changes_only_given_fields(api, front_desk):
    """PATCH keeps what is not sent and validates what is."""
    patient = PatientFactory(phone="+12135550100")
    response = api(front_desk).patch(f"/patients/{patient.pk}", {"last_name": "Blake"})
    assert response.status_code == 200
    assert response.json()["phone"] == "+12135550100"
    bad = api(front_desk).patch(f"/patients/{patient.pk}", {"phone": "abc"})
    assert bad.status_code == 400
    patient.refresh_from_db()
    assert (patient.last_name, patient.phone) == ("Blake", "+12135550100")


def test_patient_search_and_runner_gets_404(api, front_desk, runner):
    """Staff search by name; a runner cannot use the staff endpoints at all."""
    PatientFactory(first_name="Zed", last_name="Quill")
    found = api(front_desk).get("/patients", q="quill").json()
    assert [p["last_name"] for p in found] == ["Quill"]
    assert api(runner).get("/patients").status_code == 404
    assert api(runner).get(f"/patients/{runner.patient.pk}").status_code == 404
    assert api(runner).get("/therapists").status_code == 404


def test_reference_data(api, front_desk, clinic):
    """Therapists, locations and appointment types are listed for staff."""
    caller = api(front_desk)
    assert [t["id"] for t in caller.get("/therapists").json()] == [clinic.therapist.pk]
    assert clinic.location.pk in [loc["id"] for loc in caller.get("/locations").json()]
    types = {t["name"]: t["duration_minutes"] for t in caller.get("/appointment-types").json()}
    assert types["Initial evaluation"] == 60


def test_availability_lists_free_local_starts(api, front_desk, clinic):
    """A booked 09:00 disappears from the free starts; times carry the LA offset."""
    caller = api(front_desk)
    params = {"appointment_type": clinic.evaluation.pk, "date": clinic.monday.isoformat()}
    before = caller.get("/availability", therapist=clinic.therapist.pk, **params).json()["slots"]
    assert before[0]["start"] == at(clinic.monday, 8).isoformat()
    AppointmentFactory(
        therapist=clinic.therapist,
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=at(clinic.monday, 9),
    )
    after = caller.get("/availability", **params).json()["slots"]
    starts = {s["start"] for s in after}
    assert at(clinic.monday, 9).isoformat() not in starts
    assert at(clinic.monday, 10).isoformat() in starts
    assert len(after) == len(before) - 7
    missing = caller.get("/availability", appointment_type=999999, date="2030-01-01")
    assert missing.status_code == 400


def test_book_then_conflict_then_cancel_then_rebook(api, front_desk, clinic):
    """201 with id/start/end/status; the same slot is 409; after cancel it books again."""
    caller = api(front_desk)
    body = {
        "patient": PatientFactory().pk,
        "therapist": clinic.therapist.pk,
        "appointment_type": clinic.evaluation.pk,
        "start": at(clinic.monday, 9).isoformat(),
    }
    created = caller.post("/appointments", body)
    assert created.status_code == 201
    data = created.json()
    assert (data["status"], data["start"]) == ("booked", at(clinic.monday, 9).isoformat())
    assert data["end"] == at(clinic.monday, 10).isoformat()
    clash = caller.post("/appointments", {**body, "patient": PatientFactory().pk})
    assert clash.status_code == 409
    assert "already has a visit at 9:00 AM" in clash.json()["detail"]
    cancelled = caller.post(f"/appointments/{data['id']}/cancel", {"reason": "Moved away"})
    assert cancelled.json()["status"] == "cancelled"
    assert caller.post("/appointments", {**body, "patient": PatientFactory().pk}).status_code == 201


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("patient", 999999),
        ("therapist", 999999),
        ("appointment_type", 999999),
        ("location", 999999),
    ],
)
def test_unknown_ids_are_field_errors(api, front_desk, clinic, field, value):
    """An unknown id answers 400 naming the field; nothing is booked."""
    body = {
        "patient": PatientFactory().pk,
        "therapist": clinic.therapist.pk,
        "appointment_type": clinic.evaluation.pk,
        "start": at(clinic.monday, 9).isoformat(),
        field: value,
    }
    response = api(front_desk).post("/appointments", body)
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Appointment.objects.exists()


def test_past_and_malformed_starts_are_rejected(api, front_desk, clinic):
    """A past time is 400; a non-date is 422; never 500."""
    base = {
        "patient": PatientFactory().pk,
        "therapist": clinic.therapist.pk,
        "appointment_type": clinic.evaluation.pk,
    }
    past = at(clinic.monday - dt.timedelta(weeks=12), 9).isoformat()
    assert api(front_desk).post("/appointments", {**base, "start": past}).status_code == 400
    assert api(front_desk).post("/appointments", {**base, "start": "soon"}).status_code == 422


def test_runner_sees_and_cancels_only_their_own(api, runner, clinic):
    """/me/appointments lists the runner's; another runner's appointment answers 404."""
    mine = AppointmentFactory(patient=runner.patient, therapist=clinic.therapist)
    theirs = AppointmentFactory(
        therapist=clinic.therapist, start=mine.start + dt.timedelta(hours=2)
    )
    caller = api(runner)
    assert [a["id"] for a in caller.get("/me/appointments").json()] == [mine.pk]
    assert caller.get(f"/appointments/{mine.pk}").status_code == 404  # staff endpoint
    assert caller.post(f"/appointments/{theirs.pk}/cancel").status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == "booked"
    assert caller.post(f"/appointments/{mine.pk}/cancel").json()["status"] == "cancelled"
    assert caller.post("/appointments", {}).status_code in (404, 422)


@pytest.mark.parametrize(
    ("status", "hours_from_now"),
    [("booked", -2), ("confirmed", -30), ("booked", -0.1), ("no_show", -3), ("completed", -3)],
)
def test_runner_cannot_cancel_a_past_or_closed_appointment(
    api, runner, clinic, status, hours_from_now
):
    """A past appointment stays as it is: 400 with a clear message, never a late cancel."""
    start = timezone.now() + dt.timedelta(hours=hours_from_now)
    appointment = AppointmentFactory(
        patient=runner.patient, therapist=clinic.therapist, start=start, status=status
    )
    response = api(runner).post(f"/appointments/{appointment.pk}/cancel", {"reason": "Oops"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert any("clinic" in m or "cancelled" in m for m in body["errors"]["__all__"])
    appointment.refresh_from_db()
    assert (appointment.status, appointment.late_cancel, appointment.cancelled_at) == (
        status,
        False,
        None,
    )


def test_runner_cancel_before_the_cut_off_is_never_late(api, runner, clinic):
    """Three hours ahead where the location's cut-off is 2 hours: the runner was told they can
    cancel online until then, so the cancel is on time (the late window is that cut-off)."""
    appointment = AppointmentFactory(
        patient=runner.patient,
        therapist=clinic.therapist,
        start=timezone.now() + dt.timedelta(hours=3),
    )
    BookingPolicy.objects.create(location=appointment.location, cancel_cutoff_hours=2)
    body = api(runner).post(f"/appointments/{appointment.pk}/cancel").json()
    assert (body["status"], body["late_cancel"]) == ("cancelled", False)


def test_staff_cannot_use_the_runner_endpoint(api, front_desk):
    """/me/appointments is the runner's own list only."""
    assert api(front_desk).get("/me/appointments").status_code == 404


def test_api_needs_a_token(client, db):
    """Without a token the API answers 401."""
    assert client.get(f"{API}/appointments").status_code == 401
