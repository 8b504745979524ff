"""Change history: every clinical, consent and account model keeps who changed what, and when."""

import datetime as dt

import pghistory
import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.urls import reverse

from assessments.services import (
    addendum_add,
    evaluation_sign,
    gait_update,
    prom_schedule_discharge,
    screening_create,
    screening_review,
)
from dangpt.roles import Role
from patients.services import patient_update
from tests.assessments.factories import (
    EvaluationFactory,
    GaitAnalysisFactory,
    PromScheduleFactory,
    knee_answers,
)
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _events(label: str, **data):
    """The events of one event model, oldest first, filtered on its snapshot columns."""
    return list(apps.get_model(label).objects.filter(**data).order_by("pgh_id"))


def test_review_keeps_the_runners_answers_as_the_previous_version(therapist, runner):
    """The runner's own answers stay readable after a therapist reviews (and changes) them."""
    patient = runner.patient
    mine = knee_answers(pain_now=3)
    screening = screening_create(patient=patient, answers=mine, created_by=runner, source="runner")
    reviewed = knee_answers(pain_now=6)
    with pghistory.context(user=therapist.pk):
        screening_review(screening=screening, answers=reviewed, reviewed_by=therapist)
    first, second = _events("assessments.ScreeningEvent", pgh_obj_id=screening.pk)
    assert (first.pgh_label, first.answers, first.status) == ("insert", mine, "draft")
    assert (second.pgh_label, second.answers, second.status) == ("update", reviewed, "reviewed")
    assert second.pgh_context.metadata["user"] == therapist.pk


def test_gait_schedule_and_addendum_changes_are_kept(therapist):
    """A gait edit, a discharge date and an addendum each leave an event with the old row kept."""
    gait = GaitAnalysisFactory(therapist=therapist, cadence_spm=160)
    gait_update(gait=gait, user=therapist, fields={"cadence_spm": 172})
    assert [
        e.cadence_spm for e in _events("assessments.GaitAnalysisEvent", pgh_obj_id=gait.pk)
    ] == [
        160,
        172,
    ]
    schedule = PromScheduleFactory(created_by=therapist)
    discharge = schedule.starts_on + dt.timedelta(weeks=8)
    prom_schedule_discharge(schedule=schedule, discharge_on=discharge, user=therapist)
    events = _events("assessments.PromScheduleEvent", pgh_obj_id=schedule.pk)
    assert [e.discharge_on for e in events] == [None, discharge]
    note = EvaluationFactory(therapist=therapist)
    note = evaluation_sign(evaluation=note, user=therapist)
    addendum = addendum_add(evaluation=note, author=therapist, text="Called the runner back.")
    (event,) = _events("assessments.EvaluationAddendumEvent", pgh_obj_id=addendum.pk)
    assert event.pgh_label == "insert" and event.author_id == therapist.pk


def test_running_profile_and_consent_changes_are_kept(front_desk):
    """Intake edits of the running profile and a consent given later both leave events."""
    patient = PatientFactory()
    patient_update(patient=patient, fields={}, running_profile={"weekly_km": 30}, by=front_desk)
    patient_update(
        patient=patient,
        fields={},
        running_profile={"weekly_km": 45},
        consents=["treatment"],
        by=front_desk,
    )
    profile = _events("patients.RunningProfileEvent", patient_id=patient.pk)
    assert [(e.pgh_label, e.weekly_km) for e in profile] == [("insert", 30), ("update", 45)]
    (consent,) = _events("patients.ConsentEvent", patient_id=patient.pk)
    assert consent.kind == "treatment" and consent.recorded_by_id == front_desk.pk


def test_role_and_admin_access_changes_are_kept(make_user):
    """Joining and leaving a role group, and gaining the superuser flag, are each recorded."""
    user = make_user()
    therapists, _ = Group.objects.get_or_create(name=Role.THERAPIST)
    user.groups.add(therapists)
    user.groups.remove(therapists)
    user.is_superuser = True
    user.save()
    roles = _events("dangpt.UserGroupEvent", user_id=user.pk)
    assert [(e.pgh_label, e.group_id) for e in roles] == [
        ("group.add", therapists.pk),
        ("group.remove", therapists.pk),
    ]
    access = _events("dangpt.UserAccessEvent", pgh_obj_id=user.pk)
    assert [(e.pgh_label, e.is_superuser) for e in access] == [("insert", False), ("update", True)]
    assert not hasattr(access[0], "password")


def test_audit_page_shows_role_changes_and_screening_reviews(client_for, manager, make_user):
    """The manager's change search names the account, the role and who made the change."""
    user = make_user()
    therapists, _ = Group.objects.get_or_create(name=Role.THERAPIST)
    with pghistory.context(user=manager.pk):
        user.groups.add(therapists)
    client = client_for(manager)
    page = client.get(reverse("audit:search"), {"log": "changes", "kind": "role"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f"of {user.get_full_name()}: Therapist" in text and manager.get_full_name() in text
    assert "Role given" in text and "group.add" not in text
