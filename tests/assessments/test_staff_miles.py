"""Staff pages read and take miles and mph; storage, the API and FHIR keep kilometres."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from assessments.models import Evaluation, GaitAnalysis
from patients.models import Patient, RunningProfile
from tests.assessments.factories import EvaluationFactory, GaitAnalysisFactory
from tests.assessments.test_evaluations_views import _evaluation_post
from tests.assessments.test_gait_views import GAIT_POST
from tests.dangpt.wiring.fhir_record import add_records
from tests.factories import PatientFactory
from tests.patients.test_views import intake_post
from tests.perf.budget import api_headers

pytestmark = pytest.mark.django_db


def _visible(html: str) -> str:
    """The page's text without tags, inputs' values and attributes."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, name
    return re.search(r'value="([^"]*)"', match.group(0)).group(1)


# --- Evaluation form ---------------------------------------------------------------------------


def test_evaluation_takes_miles_and_stores_km_and_shows_the_same_miles(therapist, client_for):
    patient = PatientFactory()
    client = client_for(therapist)
    page = client.get(f"/clinical/patients/{patient.pk}/evaluations/new/").content.decode()
    assert "Weekly distance (miles)" in page and "(km)" not in _visible(page)
    client.post(
        f"/clinical/patients/{patient.pk}/evaluations/new/",
        _evaluation_post(profile_weekly_miles="26.4", profile_longest_run_miles_30d="13.1"),
    )
    evaluation = Evaluation.objects.get(patient=patient)
    assert evaluation.running_profile["weekly_km"] == 42.5
    assert evaluation.running_profile["longest_run_km_30d"] == 21.1
    edit = client.get(f"/clinical/evaluations/{evaluation.pk}/edit/").content.decode()
    assert _value(edit, "profile_weekly_miles") == "26.4"
    assert _value(edit, "profile_longest_run_miles_30d") == "13.1"
    detail = _visible(client.get(f"/clinical/evaluations/{evaluation.pk}/").content.decode())
    assert "26.4 mi" in detail and "13.1 mi" in detail
    assert "km" not in detail.replace("10 km pain-free", "")


def test_evaluation_range_message_is_in_miles(therapist, client_for):
    patient = PatientFactory()
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/evaluations/new/",
        _evaluation_post(profile_weekly_miles="311"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["profile_weekly_miles"] == [
        "Weekly distance must be between 0 miles and 310.7 miles."
    ]
    assert not Evaluation.objects.exists()


def test_evaluation_letter_rows_show_miles(therapist, client_for):
    evaluation = EvaluationFactory(
        therapist=therapist, running_profile={"weekly_km": 42.0, "shoes_km": 500}
    )
    page = _visible(
        client_for(therapist).get(f"/clinical/evaluations/{evaluation.pk}/").content.decode()
    )
    assert "26.1 mi" in page and "311 mi" in page
    assert "Weekly km" not in page and "Km on current shoes" not in page


# --- Gait --------------------------------------------------------------------------------------


def test_gait_takes_mph_and_miles_and_shows_them_back(therapist, client_for):
    patient = PatientFactory()
    client = client_for(therapist)
    new = client.get(f"/clinical/patients/{patient.pk}/gait/new/").content.decode()
    assert "Speed (mph)" in new and "Shoe age (miles)" in new and "km" not in _visible(new)
    response = client.post(
        f"/clinical/patients/{patient.pk}/gait/new/",
        {**GAIT_POST, "speed_mph": "6.5", "shoe_miles": "250"},
    )
    assert response.status_code == 302
    gait = GaitAnalysis.objects.get()
    assert gait.speed_kmh == Decimal("10.5") and gait.shoe_km == 402
    edit = client.get(f"/clinical/gait/{gait.pk}/edit/").content.decode()
    assert _value(edit, "speed_mph") == "6.5" and _value(edit, "shoe_miles") == "250"
    # Saved again unchanged: the kilometres stay as they were.
    client.post(
        f"/clinical/gait/{gait.pk}/edit/", {**GAIT_POST, "speed_mph": "6.5", "shoe_miles": "250"}
    )
    gait.refresh_from_db()
    assert gait.speed_kmh == Decimal("10.5") and gait.shoe_km == 402
    detail = _visible(client.get(f"/clinical/gait/{gait.pk}/").content.decode())
    assert "6.5 mph (10.5 km/h)" in detail and "250 mi" in detail
    assert " km)" not in detail.replace("(10.5 km/h)", "")
    chart = _visible(client.get(f"/clinical/patients/{patient.pk}/").content.decode())
    assert "6.5 mph (10.5 km/h)" in chart


def test_gait_speed_range_message_is_in_mph(therapist, client_for):
    patient = PatientFactory()
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/gait/new/", {**GAIT_POST, "speed_mph": "25"}
    )
    assert response.context["form"].errors["speed_mph"] == [
        "Speed must be between 0.1 mph and 24.8 mph."
    ]
    assert not GaitAnalysis.objects.exists()


def test_gait_compare_shows_mph(therapist, client_for):
    patient = PatientFactory()
    before = GaitAnalysisFactory(patient=patient, therapist=therapist, speed_kmh=10)
    after = GaitAnalysisFactory(patient=patient, therapist=therapist, speed_kmh=12)
    page = client_for(therapist).get(
        f"/clinical/patients/{patient.pk}/gait/compare/", {"before": before.pk, "after": after.pk}
    )
    text = _visible(page.content.decode())
    assert "Speed (mph)" in text and "km/h" not in text
    assert re.search(r"6\.2\s+.*?7\.5", text, flags=re.S)


# --- The desk's intake and patient page ---------------------------------------------------------


def test_desk_intake_takes_miles_and_the_patient_page_shows_miles(front_desk, client_for):
    client = client_for(front_desk)
    response = client.post(
        reverse("patients:register"),
        intake_post(
            **{"r-weekly_miles": "21.7", "r-longest_run_miles_30d": "10", "r-shoes_miles": "300"}
        ),
    )
    assert response.status_code == 302
    profile = RunningProfile.objects.get()
    assert profile.weekly_km == Decimal("34.9")
    assert profile.longest_run_km_30d == Decimal("16.1")
    assert profile.shoes_km == 483
    patient = Patient.objects.get()
    edit = client.get(reverse("patients:edit", args=[patient.pk])).content.decode()
    assert _value(edit, "r-weekly_miles") == "21.7"
    assert _value(edit, "r-longest_run_miles_30d") == "10.0"
    assert _value(edit, "r-shoes_miles") == "300"
    detail = _visible(client.get(reverse("patients:detail", args=[patient.pk])).content.decode())
    assert "21.7 mi" in detail and "10.0 mi" in detail and "300 mi" in detail
    assert "km" not in detail.lower().replace("mkm", "")


def test_desk_intake_range_message_is_in_miles(front_desk, client_for):
    response = client_for(front_desk).post(
        reverse("patients:register"), intake_post(**{"r-weekly_miles": "400"})
    )
    assert response.status_code == 200
    assert "Weekly distance must be between 0 miles and 310.7 miles." in response.content.decode()
    assert not Patient.objects.exists()


# --- Kilometres kept where the contract says ---------------------------------------------------


def test_the_api_and_fhir_still_speak_kilometres(client, therapist, front_desk, client_for):
    client_for(front_desk).post(
        reverse("patients:register"), intake_post(**{"r-weekly_miles": "21.7"})
    )
    patient = Patient.objects.get()
    body = client.get(f"/api/v1/patients/{patient.pk}", **api_headers(front_desk)).json()
    assert body["running_profile"]["weekly_km"] == 34.9
    add_records(patient, therapist)
    bundle = client.get(f"/api/v1/patients/{patient.pk}/fhir", **api_headers(therapist)).json()
    gait = next(e["resource"] for e in bundle["entry"] if e["resource"]["id"].startswith("gait-"))
    speed = next(c for c in gait["component"] if c["code"]["coding"][0]["code"] == "speed_kmh")
    assert speed["valueQuantity"]["unit"] == "km/h" and speed["valueQuantity"]["value"] == 10
