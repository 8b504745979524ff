"""The manager's audit page: search by a patient's or a person's name, changes as old → new
values in words, and the same rows as CSV."""

import csv
import io

import pghistory
import pytest
from django.urls import reverse
from django.utils import timezone

from dangpt.audit.display import browser
from dangpt.models import AccessKind, AccessLog
from dangpt.roles import Role
from patients.services import appointment_cancel
from tests.factories import PatientFactory
from tests.patients.factories import AppointmentFactory

pytestmark = pytest.mark.django_db

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def _read(user, patient, *, kind=AccessKind.CHART, agent=CHROME_MAC):
    return AccessLog.objects.create(
        user=user,
        role=Role.THERAPIST,
        patient=patient,
        view="assessments:chart_detail",
        kind=kind,
        what=f"patient {patient.pk}",
        method="GET",
        ip_address="203.0.113.9",
        user_agent=agent,
        created_at=timezone.now(),
    )


@pytest.fixture
def reads(make_user):
    """A named therapist read two runners' charts."""
    reader = make_user(Role.THERAPIST, first_name="Teresa", last_name="Nguyen")
    ana = PatientFactory(first_name="Ana", last_name="Ruiz")
    ben = PatientFactory(first_name="Ben", last_name="Cole")
    _read(reader, ana)
    _read(reader, ben)
    return reader, ana, ben


def test_search_by_patient_name_finds_only_their_reads(client_for, manager, reads):
    """Typing part of a name finds that patient's reads; no numeric id is needed."""
    reader, ana, ben = reads
    page = client_for(manager).get(reverse("audit:search"), {"patient": "ruiz"})
    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('<tr class="audit-row">') == 1
    assert "Ana Ruiz" in text and "Ben Cole" not in text


def test_search_by_record_number_still_works(client_for, manager, reads):
    """A manager holding a record number can search by it (#12 or 12)."""
    _, ana, _ = reads
    page = client_for(manager).get(reverse("audit:search"), {"patient": f"#{ana.pk}"})
    assert page.content.decode().count('<tr class="audit-row">') == 1


def test_unknown_patient_name_is_an_error_at_the_field(client_for, manager, reads):
    """A name nobody has says so at the field instead of listing everything."""
    page = client_for(manager).get(reverse("audit:search"), {"patient": "Zzyzx"})
    text = page.content.decode()
    assert "No patient has that name" in text
    assert '<tr class="audit-row">' not in text


def test_search_by_staff_name(client_for, manager, reads, make_user):
    """A staff member is found by their name; other readers' rows are left out."""
    reader, ana, _ = reads
    other = make_user(Role.THERAPIST, first_name="Omar", last_name="Diaz")
    _read(other, ana)
    page = client_for(manager).get(reverse("audit:search"), {"user": "teresa nguyen"})
    text = page.content.decode()
    assert text.count('<tr class="audit-row">') == 2
    assert "Omar Diaz" not in text


def test_reads_show_names_kinds_and_browsers_not_keys(client_for, manager, reads):
    """People by name, the record kind in words, the browser in words: no username, no route
    name, no raw user agent in the visible text."""
    reader, _, _ = reads
    text = client_for(manager).get(reverse("audit:search")).content.decode()
    assert "Teresa Nguyen" in text and "Chrome 131 on macOS" in text
    assert f">{reader.username}<" not in text and reader.username not in text
    assert "assessments:chart_detail" not in text
    assert ">Mozilla/5.0" not in text


def test_changes_show_old_and_new_values_in_words(client_for, manager, front_desk):
    """A cancellation reads "Status: Booked → Cancelled", by the person who made it."""
    appointment = AppointmentFactory()
    with pghistory.context(user=front_desk.pk, url="/desk/appointments/1/cancel/"):
        appointment_cancel(appointment=appointment, by=front_desk, reason="Feeling better")
    page = client_for(manager).get(
        reverse("audit:search"), {"log": "changes", "kind": "appointment"}
    )
    text = page.content.decode()
    assert "Status:" in text
    assert "Booked" in text and "Cancelled" in text and "changed to" in text
    assert front_desk.get_full_name() in text
    assert "Web app" in text and "/desk/appointments" not in text


def test_csv_has_every_matching_row_and_neutralises_formulas(client_for, manager, make_user):
    """The export holds the rows of the search, and a name a spreadsheet would run is text."""
    reader = make_user(Role.THERAPIST, first_name="Teresa", last_name="Nguyen")
    risky = PatientFactory(first_name="=HYPERLINK(1)", last_name="Smith")
    _read(reader, risky)
    response = client_for(manager).get(reverse("audit:search"), {"format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Cache-Control"] == "no-store, private"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["When (UTC)", "Who", "Username"]
    assert len(rows) == 2
    assert rows[1][1] == "Teresa Nguyen" and rows[1][4] == "'=HYPERLINK(1) Smith"
    assert rows[1][10] == "Chrome 131 on macOS"


def test_changes_csv_has_a_row_per_changed_field(client_for, manager, front_desk):
    """Each changed field is its own CSV row with the whole old and new values."""
    appointment = AppointmentFactory()
    with pghistory.context(user=front_desk.pk):
        appointment_cancel(appointment=appointment, by=front_desk, reason="Feeling better")
    response = client_for(manager).get(
        reverse("audit:search"), {"log": "changes", "kind": "appointment", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    status = [r for r in rows[1:] if r[7] == "Status"]
    assert status and status[0][8:10] == ["Booked", "Cancelled"]


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.FRONT_DESK, Role.RUNNER])
def test_csv_is_for_managers_only(client_for, make_user, role):
    """Nobody but a manager gets the export."""
    response = client_for(make_user(role)).get(reverse("audit:search"), {"format": "csv"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("agent", "expected"),
    [
        (CHROME_MAC, "Chrome 131 on macOS"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari 17 on iPhone",
        ),
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge 131 on Windows",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
            "Firefox 133 on Linux",
        ),
        ("python-httpx/0.27", "Other client"),
        ("", ""),
    ],
)
def test_browser_names(agent, expected):
    """User agents read as a browser and a system."""
    assert browser(agent) == expected


def test_an_export_is_logged_without_what_was_searched(client_for, manager, reads, caplog):
    """Taking the CSV leaves a log line naming who took it and which filters, not their values."""
    with caplog.at_level("INFO", logger="dangpt.audit"):
        response = client_for(manager).get(
            reverse("audit:search"), {"format": "csv", "patient": "ruiz"}
        )
        b"".join(response.streaming_content)
    line = next(r.getMessage() for r in caplog.records if r.name == "dangpt.audit")
    assert f"user {manager.pk}" in line and "patient" in line and "ruiz" not in line.lower()
