"""The manager's online-booking settings: the policy per location and the online visit types."""

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import BookingPolicy, VisitKind
from tests.patients.conftest import build_clinic

pytestmark = pytest.mark.django_db
URL = reverse("patients:booking_settings")


@pytest.fixture
def clinic(make_user):
    """The test clinic with its two visit types."""
    return build_clinic(make_user)


def _form(clinic, **policy) -> dict:
    data = {
        "policy-online_booking_enabled": "on",
        "policy-horizon_days": "30",
        "policy-min_notice_hours": "6",
        "policy-cancel_cutoff_hours": "48",
        "policy-reschedule_cutoff_hours": "12",
        "policy-hold_minutes": "20",
        "types-TOTAL_FORMS": "2",
        "types-INITIAL_FORMS": "2",
        "types-MIN_NUM_FORMS": "0",
        "types-MAX_NUM_FORMS": "1000",
    }
    for n, kind in enumerate(sorted([clinic.evaluation, clinic.follow_up], key=lambda k: k.name)):
        data[f"types-{n}-id"] = str(kind.pk)
        data[f"types-{n}-visit_kind"] = (
            VisitKind.FOLLOW_UP if kind == clinic.follow_up else VisitKind.NEW_PATIENT
        )
        if kind == clinic.follow_up:
            data[f"types-{n}-bookable_online"] = "on"
    data.update({f"policy-{k}": v for k, v in policy.items()})
    return data


def test_manager_sees_the_policy_in_plain_words(client_for, clinic, manager):
    """The page shows the location's rules as runners read them."""
    body = client_for(manager).get(URL).content.decode()
    assert "What runners read" in body
    assert "You can cancel online until 24 hours before your visit." in body
    assert "Initial evaluation" in body and "Follow-up" in body


def test_manager_saves_the_policy_and_the_online_types(client_for, clinic, manager):
    """A valid form saves the location's policy and each type's online choice and kind."""
    response = client_for(manager).post(f"{URL}?location={clinic.location.pk}", _form(clinic))
    assert response.status_code == 302
    saved = BookingPolicy.objects.get(location=clinic.location)
    assert (saved.horizon_days, saved.cancel_cutoff_hours, saved.hold_minutes) == (30, 48, 20)
    clinic.follow_up.refresh_from_db()
    clinic.evaluation.refresh_from_db()
    assert clinic.follow_up.bookable_online and not clinic.evaluation.bookable_online
    assert clinic.evaluation.visit_kind == VisitKind.NEW_PATIENT
    body = client_for(manager).get(f"{URL}?location={clinic.location.pk}").content.decode()
    assert "You can cancel online until 48 hours before your visit." in body


def test_out_of_range_values_are_refused_at_the_field(client_for, clinic, manager):
    """A zero-day horizon and a 3-minute hold are named at their fields; nothing is saved."""
    response = client_for(manager).post(URL, _form(clinic, horizon_days="0", hold_minutes="3"))
    body = response.content.decode()
    assert response.status_code == 400
    assert "Choose between 1 and 365 days." in body
    assert "Choose between 5 and 120 minutes, or leave it empty." in body
    assert not BookingPolicy.objects.exists()
    clinic.follow_up.refresh_from_db()
    assert not clinic.follow_up.bookable_online


def test_not_a_number_is_refused(client_for, clinic, manager):
    """Text in a number field is a field error, never a 500."""
    response = client_for(manager).post(URL, _form(clinic, cancel_cutoff_hours="soon"))
    assert response.status_code == 400
    assert "Enter a whole number." in response.content.decode()


def test_only_the_manager_opens_the_page(client_for, clinic, front_desk, therapist, runner):
    """The desk, therapists and runners get a 404; anonymous visitors the sign-in page."""
    assert Client().get(URL).status_code == 302
    for user in (front_desk, therapist, runner):
        assert client_for(user).get(URL).status_code == 404
        assert client_for(user).post(URL, _form(clinic)).status_code == 404
    assert not BookingPolicy.objects.exists()


def test_manage_menu_links_to_the_page(client_for, clinic, manager):
    """The manager's Manage menu has the Online booking item."""
    body = client_for(manager).get(reverse("patients:clinic_overview")).content.decode()
    assert f'href="{URL}"' in body
