"""Outcome pages: recording in clinic, the runner's portal, trends, overview, schedules, scoping."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import OutcomeResult
from assessments.selectors import due_measures
from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.assessments.factories import (
    OutcomeResultFactory,
    PromScheduleFactory,
    lefs_answers,
)
from tests.factories import PatientFactory


@pytest.mark.django_db
def test_therapist_records_in_clinic_through_the_page(therapist, client_for):
    """The clinic form renders the items and stores a valid administration."""
    patient = PatientFactory()
    client = client_for(therapist)
    url = f"/clinical/patients/{patient.pk}/outcomes/nprs/record/"
    assert b"worst pain imaginable" in client.get(url).content
    response = client.post(url, {"pain": "6"})
    assert response.status_code == 302
    assert OutcomeResult.objects.get().score == 6


@pytest.mark.django_db
def test_clinic_form_shows_missing_and_invalid_items(therapist, client_for):
    """A missing LEFS item and an unknown value are errors at their items."""
    patient = PatientFactory()
    data = {key: str(value) for key, value in lefs_answers(3).items()}
    del data["hopping"]
    data["squatting"] = "9"
    response = client_for(therapist).post(
        f"/clinical/patients/{patient.pk}/outcomes/lefs/record/", data
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "hopping" in errors and "squatting" in errors
    assert not OutcomeResult.objects.exists()


@pytest.mark.django_db
def test_visa_a_form_needs_exactly_one_branch(therapist, client_for):
    """VISA-A with none of 8A/8B/8C answered is refused."""
    from assessments.proms import describe

    data = {i["id"]: str(i["options"][0]["value"]) for i in describe("visa_a")["items"]}
    for branch in ("q8a", "q8b", "q8c"):
        data.pop(branch)
    response = client_for(therapist).post(
        f"/clinical/patients/{PatientFactory().pk}/outcomes/visa_a/record/", data
    )
    assert response.status_code == 200
    assert "Q8A" in str(response.context["form"].non_field_errors())


@pytest.mark.django_db
def test_runner_fills_a_due_measure_in_the_portal(runner, client_for):
    """A due LEFS is listed, filled, stored as a portal result and no longer due."""
    schedule = PromScheduleFactory(patient=runner.patient, condition="itbs")
    client = client_for(runner)
    listing = client.get("/me/measures/")
    assert [d.instrument for d in listing.context["due"]] == ["nprs_worst_24h", "lefs"]
    url = f"/me/measures/{schedule.pk}/baseline/lefs/"
    data = {key: str(value) for key, value in lefs_answers(1).items()}
    assert client.post(url, data).status_code == 302
    result = OutcomeResult.objects.get()
    assert (result.source, result.timepoint, result.score) == ("portal", "baseline", 20)
    assert [d.instrument for d in due_measures(patient=runner.patient)] == ["nprs_worst_24h"]
    assert client.get(url).status_code == 404  # filled: no longer due


@pytest.mark.django_db
def test_runner_cannot_fill_what_is_not_due_or_not_theirs(runner, client_for):
    """Another runner's schedule, or a measure not due, answers 404."""
    other = PromScheduleFactory(condition="itbs")
    mine = PromScheduleFactory(patient=runner.patient, condition="itbs")
    client = client_for(runner)
    assert client.get(f"/me/measures/{other.pk}/baseline/lefs/").status_code == 404
    assert client.get(f"/me/measures/{mine.pk}/week_6/lefs/").status_code == 404
    assert client.get(f"/me/measures/{mine.pk}/baseline/akps/").status_code == 404


@pytest.mark.django_db
def test_runner_sees_own_chart_but_not_anothers(runner, client_for):
    """A runner's own trend page opens; another patient's answers 404."""
    OutcomeResultFactory(patient=runner.patient)
    other = OutcomeResultFactory()
    client = client_for(runner)
    assert client.get(f"/clinical/patients/{runner.patient.pk}/outcomes/nprs/").status_code == 200
    assert client.get(f"/clinical/patients/{other.patient_id}/outcomes/nprs/").status_code == 404


@pytest.mark.django_db
def test_front_desk_sees_no_outcomes_of_any_patient(front_desk, client_for, client, runner):
    """Front desk: 404 on trend pages, the overview and the outcomes API."""
    result = OutcomeResultFactory(patient=runner.patient)
    desk = client_for(front_desk)
    assert desk.get(f"/clinical/patients/{result.patient_id}/outcomes/nprs/").status_code == 404
    assert desk.get("/clinical/outcomes/").status_code == 404
    assert desk.get("/me/measures/").status_code == 404
    _, token = api_token_create(user=front_desk, name="t", second_factor=True)
    api = client.get(
        f"/api/v1/patients/{result.patient_id}/outcomes/nprs",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert api.status_code == 404


@pytest.mark.django_db
def test_trend_page_carries_chart_data_without_inline_script(therapist, client_for):
    """The chart data is a json_script block; the JS comes from a static file."""
    patient = PatientFactory()
    lefs = {"instrument": "lefs", "max_score": 80}
    earlier = timezone.now() - dt.timedelta(days=42)
    OutcomeResultFactory(patient=patient, score=40, taken_at=earlier, **lefs)
    OutcomeResultFactory(patient=patient, score=60, **lefs)
    response = client_for(therapist).get(f"/clinical/patients/{patient.pk}/outcomes/lefs/")
    html = response.content.decode()
    start = html.index('<script id="trend-data" type="application/json">')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert [p["score"] for p in data["points"]] == [40, 60]
    assert data["band"] == {"low": 31, "high": 49, "mdc": 9, "confidence": "90%"}
    assert "assessments/outcome_trend" in html
    assert "Improved beyond measurement error and the clinically important threshold" in html
    assert "Binkley" in html


@pytest.mark.django_db
def test_overview_groups_by_condition_with_constant_queries(therapist, client_for):
    """The overview lists each scheduled patient's latest change; queries do not grow with rows."""
    client = client_for(therapist)

    def add_patient(score_then, score_now, condition="pfps"):
        schedule = PromScheduleFactory(condition=condition)
        for days, value in ((30, score_then), (0, score_now)):
            OutcomeResultFactory(
                patient=schedule.patient, score=value, instrument="nprs_worst_24h",
                taken_at=timezone.now() - dt.timedelta(days=days),
            )  # fmt: skip

    add_patient(8, 2)
    with CaptureQueriesContext(connection) as one:
        response = client.get("/clinical/outcomes/")
    group = response.context["groups"][0]
    nprs = next(r for r in group["rows"] if r["instrument"] == "nprs_worst_24h")
    assert group["condition"].value == "pfps" and nprs["summary"]["label"] == "improved"
    for _ in range(15):
        add_patient(3, 4, condition="itbs")
    with CaptureQueriesContext(connection) as many:
        response = client.get("/clinical/outcomes/")
    assert [g["condition"].value for g in response.context["groups"]] == ["pfps", "itbs"]
    assert len(one) == len(many)


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.RUNNER, Role.FRONT_DESK])
def test_schedule_and_record_pages_are_404_for_non_therapists(role, make_user, client_for):
    """Only therapists start schedules or record measures in clinic."""
    patient = PatientFactory()
    client = client_for(make_user(role))
    assert (
        client.post(
            f"/clinical/patients/{patient.pk}/schedules/new/",
            {"condition": "pfps", "starts_on": "2026-01-05"},
        ).status_code
        == 404
    )
    assert client.get(f"/clinical/patients/{patient.pk}/outcomes/nprs/record/").status_code == 404


@pytest.mark.django_db
def test_therapist_starts_a_schedule_and_discharges(therapist, client_for):
    """A schedule is started from the chart; a duplicate and a bad discharge are refused."""
    patient = PatientFactory()
    client = client_for(therapist)
    url = f"/clinical/patients/{patient.pk}/schedules/new/"
    assert client.post(url, {"condition": "pfps", "starts_on": "2026-01-05"}).status_code == 302
    client.post(url, {"condition": "pfps", "starts_on": "2026-02-05"})
    schedule = patient.prom_schedules.get()
    discharge = f"/clinical/schedules/{schedule.pk}/discharge/"
    client.post(discharge, {"discharge_on": "2025-12-01"})
    schedule.refresh_from_db()
    assert schedule.discharge_on is None
    client.post(discharge, {"discharge_on": "2026-03-01"})
    schedule.refresh_from_db()
    assert schedule.discharge_on == dt.date(2026, 3, 1)


@pytest.mark.django_db
def test_chart_names_measures_in_words_and_offers_only_anchored_nprs(therapist, client_for):
    """Record buttons, results and the schedule name measures in words; no codes on the page."""
    patient = PatientFactory()
    PromScheduleFactory(patient=patient, condition="itbs")
    OutcomeResultFactory(patient=patient, instrument="nprs_worst_24h", score=4)
    html = client_for(therapist).get(f"/clinical/patients/{patient.pk}/").content.decode()
    assert "NPRS, worst in 24 h" in html and "NPRS, last run" in html and "NPRS, now" in html
    assert "Worst pain in the last 24 hours (NPRS)" in html
    assert "NPRS, no time anchor" not in html  # retired: not offered for new results
    assert "NPRS_" not in html and "nprs_worst_24h</" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_schedule_dates_at_the_ends_of_the_calendar_are_refused(therapist, client_for, day):
    """A baseline or discharge date in year 1 or 9999 is refused at the field, never a 500."""
    patient = PatientFactory()
    client = client_for(therapist)
    url = f"/clinical/patients/{patient.pk}/schedules/new/"
    response = client.post(url, {"condition": "pfps", "starts_on": day}, follow=True)
    assert response.status_code == 200
    assert "Choose a date between Jan 1, 1900 and" in response.content.decode()
    assert not patient.prom_schedules.exists()
    client.post(url, {"condition": "pfps", "starts_on": "2026-01-05"})
    schedule = patient.prom_schedules.get()
    discharge = f"/clinical/schedules/{schedule.pk}/discharge/"
    response = client.post(discharge, {"discharge_on": day}, follow=True)
    assert response.status_code == 200
    assert "Choose a date between Jan 1, 1900 and" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.discharge_on is None
