"""The front desk sees online-booking holds on the calendar as held (not bookable) and can
release one at its own locations, after a confirmation."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from dangpt.roles import Role
from patients import services
from patients.models import BookingHold, HoldStatus
from tests.factories import PatientFactory
from tests.patients.conftest import at
from tests.patients.test_public_booking import body as booking_body
from tests.patients.test_public_booking import confirm_url, hold, post
from tests.programs.factories import staff_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(online, make_user):
    user = make_user(Role.FRONT_DESK)
    staff_at(user, online.location)
    return user


def _calendar(client, clinic) -> str:
    url = reverse("patients:calendar")
    page = client.get(url, {"location": clinic.location.pk, "date": clinic.monday.isoformat()})
    assert page.status_code == 200
    return page.content.decode()


def test_the_calendar_shows_a_hold_as_held_with_a_release_for_the_desk(online, desk, client_for):
    """The held time is not a free, bookable cell: it says "Held online" and offers the desk
    "Release hold"; a therapist sees it held without the action."""
    held = hold(online, at(online.monday, 10))
    page = _calendar(client_for(desk), online)
    assert "Held online" in page
    release = reverse("patients:hold_release", args=[held.pk])
    assert f'href="{release}"' in page
    assert f"start={held.start.isoformat().replace('+', '%2B')}" not in page  # no "Book" link
    staff_at(online.therapist, online.location)
    assert release not in _calendar(client_for(online.therapist), online)


def test_release_asks_then_frees_the_time_and_the_runner_s_link_expires(
    online, desk, client_for, client, django_capture_on_commit_callbacks
):
    """GET asks (nothing changes); POST releases: the slot is bookable again and the runner's
    confirm link shows the expired page."""
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, booking_body(online, at(online.monday, 10))).status_code == 202
    from django.core import mail

    link = confirm_url(mail.outbox[-1])
    held = BookingHold.objects.get()
    url = reverse("patients:hold_release", args=[held.pk])
    desk_client = client_for(desk)
    page = desk_client.get(url)
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "Release this online booking hold?" in text and "Ana Runner" in text
    assert BookingHold.objects.get().status == HoldStatus.HELD
    response = desk_client.post(url)
    assert response.status_code == 302
    assert re.search(rf"location={online.location.pk}&(amp;)?date={online.monday}", response.url)
    assert BookingHold.objects.get().status == HoldStatus.EXPIRED
    assert 'class="cal-off-label">Held online' not in _calendar(desk_client, online)
    services.appointment_book(  # the time is the desk's to book again
        patient=PatientFactory(),
        therapist=online.therapist,
        appointment_type=online.evaluation,
        start=at(online.monday, 10),
    )
    assert Client().get(link).status_code == 410
    assert desk_client.post(url).status_code == 404  # released already


def test_release_is_the_desk_s_at_its_own_locations_only(online, desk, client_for, make_user):
    """A desk member of another location, a therapist and a runner get no release; the hold
    stays."""
    from tests.factories import LocationFactory

    held = hold(online, at(online.monday, 10))
    url = reverse("patients:hold_release", args=[held.pk])
    elsewhere = make_user(Role.FRONT_DESK)
    elsewhere.staff_profile.locations.set([LocationFactory(name="Elsewhere")])
    assert client_for(elsewhere).get(url).status_code == 404
    assert client_for(elsewhere).post(url).status_code == 404
    for role in (Role.THERAPIST, Role.RUNNER):
        user = make_user(role)
        if role == Role.THERAPIST:
            staff_at(user, online.location)
        assert client_for(user).post(url).status_code in (403, 404)
    assert BookingHold.objects.get().status == HoldStatus.HELD
    other = hold(online, at(online.monday, 13), **{"email": "bo@example.com"})
    assert BookingHold.objects.filter(pk=other.pk).update(status=HoldStatus.CONFIRMED) == 1
    assert (
        client_for(desk).get(reverse("patients:hold_release", args=[other.pk])).status_code == 404
    )


def test_a_hold_has_its_own_look_and_a_legend_entry(online, desk, client_for):
    """Held time is not drawn as "Not working": its own class, and the legend names it."""
    hold(online, at(online.monday, 10))
    page = _calendar(client_for(desk), online)
    cell = re.search(
        r'<td rowspan="\d+" class="([^"]*)">\s*<span class="cal-off-label">Held online', page
    )
    assert cell and "cal-off" not in cell.group(1).split() and "cal-held" in cell.group(1)
    legend = page.split('class="list-inline small mb-2 cal-legend"', 1)[1].split("</ul>", 1)[0]
    assert 'cal-swatch cal-held"></span> Held online' in legend
