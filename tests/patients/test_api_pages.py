"""API lists: the default window, local-day date filters, and keyset pages with Link rel=next."""

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from dangpt.pagination import CURSOR_SALT
from dangpt.services import api_token_create
from patients.querysets import local_day_bounds
from tests.factories import LocationFactory, PatientFactory, UserFactory
from tests.patients.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

LA = "America/Los_Angeles"
NEW_YORK = "America/New_York"


@pytest.fixture
def api(client):
    """Call the API as a user: api(user).get(path, **query); `.headers` carry the token."""

    class Caller:
        def __init__(self, user):
            _, raw = api_token_create(user=user, second_factor=True)
            self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

        def get(self, path, **params):
            return client.get("/api/v1" + path, params, **self.headers)

    return Caller


def _today_start(tz_name: str) -> dt.datetime:
    today = timezone.now().astimezone(ZoneInfo(tz_name)).date()
    return local_day_bounds(today, tz_name)[0]


def _book(start: dt.datetime, location=None, **fields):
    """An appointment with its own patient and therapist, so any two may share a start."""
    fields.setdefault("patient", PatientFactory())
    fields.setdefault("therapist", UserFactory())
    return AppointmentFactory(
        start=start,
        location=location or LocationFactory(name="Test Silver Lake", time_zone=LA),
        **fields,
    )


def _next_url(response) -> str | None:
    link = response.get("Link")
    if not link:
        return None
    found = re.fullmatch(r'<(http://testserver/api/v1/[^>]+)>; rel="next"', link)
    assert found, link
    return found.group(1).removeprefix("http://testserver")


def _walk(client, caller, path: str, **params) -> tuple[list[int], int]:
    """Follow the Link rel=next pages from the first; the ids in order and the pages read."""
    response = caller.get(path, **params)
    ids, pages = [], 0
    while True:
        assert response.status_code == 200, response.content
        ids += [row["id"] for row in response.json()]
        pages += 1
        url = _next_url(response)
        if url is None:
            return ids, pages
        assert response["X-Next-Cursor"] in url
        response = client.get(url, **caller.headers)


def test_the_appointment_list_starts_today_in_each_locations_time_zone(api, manager):
    """No filter: from the start of today, each location's today, in start order."""
    la = LocationFactory(name="Test Silver Lake", time_zone=LA)
    ny = LocationFactory(name="Test Brooklyn", time_zone=NEW_YORK)
    la_today, ny_today = _today_start(LA), _today_start(NEW_YORK)
    yesterday_la = _book(la_today - dt.timedelta(minutes=30), la)
    midnight_la = _book(la_today, la)
    yesterday_ny = _book(ny_today - dt.timedelta(minutes=30), ny)
    midnight_ny = _book(ny_today, ny)
    later = _book(la_today + dt.timedelta(days=3), la)
    old = _book(dt.datetime(2016, 1, 4, 17, tzinfo=dt.UTC), la)

    response = api(manager).get("/appointments")

    assert response.status_code == 200
    ids = [row["id"] for row in response.json()]
    assert ids == [a.pk for a in sorted([midnight_la, midnight_ny, later], key=lambda a: a.start)]
    assert not {yesterday_la.pk, yesterday_ny.pk, old.pk} & set(ids)
    assert "Link" not in response


def test_next_links_walk_every_appointment_once_in_order_with_equal_starts(client, api, manager):
    """Pages of 3 over 11 rows (five share one start) give each row once, in (start, id)."""
    base = _today_start(LA) + dt.timedelta(days=1, hours=16)
    rows = [_book(base) for _ in range(5)]
    rows += [_book(base + dt.timedelta(hours=n)) for n in (-2, -1, 1, 2, 3, 4)]
    expected = [a.pk for a in sorted(rows, key=lambda a: (a.start, a.pk))]

    ids, pages = _walk(client, api(manager), "/appointments", limit=3)

    assert ids == expected
    assert pages == 4
    one_page, _ = _walk(client, api(manager), "/appointments", limit=11)
    assert one_page == expected


def test_the_next_link_keeps_the_filters(client, api, manager):
    """The next page of a dated, per-therapist list stays that list."""
    therapist = UserFactory()
    day = dt.date(2029, 5, 14)
    start = local_day_bounds(day, LA)[0] + dt.timedelta(hours=9)
    mine = [_book(start + dt.timedelta(hours=n), therapist=therapist) for n in range(3)]
    _book(start)  # another therapist's, same day
    _book(start + dt.timedelta(days=1))  # the next day

    caller = api(manager)
    first = caller.get("/appointments", date=day.isoformat(), therapist=therapist.pk, limit=2)
    assert f"therapist={therapist.pk}" in first["Link"] and "date=2029-05-14" in first["Link"]
    ids, _ = _walk(client, caller, "/appointments", date=day.isoformat(), therapist=therapist.pk)
    assert ids == [a.pk for a in mine]
    paged, pages = _walk(
        client, caller, "/appointments", date=day.isoformat(), therapist=therapist.pk, limit=2
    )
    assert paged == ids and pages == 2


def test_a_date_is_the_locations_day_across_the_spring_dst_change(api, manager):
    """8 March 2026 in Los Angeles is 23 hours: 08:00 UTC that day to 07:00 UTC the next."""
    day = dt.date(2026, 3, 8)
    utc = dt.UTC
    before = _book(dt.datetime(2026, 3, 8, 7, 59, tzinfo=utc))  # 11:59 PM PST, 7 March
    first = _book(dt.datetime(2026, 3, 8, 8, 0, tzinfo=utc))  # midnight PST
    last = _book(dt.datetime(2026, 3, 9, 6, 59, tzinfo=utc))  # 11:59 PM PDT
    after = _book(dt.datetime(2026, 3, 9, 7, 0, tzinfo=utc))  # midnight PDT, 9 March
    ny = LocationFactory(name="Test Brooklyn", time_zone=NEW_YORK)
    ny_first = _book(dt.datetime(2026, 3, 8, 5, 0, tzinfo=utc), ny)  # midnight EST
    ny_after = _book(dt.datetime(2026, 3, 9, 4, 0, tzinfo=utc), ny)  # midnight EDT, 9 March

    response = api(manager).get("/appointments", date=day.isoformat())

    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [ny_first.pk, first.pk, last.pk]
    assert response.json()[1]["start"] == "2026-03-08T00:00:00-08:00"
    assert response.json()[2]["start"] == "2026-03-08T23:59:00-07:00"
    spans = api(manager).get("/appointments", date_from="2026-03-07", date_to="2026-03-08")
    assert [row["id"] for row in spans.json()] == [ny_first.pk, before.pk, first.pk, last.pk]
    assert after.pk not in {row["id"] for row in spans.json()}
    assert ny_after.pk not in {row["id"] for row in spans.json()}


def test_date_from_reaches_the_past_and_date_to_alone_ends_the_window(api, manager):
    """date_from opens older days; date_to alone lists up to that day from today on."""
    old = _book(dt.datetime(2020, 2, 3, 17, tzinfo=dt.UTC))
    soon = _book(_today_start(LA) + dt.timedelta(days=2, hours=10))
    far = _book(_today_start(LA) + dt.timedelta(days=40, hours=10))
    caller = api(manager)
    assert [r["id"] for r in caller.get("/appointments", date_from="2020-01-01").json()] == [
        old.pk,
        soon.pk,
        far.pk,
    ]
    until = (timezone.now() + dt.timedelta(days=10)).date().isoformat()
    assert [r["id"] for r in caller.get("/appointments", date_to=until).json()] == [soon.pk]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date": "2026-03-08", "date_from": "2026-03-01"}, "date"),
        ({"date_from": "2026-03-08", "date_to": "2026-03-01"}, "date_to"),
        ({"date": "2026-02-30"}, "date"),
        ({"limit": 501}, "limit"),
        ({"limit": 0}, "limit"),
    ],
)
def test_bad_list_filters_are_422_naming_the_field(api, manager, params, field):
    """Conflicting dates, an impossible day and a limit past the maximum are refused clearly."""
    response = api(manager).get("/appointments", **params)
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] and field in body["errors"], body


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        "eyJsIjoiYXBwb2ludG1lbnRzIiwiayI6WyIyMDI2LTEyLTA4VDIwOjMwOjAwKzAwOjAwIiw1ODE0MV19",
        "\u00e9" * 40,
    ],
)
def test_a_bad_cursor_is_a_422(api, manager, cursor):
    """A cursor the API did not issue (or an unsigned one) is a 422 on the cursor field."""
    response = api(manager).get("/appointments", cursor=cursor)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == ["cursor"]


def test_a_cursor_of_another_list_or_altered_is_a_422(api, manager):
    """A patients cursor does not page appointments; a cursor changed by one letter fails."""
    from django.core import signing

    for _ in range(3):
        PatientFactory()
    caller = api(manager)
    patients_cursor = caller.get("/patients", limit=1)["X-Next-Cursor"]
    assert caller.get("/appointments", cursor=patients_cursor).status_code == 422
    signer = signing.Signer(salt=CURSOR_SALT, sep=".")
    forged = signer.sign_object({"l": "appointments", "k": ["x", 1]})
    assert caller.get("/appointments", cursor=forged).status_code == 422
    altered = patients_cursor[:-1] + ("A" if patients_cursor[-1] != "A" else "B")
    assert caller.get("/patients", cursor=altered).status_code == 422


def test_patient_search_pages_walk_every_match_once_in_name_order(client, api, front_desk):
    """Patients with equal names page by id; the search text stays in the next link."""
    found = [PatientFactory(first_name="Ana", last_name="Reyes") for _ in range(4)]
    found += [PatientFactory(first_name=f, last_name="Reyesa") for f in ("Bo", "Al")]
    PatientFactory(first_name="Someone", last_name="Else")
    expected = [p.pk for p in sorted(found, key=lambda p: (p.last_name, p.first_name, p.pk))]

    ids, pages = _walk(client, api(front_desk), "/patients", q="reyes", limit=4)

    assert ids == expected and pages == 2
    assert api(front_desk).get("/patients", limit=201).status_code == 422


def test_without_location_or_patient_the_list_is_the_callers_locations(api, make_user):
    """A desk's default list is its own locations' days; `patient` still follows the patient
    to another location, and the manager's default holds every location."""
    from dangpt.roles import Role
    from patients.models import StaffProfile

    west = LocationFactory(name="Test West", time_zone=LA)
    east = LocationFactory(name="Test East", time_zone=LA)
    desk = make_user(Role.FRONT_DESK)
    StaffProfile.objects.get(user=desk).locations.set([west])
    patient = PatientFactory(preferred_location=west)  # a West patient, seen at East too
    tomorrow = _today_start(LA) + dt.timedelta(days=1, hours=9)
    at_west = _book(tomorrow, west, patient=patient)
    at_east = _book(tomorrow + dt.timedelta(hours=2), east, patient=patient)

    def ids(user, **params):
        response = api(user).get("/appointments", **params)
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()]

    assert ids(desk) == [at_west.pk]
    assert ids(desk, patient=patient.pk) == [at_west.pk, at_east.pk]
    assert ids(desk, location=east.pk) == [at_east.pk]
    assert ids(make_user(Role.MANAGER)) == [at_west.pk, at_east.pk]
