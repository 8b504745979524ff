"""The main flows leave no patient name, email or clinical words in the logs."""

import datetime as dt
import logging
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from dangpt.roles import Role
from dangpt.services import api_token_create
from patients.reminders.models import Reminder
from patients.reminders.services import reminder_send
from tests.patients.conftest import build_clinic
from tests.programs.factories import program_with_items

LA = ZoneInfo("America/Los_Angeles")
NAME, SURNAME, EMAIL = "Quennell", "Oyelaran-Haskins", "quennell.oh@example.test"
SCREENING = {
    "regions": ["anterior_knee"],
    "side": "left",
    "onset": "gradual",
    "pain_now": 3,
    "pain_worst_24h": 5,
    "pain_running": 6,
    "aggravators": ["stairs_down", "squatting"],
}


def api(client: Client, token: str, method: str, path: str, body=None):
    call = getattr(client, method)
    return call(
        f"/api/v1{path}",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_main_flows_log_no_patient_identity(make_user, caplog, mailoutbox):
    """Register, book, remind, screen, prescribe, log a run, fail a login: logs stay clean."""
    clinic = build_clinic(make_user)
    desk = make_user(Role.FRONT_DESK)
    _, desk_token = api_token_create(user=desk, second_factor=True)
    _, therapist_token = api_token_create(user=clinic.therapist, second_factor=True)
    client = Client()
    with caplog.at_level(logging.DEBUG):
        patient = api(
            client,
            desk_token,
            "post",
            "/patients",
            {
                "first_name": NAME,
                "last_name": SURNAME,
                "date_of_birth": "1990-03-04",
                "email": EMAIL,
                "phone": "+1 213 555 0199",
                "preferred_location": clinic.location.pk,
                "consents": ["treatment", "privacy"],
            },
        ).json()
        start = dt.datetime.combine(clinic.monday, dt.time(9), tzinfo=LA)
        booked = api(
            client,
            desk_token,
            "post",
            "/appointments",
            {
                "patient": patient["id"],
                "therapist": clinic.therapist.pk,
                "appointment_type": clinic.evaluation.pk,
                "start": start.isoformat(),
            },
        )
        assert booked.status_code == 201
        for reminder in Reminder.objects.filter(appointment_id=booked.json()["id"]):
            reminder_send(reminder_id=reminder.pk)
        screened = api(
            client,
            therapist_token,
            "post",
            "/screenings",
            {"patient": patient["id"], "answers": SCREENING},
        )
        assert screened.status_code in (200, 201)
        invalid = api(client, desk_token, "post", "/patients", {"first_name": NAME, "email": EMAIL})
        assert invalid.status_code in (400, 422)

        from patients.models import Patient

        record = Patient.objects.get(pk=patient["id"])
        runner = make_user(Role.RUNNER, username=EMAIL, email=EMAIL)
        record.user = runner
        record.save()
        program_with_items(therapist=clinic.therapist, patient=record, count=2)
        _, runner_token = api_token_create(user=runner, second_factor=True)
        today = timezone.localdate()
        for days_ago, km in ((10, 5), (1, 9)):
            api(
                client,
                runner_token,
                "post",
                "/me/runs",
                {
                    "date": str(today - dt.timedelta(days=days_ago)),
                    "distance_km": km,
                    "duration_min": km * 6,
                },
            )
        client.post("/accounts/login/", {"username": EMAIL, "password": "wrong password"})
        client.post("/accounts/password_reset/", {"email": EMAIL})
    assert len(mailoutbox) >= 2, "the reminders and the reset email were sent"
    # factory_boy's own debug lines describe the test set-up, not the application.
    records = [r for r in caplog.records if not r.name.startswith("factory")]
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in records)
    assert records, "the flows logged something"
    for secret in (NAME, SURNAME, EMAIL, "+12135550199", "anterior_knee", "patellofemoral"):
        assert secret not in text, f"{secret!r} leaked into the logs"
