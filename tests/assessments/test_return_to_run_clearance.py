"""Return-to-run clearance after a bone stress injury: the record, the gate it opens, its page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, ProgrammingError, transaction
from django.urls import reverse

from assessments import safety
from assessments.models import ReturnToRunClearance
from assessments.services import (
    clearance_record,
    exclusion_record,
    screening_acknowledge,
    screening_create,
)
from tests.assessments.factories import EvaluationFactory, knee_answers
from tests.factories import PatientFactory
from tests.programs.factories import staff_at

pytestmark = pytest.mark.django_db

MET = {
    "pain_free_walking": True,
    "no_focal_tenderness": True,
    "pain_free_hops": True,
    "contributing_factors_identified": True,
}
# Focal bony tenderness with walking and rest pain at the shin: a suspected BSI.
BSI_ANSWERS = knee_answers(
    regions=["medial_shin"],
    focal_bone_tenderness="yes",
    timing=["with_walking", "at_rest"],
    aggravators=[],
)
RUPTURE_ANSWERS = {
    "regions": ["achilles"],
    "side": "left",
    "onset": "sudden",
    "onset_pop": True,
    "duration_weeks": 0,
    "pain_now": 3,
    "pain_worst_24h": 5,
    "pain_running": 6,
}


def _diagnosed(patient, therapist):
    """An evaluation whose working diagnosis is a BSI, with no flagged screening."""
    return EvaluationFactory(
        patient=patient, therapist=therapist, working_diagnosis="bone_stress_injury"
    )


def test_clearance_records_who_when_and_each_criterion(therapist):
    """The clearance keeps the clinician, the time, the site and each criterion met."""
    patient = PatientFactory()
    clearance = clearance_record(
        patient=patient,
        cleared_by=therapist,
        site="posteromedial_tibia",
        note="Hopped 20 times each side, no pain.",
        **MET,
    )
    stored = ReturnToRunClearance.objects.get(pk=clearance.pk)
    assert stored.cleared_by == therapist and stored.cleared_at is not None
    assert (stored.pain_free_walking, stored.no_focal_tenderness, stored.pain_free_hops) == (
        True,
        True,
        True,
    )
    assert not stored.imaging_or_physician_clearance


def test_each_missing_criterion_is_a_field_error_and_nothing_is_saved(therapist):
    """Walking, tenderness and hops each must be met; a high-risk site also needs imaging."""
    with pytest.raises(ValidationError) as caught:
        clearance_record(
            patient=PatientFactory(),
            cleared_by=therapist,
            site="femoral_neck",
            pain_free_walking=True,
            no_focal_tenderness=False,
            pain_free_hops=False,
        )
    errors = caught.value.message_dict
    assert set(errors) == {
        "no_focal_tenderness",
        "pain_free_hops",
        "contributing_factors_identified",
        "imaging_or_physician_clearance",
    }
    assert "imaging" in errors["imaging_or_physician_clearance"][0]
    assert not ReturnToRunClearance.objects.exists()


def test_only_clinicians_clear(runner):
    """A runner cannot clear themself."""
    with pytest.raises(ValidationError):
        clearance_record(patient=runner.patient, cleared_by=runner, site="fibula", **MET)


def test_the_database_refuses_a_clearance_without_its_criteria(therapist):
    """The criteria are a database constraint, not only a form rule; rows never change."""
    patient = PatientFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnToRunClearance.objects.create(
            patient=patient,
            cleared_by=therapist,
            cleared_at="2026-01-05T10:00:00Z",
            site="navicular",
            **MET,
        )
    clearance = clearance_record(patient=patient, cleared_by=therapist, site="fibula", **MET)
    with pytest.raises(ProgrammingError), transaction.atomic():
        ReturnToRunClearance.objects.filter(pk=clearance.pk).update(pain_free_hops=False)


def test_a_diagnosed_bsi_without_a_screening_blocks_running_until_cleared(therapist):
    """An evaluation's BSI diagnosis alone blocks running and impact; the clearance lifts it."""
    patient = PatientFactory()
    _diagnosed(patient, therapist)
    blocks = safety.loading_blocks(patient_id=patient.pk)
    assert {"running", "impact"} <= set(blocks)
    assert "clearance" in blocks["running"]
    clearance_record(patient=patient, cleared_by=therapist, site="metatarsal_shaft", **MET)
    assert safety.loading_blocks(patient_id=patient.pk) == {}


def test_acknowledging_a_suspected_bsi_is_not_a_clearance(therapist):
    """A suspected BSI stays blocked for running after the acknowledgement, until cleared."""
    screening = screening_create(
        patient=PatientFactory(), answers=BSI_ANSWERS, created_by=therapist, source="therapist"
    )
    assert screening.suspected_bsi
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="MRI booked")
    assert "running" in safety.loading_blocks(patient_id=screening.patient_id)


def test_a_femoral_neck_flag_counts_as_a_suspected_bsi(therapist):
    """Groin pain in runs (a possible femoral-neck BSI) still needs a clearance once acked."""
    # The screening's own BSI score stays below its threshold: the flag alone counts.
    answers = {
        "regions": ["groin_hip"],
        "side": "left",
        "onset": "gradual",
        "duration_weeks": 3,
        "pain_now": 1,
        "pain_worst_24h": 4,
        "pain_running": 5,
        "timing": ["during_whole_run"],
    }
    screening = screening_create(
        patient=PatientFactory(), answers=answers, created_by=therapist, source="therapist"
    )
    assert not screening.suspected_bsi
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Hip MRI booked")
    assert "running" in safety.loading_blocks(patient_id=screening.patient_id)
    clearance_record(
        patient=screening.patient,
        cleared_by=therapist,
        site="femoral_neck",
        imaging_or_physician_clearance=True,
        **MET,
    )
    assert safety.loading_blocks(patient_id=screening.patient_id) == {}


def test_new_bsi_evidence_after_a_clearance_blocks_again(therapist):
    """A clearance covers what was known then: a later BSI diagnosis needs a new one."""
    patient = PatientFactory()
    _diagnosed(patient, therapist)
    clearance_record(patient=patient, cleared_by=therapist, site="fibula", **MET)
    _diagnosed(patient, therapist)
    status = safety.bone_stress_status(patient_id=patient.pk)
    assert status.needs_clearance
    assert "running" in safety.loading_blocks(patient_id=patient.pk)


def test_a_rupture_flag_blocks_tendon_loading_until_a_clinician_records_it_excluded(therapist):
    """Acknowledging a possible rupture lifts impact and running, not the tendon and calf block:
    only a recorded exclusion (who, how) does."""
    screening = screening_create(
        patient=PatientFactory(), answers=RUPTURE_ANSWERS, created_by=therapist, source="therapist"
    )
    blocks = safety.loading_blocks(patient_id=screening.patient_id)
    assert {"impact", "running", "tendon_load"} <= set(blocks)
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Sent to ED")
    blocks = safety.loading_blocks(patient_id=screening.patient_id)
    assert set(blocks) == {"tendon_load"}
    assert "no clinician has recorded that it was excluded" in blocks["tendon_load"]
    exclusion_record(
        patient=screening.patient,
        excluded_by=therapist,
        condition="achilles_rupture",
        method="imaging",
        detail="Ultrasound at the ED: tendon intact.",
    )
    assert safety.loading_blocks(patient_id=screening.patient_id) == {}


def test_a_dvt_flag_keeps_the_calf_blocked_until_excluded(therapist):
    """A possible DVT keeps calf work blocked after the acknowledgement; excluding a rupture does
    not lift it, excluding the DVT does."""
    answers = RUPTURE_ANSWERS | {
        "onset_pop": False,
        "onset": "gradual",
        "calf_swelling_warmth": True,
    }
    screening = screening_create(
        patient=PatientFactory(), answers=answers, created_by=therapist, source="therapist"
    )
    screening_acknowledge(screening=screening, acknowledged_by=therapist, note="Sent to ED")
    kwargs = {"patient": screening.patient, "excluded_by": therapist, "method": "imaging"}
    exclusion_record(condition="achilles_rupture", detail="Not relevant.", **kwargs)
    assert (
        "deep vein thrombosis"
        in safety.loading_blocks(patient_id=screening.patient_id)["tendon_load"]
    )
    exclusion_record(condition="dvt", detail="Duplex ultrasound negative.", **kwargs)
    assert safety.loading_blocks(patient_id=screening.patient_id) == {}


# --- The page ----------------------------------------------------------------------------------


@pytest.fixture
def patient(therapist):
    patient = PatientFactory()
    staff_at(therapist, patient.preferred_location)
    return patient


def _url(patient):
    return reverse("assessments:clearance_new", args=[patient.pk])


def test_page_shows_the_block_and_records_the_clearance(client_for, therapist, patient):
    """The page says running is blocked; a complete form records it and confirms."""
    _diagnosed(patient, therapist)
    client = client_for(therapist)
    page = client.get(_url(patient)).content.decode()
    assert "stay blocked" in page and "Pain-free single-leg hops" in page
    response = client.post(
        _url(patient), {"site": "posteromedial_tibia", **dict.fromkeys(MET, "on")}, follow=True
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Return-to-run clearance recorded" in body and "Cleared by" in body
    assert ReturnToRunClearance.objects.get(patient=patient).cleared_by == therapist


def test_page_names_each_missing_criterion(client_for, therapist, patient):
    """A missing criterion is a field error (400), and nothing is saved."""
    response = client_for(therapist).post(
        _url(patient), {"site": "navicular", "pain_free_walking": "on"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Clearance needs pain-free single-leg hops" in body
    assert "needs imaging" in body
    assert not ReturnToRunClearance.objects.exists()


def test_page_scoping(client, client_for, make_user, therapist, patient, runner):
    """The front desk, a runner and an unknown patient get 404; anonymous goes to login; PUT 405."""
    from dangpt.roles import Role

    assert client.get(_url(patient)).status_code == 302
    assert client_for(make_user(Role.FRONT_DESK)).get(_url(patient)).status_code == 404
    missing = reverse("assessments:clearance_new", args=[patient.pk + 1000])
    assert client_for(therapist).get(missing).status_code == 404
    assert client_for(runner).get(_url(runner.patient)).status_code == 404
    assert client_for(therapist).put(_url(patient)).status_code == 405
