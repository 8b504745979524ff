"""Outcome API: recording in clinic and the runner filling a due measure."""

import pytest

from dangpt.services import api_token_create
from tests.assessments.factories import (
    PromScheduleFactory,
)


@pytest.mark.django_db
def test_api_records_and_runner_fills(therapist, runner, client):
    """The API records in clinic (invalid answers named) and lets the runner fill a due measure."""
    _, staff_token = api_token_create(user=therapist, name="t", second_factor=True)
    _, runner_token = api_token_create(user=runner, name="t", second_factor=True)
    patient = runner.patient
    bad = client.post(
        "/api/v1/outcomes",
        data={"patient": patient.pk, "instrument": "nprs", "answers": {"pain": 12}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {staff_token}"},
    )
    assert bad.status_code == 400 and "answers.pain" in bad.json()["errors"]
    schedule = PromScheduleFactory(patient=patient, condition="itbs")
    due = client.get("/api/v1/me/outcomes/due", headers={"Authorization": f"Bearer {runner_token}"})
    assert [d["instrument"] for d in due.json()] == ["nprs_worst_24h", "lefs"]
    filled = client.post(
        "/api/v1/me/outcomes",
        data={"schedule": schedule.pk, "timepoint": "baseline", "instrument": "nprs_worst_24h",
              "answers": {"pain": 4}},
        content_type="application/json",
        headers={"Authorization": f"Bearer {runner_token}"},
    )  # fmt: skip
    assert filled.status_code == 201 and filled.json()["score"] == 4
    trend = client.get(
        f"/api/v1/patients/{patient.pk}/outcomes/nprs_worst_24h",
        headers={"Authorization": f"Bearer {runner_token}"},
    )
    assert trend.status_code == 200 and trend.json()["points"][0]["score"] == 4
