"""A clinician records that a suspected condition was excluded: it ends the flagged screening's
evidence (BSI, rupture, DVT) so a false positive needs no fictitious clearance."""

import pytest
from django.core.exceptions import ValidationError
from django.db import ProgrammingError, transaction
from django.urls import reverse

from assessments import safety
from assessments.models import ConditionExclusion
from assessments.services import (
    clearance_record,
    exclusion_record,
    screening_acknowledge,
    screening_create,
)
from tests.assessments.test_return_to_run_clearance import BSI_ANSWERS, MET
from tests.factories import PatientFactory
from tests.programs.factories import staff_at

pytestmark = pytest.mark.django_db

FEMORAL_NECK_ANSWERS = {
    "regions": ["groin_hip"],
    "side": "left",
    "onset": "gradual",
    "duration_weeks": 3,
    "pain_now": 1,
    "pain_worst_24h": 4,
    "pain_running": 5,
    "timing": ["during_whole_run"],
}


def _flagged(therapist, answers=BSI_ANSWERS, patient=None):
    screening = screening_create(
        patient=patient or PatientFactory(),
        answers=answers,
        created_by=therapist,
        source="therapist",
    )
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="MRI booked")
    return screening


def test_an_excluded_bsi_ends_the_screenings_evidence(therapist):
    """A negative MRI recorded as an exclusion lifts the running block without a clearance."""
    screening = _flagged(therapist)
    assert "running" in safety.loading_blocks(patient_id=screening.patient_id)
    exclusion = exclusion_record(
        patient=screening.patient,
        excluded_by=therapist,
        condition="bone_stress_injury",
        method="imaging",
        detail="MRI 3 Dec: no bone marrow oedema; medial tibial stress syndrome.",
    )
    assert safety.bone_stress_status(patient_id=screening.patient_id) is None
    assert safety.loading_blocks(patient_id=screening.patient_id) == {}
    stored = ConditionExclusion.objects.get(pk=exclusion.pk)
    assert (stored.excluded_by, stored.method) == (therapist, "imaging")
    assert stored.excluded_at is not None


def test_evidence_after_the_exclusion_blocks_again(therapist):
    """An exclusion covers what was known then: a later flagged screening needs its own."""
    screening = _flagged(therapist)
    exclusion_record(
        patient=screening.patient,
        excluded_by=therapist,
        condition="bone_stress_injury",
        method="exam",
        detail="No focal tenderness, hop test negative.",
    )
    _flagged(therapist, patient=screening.patient)
    assert "running" in safety.loading_blocks(patient_id=screening.patient_id)


def test_excluding_another_condition_leaves_the_bsi_evidence(therapist):
    """Excluding a DVT does not end a BSI's evidence."""
    screening = _flagged(therapist)
    exclusion_record(
        patient=screening.patient,
        excluded_by=therapist,
        condition="dvt",
        method="imaging",
        detail="Duplex negative.",
    )
    assert "running" in safety.loading_blocks(patient_id=screening.patient_id)


def test_an_exclusion_needs_a_clinician_a_method_and_what_was_found(therapist, runner):
    """Each missing part is a field error; nothing is saved; a runner cannot exclude."""
    with pytest.raises(ValidationError) as caught:
        exclusion_record(
            patient=PatientFactory(), excluded_by=therapist, condition="x", method="", detail=" "
        )
    assert set(caught.value.message_dict) == {"condition", "method", "detail"}
    with pytest.raises(ValidationError):
        exclusion_record(
            patient=runner.patient,
            excluded_by=runner,
            condition="dvt",
            method="exam",
            detail="Fine.",
        )
    assert not ConditionExclusion.objects.exists()


def test_exclusions_are_append_only_with_history(therapist):
    """Rows never change or go away, and each insert is in the history table."""
    exclusion = exclusion_record(
        patient=PatientFactory(),
        excluded_by=therapist,
        condition="achilles_rupture",
        method="exam",
        detail="Negative Thompson test.",
    )
    with pytest.raises(ProgrammingError), transaction.atomic():
        ConditionExclusion.objects.filter(pk=exclusion.pk).update(detail="changed")
    with pytest.raises(ProgrammingError), transaction.atomic():
        ConditionExclusion.objects.filter(pk=exclusion.pk).delete()
    assert exclusion.events.count() == 1


# --- Clearance tied to the evidence -------------------------------------------------------------


def test_a_femoral_neck_flag_needs_imaging_whatever_site_is_chosen(therapist):
    """Choosing a low-risk site does not skip imaging when the screening flagged a high-risk one."""
    screening = _flagged(therapist, FEMORAL_NECK_ANSWERS)
    with pytest.raises(ValidationError) as caught:
        clearance_record(
            patient=screening.patient, cleared_by=therapist, site="posteromedial_tibia", **MET
        )
    assert (
        "flagged a high-risk site" in caught.value.message_dict["imaging_or_physician_clearance"][0]
    )
    clearance_record(
        patient=screening.patient,
        cleared_by=therapist,
        site="posteromedial_tibia",
        imaging_or_physician_clearance=True,
        **MET,
    )
    assert safety.loading_blocks(patient_id=screening.patient_id) == {}


def test_contributing_factors_are_a_criterion(therapist):
    """George 2024's fifth criterion: the contributing factors are identified."""
    with pytest.raises(ValidationError) as caught:
        clearance_record(
            patient=PatientFactory(),
            cleared_by=therapist,
            site="fibula",
            **(MET | {"contributing_factors_identified": False}),
        )
    assert set(caught.value.message_dict) == {"contributing_factors_identified"}


# --- The page -----------------------------------------------------------------------------------


@pytest.fixture
def patient(therapist):
    patient = PatientFactory()
    staff_at(therapist, patient.preferred_location)
    return patient


def test_page_records_an_exclusion_and_lists_it(client_for, therapist, patient):
    """The exclusion form on the return-to-run page stores it; a bad one is a 400 with errors."""
    _flagged(therapist, patient=patient)
    client = client_for(therapist)
    url = reverse("assessments:clearance_new", args=[patient.pk])
    response = client.post(url, {"record": "exclusion", "condition": "bone_stress_injury"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not ConditionExclusion.objects.exists()
    response = client.post(
        url,
        {
            "record": "exclusion",
            "condition": "bone_stress_injury",
            "method": "other_diagnosis",
            "detail": "Exertional compartment syndrome confirmed by pressure testing.",
        },
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Exclusion recorded" in body and "Another diagnosis explains the symptoms" in body
    assert ConditionExclusion.objects.get(patient=patient).excluded_by == therapist
    assert "stay blocked" not in body
