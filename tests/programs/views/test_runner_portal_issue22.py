"""The runner's side in miles or km, in Spanish, and honest about pain (issue 22)."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.models import PromSchedule
from dangpt.services import api_token_create
from patients.models import Appointment, AppointmentType, Location
from programs import services
from programs.models import RunLog, SessionLog
from tests.programs.factories import today_entries

PHONE = "+12135550100"


@pytest.fixture
def clinic_phone(runner):
    """The runner's location has a phone number."""
    Location.objects.filter(pk=runner.patient.preferred_location_id).update(phone=PHONE)


@pytest.fixture
def api(client):
    """Call the API as a user with a fresh token."""

    def call(user, method, path, body=None):
        _, raw = api_token_create(user=user, name="test", second_factor=True)
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
        if body is not None:
            kwargs |= {"data": body, "content_type": "application/json"}
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def _checkoff(program, **scores) -> dict:
    data = {}
    for item in program.current_version.items:
        data[f"done_{item['item_id']}"] = "on"
        for name, value in scores.items():
            data[f"{name}_{item['item_id']}"] = str(value)
    return data


def _spanish(runner):
    runner.patient.preferred_language = "es"
    runner.patient.save(update_fields=["preferred_language"])


# --- Runs in miles or kilometres --------------------------------------------------------------


def test_run_form_in_miles_stores_kilometres(client_for, runner):
    """A runner in miles types 4 miles; the run is stored as 6.44 km and listed as 4.0 mi."""
    data = {"date": timezone.localdate().isoformat(), "distance": "4", "duration_min": "36"}
    response = client_for(runner).post(reverse("programs:runs"), data, follow=True)
    assert response.status_code == 200
    assert RunLog.objects.get().distance_km == Decimal("6.44")
    body = response.content.decode()
    assert "Distance (miles)" in body
    assert "4.0 mi" in body and "9:00 /mi" in body


def test_run_form_in_kilometres(client_for, runner):
    """A runner in km types 6.5 km; the list says 6.5 km and the pace per km."""
    runner.patient.distance_unit = "km"
    runner.patient.save(update_fields=["distance_unit"])
    data = {"date": timezone.localdate().isoformat(), "distance": "6.5", "duration_min": "39"}
    body = client_for(runner).post(reverse("programs:runs"), data, follow=True).content.decode()
    assert RunLog.objects.get().distance_km == Decimal("6.50")
    assert "Distance (km)" in body and "6.5 km" in body and "6:00 /km" in body


def test_run_page_refuses_a_future_date(client_for, runner):
    """A run dated next week: 400 with the error at the date, nothing stored."""
    next_week = timezone.localdate() + dt.timedelta(days=7)
    data = {"date": next_week.isoformat(), "distance": "3", "duration_min": "30"}
    response = client_for(runner).post(reverse("programs:runs"), data)
    assert response.status_code == 400
    assert "The date cannot be in the future." in response.content.decode()
    assert not RunLog.objects.exists()


def test_run_date_picker_stops_at_today(client_for, runner):
    """The date input offers no day after today."""
    body = client_for(runner).get(reverse("programs:runs")).content.decode()
    assert f'max="{timezone.localdate().isoformat()}"' in body


def test_run_api_refuses_a_future_date_with_422(api, runner):
    """POST /me/runs with tomorrow's date: 422 naming `date`, nothing stored."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    body = {"date": tomorrow.isoformat(), "distance_km": 5, "duration_min": 30}
    response = api(runner, "post", "/me/runs", body)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["date"]
    assert not RunLog.objects.exists()


def test_run_api_keeps_kilometres_for_a_runner_in_miles(api, runner):
    """The API stores and answers kilometres whatever the runner reads."""
    body = {"date": timezone.localdate().isoformat(), "distance_km": 10, "duration_min": 50}
    response = api(runner, "post", "/me/runs", body)
    assert response.status_code == 201 and response.json()["distance_km"] == 10.0


def test_openapi_says_the_run_distance_is_in_kilometres(api, runner):
    """The OpenAPI document describes distance_km as kilometres."""
    schema = api(runner, "get", "/openapi.json").json()
    run_in = schema["components"]["schemas"]["RunIn"]["properties"]["distance_km"]
    assert "kilometres" in run_in["description"]


def test_spike_warning_in_plain_words_in_miles(client_for, runner):
    """A run 2.6 times the longest: 'about 2.6 times as long', the next step, a mile target."""
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=3), distance_km=5, duration_min=30
    )
    data = {"date": today.isoformat(), "distance": "8.1", "duration_min": "80"}
    body = client_for(runner).post(reverse("programs:runs"), data, follow=True).content.decode()
    assert "about 2.6 times as long as your longest run" in body
    assert "Runs up to about 3.4 mi stay within that 10%." in body
    assert "Spike" not in body and "2.62" not in body
    assert "bjsports-2024-109380" in body  # the study's link beside the run


def test_spike_warning_in_spanish(client_for, runner):
    """A Spanish runner reads the warning in Spanish, distances in miles with a decimal point."""
    _spanish(runner)
    today = timezone.localdate()
    services.run_log(
        patient=runner.patient, date=today - dt.timedelta(days=3), distance_km=5, duration_min=30
    )
    data = {"date": today.isoformat(), "distance": "8.1", "duration_min": "80"}
    body = client_for(runner).post(reverse("programs:runs"), data, follow=True).content.decode()
    assert "de unas 2.6 veces la distancia de su carrera más larga" in body
    assert "Distancia (millas)" in body


# --- Pain-aware feedback --------------------------------------------------------------------


def test_pain_over_the_limit_gives_the_plans_advice_not_praise(
    client_for, runner, program, clinic_phone
):
    """Pain 5/10 on a 3/10 rule: what to do next and the clinic's number, never 'Well done!'."""
    response = client_for(runner).post(
        reverse("programs:log_session"), _checkoff(program, pain_during=5), follow=True
    )
    body = response.content.decode()
    assert "Well done" not in body
    assert "Your pain went over your plan&#x27;s limit on:" in body
    assert "do a little less: about a quarter fewer reps" in body
    assert "(213) 555-0100" in body
    # The therapist's side keeps what it has: a suggestion to cut the dose.
    assert program.suggestions.filter(code="single_breach").count() == 3


def test_pain_well_over_the_limit_says_about_half(client_for, runner, program):
    """Pain 7/10 on a 3/10 rule (more than 2 over): about half as much, as the rules say."""
    body = (
        client_for(runner)
        .post(reverse("programs:log_session"), _checkoff(program, pain_during=7), follow=True)
        .content.decode()
    )
    assert "do about half as much" in body
    assert program.suggestions.filter(code="major_breach").exists()


def test_pain_within_the_limit_is_praised(client_for, runner, program):
    """Pain 2/10 on a 3/10 rule: 'Session saved. Well done!'."""
    body = (
        client_for(runner)
        .post(reverse("programs:log_session"), _checkoff(program, pain_during=2), follow=True)
        .content.decode()
    )
    assert "Session saved. Well done!" in body
    assert "over your plan" not in body


def test_pain_over_the_limit_in_spanish(client_for, runner, program):
    """The advice reads in Spanish for a Spanish runner."""
    _spanish(runner)
    body = (
        client_for(runner)
        .post(reverse("programs:log_session"), _checkoff(program, pain_during=5), follow=True)
        .content.decode()
    )
    assert "Su dolor pasó del límite de su plan en:" in body
    assert "¡Muy bien!" not in body


def test_morning_pain_over_the_usual_level_gives_advice(client_for, runner, program):
    """Next-morning pain above the usual level: the plan's advice, not just thanks."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.session_log(program=program, date=yesterday, entries=today_entries(program))
    session = SessionLog.objects.get()
    url = reverse("programs:session_morning", args=[session.pk])
    body = client_for(runner).post(url, {"next_morning_pain": "4"}, follow=True).content.decode()
    assert "Your pain this morning is above your usual level (0/10)" in body
    assert "Thanks, next-morning pain saved." not in body


def test_morning_pain_at_the_usual_level_is_thanked(client_for, runner, program):
    """Next-morning pain back to the usual level: thanks."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    services.session_log(program=program, date=yesterday, entries=today_entries(program))
    url = reverse("programs:session_morning", args=[SessionLog.objects.get().pk])
    body = client_for(runner).post(url, {"next_morning_pain": "0"}, follow=True).content.decode()
    assert "Thanks, next-morning pain saved." in body


def test_safety_hold_wins_over_the_dose_advice(client_for, runner, program, monkeypatch):
    """With running on hold (a red flag not yet reviewed), the runner is told to stop and call."""
    from assessments import safety

    monkeypatch.setattr(safety, "running_hold", lambda *, patient_id: safety.RunningHold.ROUTINE)
    body = (
        client_for(runner)
        .post(reverse("programs:log_session"), _checkoff(program, pain_during=5), follow=True)
        .content.decode()
    )
    assert "stop the exercises that hurt until you have spoken with the clinic" in body
    assert "a quarter fewer" not in body


# --- Home ---------------------------------------------------------------------------------------


def _appointment(runner, therapist, start):
    kind, _ = AppointmentType.objects.get_or_create(
        name="Follow-up", defaults={"duration_minutes": 45}
    )
    return Appointment.objects.create(
        patient=runner.patient,
        therapist=therapist,
        location=runner.patient.preferred_location,
        appointment_type=kind,
        start=start,
        end=start + dt.timedelta(minutes=45),
    )


def test_home_shows_the_next_appointment_in_12_hour_time(client_for, runner, therapist, program):
    """The next appointment: date, 12-hour local time, place and therapist."""
    therapist.first_name, therapist.last_name = "Dana", "Lee"
    therapist.save()
    # 3:30 PM in Los Angeles (the location's zone) is 23:30 UTC.
    start = dt.datetime(2031, 3, 4, 15, 30, tzinfo=ZoneInfo("America/Los_Angeles"))
    _appointment(runner, therapist, start)
    _appointment(runner, therapist, start + dt.timedelta(days=7))
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert "Tue, Mar 4, 2031 · 3:30 PM" in body
    assert "With Dana Lee" in body
    assert runner.patient.preferred_location.name in body


def test_home_without_appointment_says_so(client_for, runner, program):
    """No appointment: a plain sentence."""
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert "No appointment booked." in body


def test_home_lists_a_due_questionnaire(client_for, runner, therapist, program):
    """A baseline outcome measure due today is linked from the home page."""
    PromSchedule.objects.create(
        patient=runner.patient,
        condition="pfps",
        starts_on=timezone.localdate(),
        created_by=therapist,
    )
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert "Questionnaire: " in body
    assert "/me/measures/" in body


def test_pain_pickers_name_the_exercise_once_for_sight(client_for, runner, program):
    """Each picker's visible label is short; the exercise's name is only for screen readers."""
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    name = program.current_version.items[0]["exercise_name"]
    assert f"Pain during {name}" not in body
    assert f'<span class="visually-hidden">, {name}</span>' in body


def test_menu_has_one_questionnaires_entry(client_for, runner, program):
    """The runner's menu: Questionnaires once, no separate 'Symptom questionnaire'."""
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert body.count(">Questionnaires</a>") == 1
    assert "Symptom questionnaire</a>" not in body


def test_home_queries_do_not_grow_with_appointments_or_questionnaires(
    client_for, runner, therapist, program
):
    """1 or 5 appointments, 1 or 2 questionnaire schedules: the same number of queries."""
    client = client_for(runner)
    start = timezone.now() + dt.timedelta(days=1)
    _appointment(runner, therapist, start)
    today = timezone.localdate()
    PromSchedule.objects.create(
        patient=runner.patient, condition="pfps", starts_on=today, created_by=therapist
    )
    client.get(reverse("programs:home"))
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("programs:home"))
    for n in range(1, 5):
        _appointment(runner, therapist, start + dt.timedelta(days=n))
    PromSchedule.objects.create(
        patient=runner.patient, condition="itbs", starts_on=today, created_by=therapist
    )
    client.get(reverse("programs:home"))
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("programs:home"))
    assert len(one) == len(many)


def test_home_in_spanish(client_for, runner, program):
    """A Spanish runner's home is in Spanish."""
    _spanish(runner)
    body = client_for(runner).get(reverse("programs:home")).content.decode()
    assert "Ejercicios de hoy" in body and "Próxima cita" in body and "Guardar sesión" in body


# --- Print ----------------------------------------------------------------------------------------


def test_print_view_has_the_clinics_phone(client_for, runner, program, clinic_phone):
    """'Call the clinic' comes with the number, in US format."""
    body = client_for(runner).get(reverse("programs:my_print")).content.decode()
    assert "Stop and call the clinic at (213) 555-0100" in body


def test_run_form_date_is_iso_in_spanish(client_for, runner):
    """The date input gets YYYY-MM-DD in Spanish too (a localized date would leave it empty)."""
    _spanish(runner)
    body = client_for(runner).get(reverse("programs:runs")).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in body
