"""Waitlist offers: every path that frees a slot offers it; the first claim books it."""

import datetime as dt
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dangpt.roles import Role
from dangpt.services import api_token_create
from patients import services
from patients.models import (
    AppointmentStatus,
    OfferStatus,
    VisitKind,
    WaitlistOffer,
    WaitlistStatus,
)
from patients.reminders.links import appointment_link
from patients.services.offers import offer_link, offer_message
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic
from tests.patients.factories import WaitlistEntryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(make_user):
    """A clinic, a runner with a booked Monday 10:00 visit, and one waiting patient who fits."""
    clinic = build_clinic(make_user)
    clinic.follow_up.bookable_online = True
    clinic.follow_up.visit_kind = VisitKind.FOLLOW_UP
    clinic.follow_up.save()
    clinic.runner = make_user(Role.RUNNER)
    clinic.patient = PatientFactory(user=clinic.runner, preferred_location=clinic.location)
    clinic.visit = services.appointment_book(
        patient=clinic.patient,
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10),
        location=clinic.location,
    )
    clinic.waiting = WaitlistEntryFactory(
        patient=PatientFactory(first_name="Wendy", last_name="Waits"),
        appointment_type=clinic.follow_up,
        location=clinic.location,
    )
    return clinic


def _offers(clinic):
    return list(WaitlistOffer.objects.filter(entry=clinic.waiting))


def _offered_the_freed_slot(clinic, start=None):
    offers = _offers(clinic)
    assert len(offers) == 1, offers
    assert offers[0].start == (start or at(clinic.monday, 10))
    assert offers[0].therapist == clinic.therapist and offers[0].status == OfferStatus.OFFERED
    return offers[0]


def _bearer(user) -> dict:
    _, raw = api_token_create(user=user, second_factor=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_desk_cancel_offers_the_slot(client_for, clinic, front_desk):
    """The desk's cancel page frees the slot and the waiting patient is offered it."""
    client_for(front_desk).post(
        reverse("patients:cancel", args=[clinic.visit.pk]), {"reason": "Runner called"}
    )
    _offered_the_freed_slot(clinic)


def test_email_link_cancel_offers_the_slot(clinic):
    """The runner's cancel link from a reminder email frees and offers the slot."""
    Client().post(urlsplit(appointment_link(appointment=clinic.visit, action="cancel")).path)
    _offered_the_freed_slot(clinic)


def test_api_cancel_offers_the_slot(clinic):
    """The runner's API cancel frees and offers the slot."""
    response = Client(**_bearer(clinic.runner)).post(
        f"/api/v1/appointments/{clinic.visit.pk}/cancel", {}, content_type="application/json"
    )
    assert response.status_code == 200
    _offered_the_freed_slot(clinic)


def test_portal_cancel_offers_the_slot(client_for, clinic):
    """The runner's cancel in My appointments frees and offers the slot."""
    client_for(clinic.runner).post(
        reverse("patients:my_appointment_cancel", args=[clinic.visit.pk])
    )
    _offered_the_freed_slot(clinic)


def test_portal_reschedule_offers_the_old_slot(client_for, clinic):
    """Moving a visit in My appointments offers the time it left."""
    new_start = at(clinic.monday + dt.timedelta(days=1), 9)
    client_for(clinic.runner).post(
        reverse("patients:my_appointment_reschedule", args=[clinic.visit.pk]),
        {"start": new_start.isoformat(), "therapist": clinic.therapist.pk},
    )
    _offered_the_freed_slot(clinic)


def test_desk_move_offers_the_old_slot(clinic, front_desk):
    """The desk moving a visit (the booking service's move) offers the old time."""
    services.appointment_reschedule(
        appointment=clinic.visit, start=at(clinic.monday, 14), by=front_desk
    )
    _offered_the_freed_slot(clinic)


def test_a_move_within_the_old_slot_offers_nothing_it_still_covers(clinic, front_desk):
    """A visit moved 15 minutes later still covers most of its old time: no offer of it."""
    services.appointment_reschedule(
        appointment=clinic.visit, start=at(clinic.monday, 10, 15), by=front_desk
    )
    assert _offers(clinic) == []


def test_no_show_and_past_slots_offer_nothing(clinic, front_desk):
    """A freed slot in the past helps nobody and is not offered."""
    services.slot_freed(
        therapist=clinic.therapist,
        location=clinic.location,
        start=timezone.now() - dt.timedelta(hours=1),
        end=timezone.now(),
    )
    assert _offers(clinic) == []


def test_entries_that_do_not_fit_are_not_offered(clinic, make_user):
    """Another therapist preferred, another weekday, or a longer type: no offer."""
    other = make_user(Role.THERAPIST)
    WaitlistEntryFactory(appointment_type=clinic.follow_up, preferred_therapist=other)
    WaitlistEntryFactory(appointment_type=clinic.follow_up, preferred_weekdays=[2])
    WaitlistEntryFactory(appointment_type=clinic.evaluation)  # 60 min does not fit 45
    services.appointment_cancel(appointment=clinic.visit, by=None)
    assert WaitlistOffer.objects.count() == 1
    assert WaitlistOffer.objects.get().entry == clinic.waiting


def test_claim_books_and_later_clicks_see_gone(clinic):
    """The claim page books the slot; another offer of it and the same link later say gone."""
    second = WaitlistEntryFactory(
        patient=PatientFactory(), appointment_type=clinic.follow_up, location=clinic.location
    )
    services.appointment_cancel(appointment=clinic.visit, by=None)
    mine = WaitlistOffer.objects.get(entry=clinic.waiting)
    theirs = WaitlistOffer.objects.get(entry=second)
    path = urlsplit(offer_link(mine)).path
    page = Client().get(path).content.decode()
    assert "Book it" in page and "10:00 AM" in page and "Dana Nguyen" in page
    response = Client().post(path)
    assert response.status_code == 200 and "You are booked" in response.content.decode()
    clinic.waiting.refresh_from_db()
    assert clinic.waiting.status == WaitlistStatus.BOOKED
    assert clinic.waiting.appointment.start == at(clinic.monday, 10)
    late = Client().post(urlsplit(offer_link(theirs)).path)
    assert late.status_code == 409
    assert "Sorry, someone else took this time" in late.content.decode()
    assert Client().get(path).content.decode().count("You are booked") == 1
    theirs.refresh_from_db()
    assert theirs.status == OfferStatus.GONE


def test_offer_is_gone_when_the_desk_books_the_slot(clinic):
    """The desk booking someone else into the slot makes every open offer of it gone."""
    services.appointment_cancel(appointment=clinic.visit, by=None)
    services.appointment_book(
        patient=PatientFactory(),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 10),
        location=clinic.location,
    )
    offer = WaitlistOffer.objects.get(entry=clinic.waiting)
    assert offer.status == OfferStatus.GONE
    page = Client().get(urlsplit(offer_link(offer)).path).content.decode()
    assert "Sorry, someone else took this time" in page and "Book it" not in page


def test_forged_claim_link_is_404(clinic):
    """A token that is not ours shows a plain page, never a booking."""
    response = Client().post(reverse("patients:offer_claim", args=["forged"]))
    assert response.status_code == 404


def test_removed_entry_offer_is_gone(clinic, front_desk):
    """Taking the entry off the waitlist makes its open offers gone."""
    services.appointment_cancel(appointment=clinic.visit, by=None)
    services.waitlist_remove(entry=clinic.waiting, by=front_desk)
    assert WaitlistOffer.objects.get(entry=clinic.waiting).status == OfferStatus.GONE


def test_desk_waitlist_page_shows_who_claimed_what(client_for, clinic, front_desk):
    """The desk's waitlist page lists offers with the patient's and therapist's names."""
    services.appointment_cancel(appointment=clinic.visit, by=None)
    Client().post(urlsplit(offer_link(WaitlistOffer.objects.get())).path)
    body = client_for(front_desk).get(reverse("patients:waitlist")).content.decode()
    assert "Recent offers" in body and "Claimed" in body
    assert "Wendy Waits" in body and "Dana Nguyen" in body


def test_offer_message_is_in_the_patients_language(clinic):
    """A Spanish-speaking patient's offer email is in Spanish, with a 12-hour time."""
    clinic.waiting.patient.preferred_language = "es"
    clinic.waiting.patient.save()
    services.appointment_cancel(appointment=clinic.visit, by=None)
    message = offer_message(WaitlistOffer.objects.get())
    assert "Se liberó una hora" in message.text and " · 10:00 AM" in message.text
    assert "/offer/" in message.text


def test_a_lost_task_is_swept(clinic):
    """An offer still unsent minutes later is listed for the sweeper to send."""
    services.appointment_cancel(appointment=clinic.visit, by=None)
    offer = WaitlistOffer.objects.get()
    assert services.waitlist_offers_unsent() == []
    later = timezone.now() + dt.timedelta(minutes=5)
    assert services.waitlist_offers_unsent(now=later) == [offer.pk]


def test_claimed_visit_is_active_and_owned(clinic):
    """The claimed appointment belongs to the waiting patient and holds the slot."""
    services.appointment_cancel(appointment=clinic.visit, by=None)
    offer = services.offer_claim(offer=WaitlistOffer.objects.get())
    assert offer.status == OfferStatus.CLAIMED
    assert offer.appointment.patient == clinic.waiting.patient
    assert offer.appointment.status == AppointmentStatus.BOOKED
