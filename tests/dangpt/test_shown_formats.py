"""One US date, time and phone format everywhere people read them (issue 21).

The scans fail when a template or an app's code hard-codes a 24-hour clock ("H:i", "%H:%M"), a
day-first date ("j M Y", "%d/%m") or the AP style ("N j, Y, P": "Dec. 5, 2026, 4:30 p.m."):
pages use ``|date``, ``|time`` or ``|shown:"name"`` (dangpt/dates.py NAMED_FORMATS) instead.
Machine formats (ISO in URLs, inputs, JSON and file names) are allowed by name below.
The rendering tests read the pages and emails people get.
"""

import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from dangpt.dates import shown
from patients.models import VisitKind
from patients.reminders.messages import build_message
from patients.reminders.models import ReminderKind
from patients.services import appointment_book, self_booking
from patients.services.self_booking import confirm_token
from tests.factories import PatientFactory
from tests.patients.conftest import at, build_clinic

ROOT = Path(__file__).resolve().parents[2]
APPS = ("dangpt", "patients", "programs", "assessments")
LA = ZoneInfo("America/Los_Angeles")

# Python lines that format for machines or logs, not for people: (path, text on the line).
MACHINE_PYTHON = {
    # HTML <input type="time"> and <input type="datetime-local"> values are ISO by the standard.
    ("patients/forms.py", 'format="%H:%M")'),
    ("patients/forms.py", 'format="%Y-%m-%dT%H:%M")'),
    ("patients/reminders/forms.py", 'format="%H:%M")'),
    # Internal labels (logs, shells), which the visible-text check refuses on any page.
    ("patients/models/holds.py", "%Y-%m-%d %H:%M} UTC"),
    ("patients/models/scheduling.py", "%Y-%m-%d %H:%M} UTC"),
    ("dangpt/models.py", "{self.seen_at:%Y-%m-%d %H:%M:%S}"),
    ("dangpt/models.py", "{self.created_at:%Y-%m-%d %H:%M}"),
    # File names and developer reports.
    ("dangpt/management/commands/export_fhir.py", '"%Y%m%dT%H%M%SZ"'),
    ("dangpt/tooling/bench/report.py", "%Y-%m-%d %H:%M} UTC"),
    ("dangpt/tooling/bench/__main__.py", '"%Y-%m-%d %H:%M UTC"'),
}

TEMPLATE_FORMAT = re.compile(r"\|(?:date|time):([\"'])(?P<fmt>[^\"']*)\1")
TRANSLATED_FORMAT = re.compile(r"\{%\s*translate\s+\"(?P<fmt>[^\"]*)\"\s+context\s+\"date format\"")
PYTHON_DJANGO_FORMAT = re.compile(
    r"(?:date_format|time_format|dateformat\.format|shown)\([^,()]+(?:\([^()]*\))?,\s*"
    r"(?:pgettext(?:_lazy)?\([^,]+,\s*)?[\"'](?P<fmt>[^\"']+)[\"']"
)
STRFTIME_24_HOUR = re.compile(r"%-?[HkT]")
STRFTIME_DAY_FIRST = re.compile(r"%-?[de][ ./-]+%-?[bBhm]")


def not_us(django_format: str) -> str | None:
    """Why a Django date format is not the US one people read, or None."""
    if re.fullmatch(r"[A-Z_]+_FORMAT", django_format):  # a setting's name: "YEAR_MONTH_FORMAT"
        return None
    letters = re.sub(r"\\.", "", django_format)  # escaped letters are text: r"\d\e"
    if re.search(r"[HG]", letters):
        return "24-hour clock"
    if re.search(r"[NP]", letters):
        return 'AP style ("Dec.", "p.m.")'
    if re.search(r"[jd][^a-zA-Z]*[MFbNnm]", letters):
        return "day before month"
    return None


def test_the_checker_knows_the_shapes():
    for bad in ("H:i", "G:i", "j M Y", "D j M", "l j F Y", "d/m/Y", "N j, Y, P", "j M Y, H:i"):
        assert not_us(bad), bad
    for good in ("M j, Y", "g:i A", "D, M j", "l, F j, Y", "Y-m-d", "c", "T", "m/d/Y", "g A"):
        assert not_us(good) is None, good
    assert STRFTIME_24_HOUR.search("{x:%H:%M}") and STRFTIME_DAY_FIRST.search("%-d %b %Y")
    assert not STRFTIME_24_HOUR.search("{x:%-I:%M %p}")


def template_problems(path: Path) -> list[str]:
    text = path.read_text()
    found = []
    for pattern in (TEMPLATE_FORMAT, TRANSLATED_FORMAT):
        for match in pattern.finditer(text):
            why = not_us(match["fmt"])
            if why:
                line = text.count("\n", 0, match.start()) + 1
                found.append(f'{path.relative_to(ROOT)}:{line}: "{match["fmt"]}" ({why})')
    return found


def test_no_template_hard_codes_a_24_hour_or_day_first_format():
    problems = []
    for path in sorted((ROOT / "templates").rglob("*")):
        if path.suffix in (".html", ".txt"):
            problems += template_problems(path)
    assert problems == [], "Use |date, |time or |shown:'name' instead:\n" + "\n".join(problems)


def python_files():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith("dangpt/formats/"):
                continue
            yield relative, path


def test_no_app_code_formats_dates_for_people_the_24_hour_or_day_first_way():
    problems = []
    for relative, path in python_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if any(relative == p and text in line for p, text in MACHINE_PYTHON):
                continue
            why = None
            if STRFTIME_24_HOUR.search(line):
                why = "24-hour clock"
            elif STRFTIME_DAY_FIRST.search(line):
                why = "day before month"
            else:
                match = PYTHON_DJANGO_FORMAT.search(line)
                why = match and not_us(match["fmt"])
            if why:
                problems.append(f"{relative}:{number}: {line.strip()} ({why})")
    assert problems == [], "Use dangpt.dates.shown(value, name):\n" + "\n".join(problems)


def test_machine_allow_list_entries_still_exist():
    """An allow-list line that is gone (or moved) is taken off the list, not left to excuse."""
    for relative, text in MACHINE_PYTHON:
        assert text in (ROOT / relative).read_text(), (relative, text)


def test_spanish_short_months_are_lowercase():
    with translation.override("es"):
        assert shown(dt.date(2026, 12, 5), "weekday") == "sáb 5 dic"
        assert shown(dt.date(2026, 12, 5)) == "5 dic 2026"


# --- Pages and emails ------------------------------------------------------------------------


@pytest.fixture
def clinic(make_user):
    clinic = build_clinic(make_user)
    clinic.location.phone = "+12135550100"
    clinic.location.save()
    clinic.patient = PatientFactory(
        first_name="Rosa",
        last_name="Reyes",
        preferred_location=clinic.location,
        phone="+13235550142",
        emergency_contact_name="Luis Reyes",
        emergency_contact_phone="+18185550199",
    )
    clinic.visit = appointment_book(
        patient=clinic.patient,
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 15, 30),
        location=clinic.location,
    )
    return clinic


@pytest.mark.django_db
def test_schedule_list_shows_twelve_hour_times_in_the_locations_zone(
    client_for, front_desk, clinic
):
    params = {"location": clinic.location.pk, "date": clinic.monday.isoformat()}
    day = client_for(front_desk).get(reverse("patients:schedule"), params, HTTP_HX_REQUEST="true")
    html = day.content.decode()
    assert "3:30 PM–4:15 PM" in html
    assert "15:30" not in html and "16:15" not in html
    assert shown(clinic.monday, "long") in html  # "Monday, December 21, 2026"


@pytest.mark.django_db
def test_patient_detail_and_list_show_phones_the_us_way(client_for, front_desk, clinic):
    client = client_for(front_desk)
    detail = client.get(reverse("patients:detail", args=[clinic.patient.pk])).content.decode()
    assert "(323) 555-0142" in detail and "Luis Reyes (818) 555-0199" in detail
    assert "+13235550142" not in detail and "+18185550199" not in detail
    # The visit in the history: weekday, date and a 12-hour time, no 24-hour clock.
    assert f"{shown(clinic.monday, 'weekday_year')}, 3:30 PM" in detail
    assert "15:30" not in detail
    listing = client.get(reverse("patients:list"), {"q": "Reyes"}).content.decode()
    assert "(323) 555-0142" in listing and "+13235550142" not in listing
    assert "May 17, 1990" in listing  # the date of birth, not "1990-05-17"
    # The desk finds people by what it reads: a US date of birth and the phone as shown.
    for typed in ("05/17/1990", "5/17/1990", "(323) 555-0142"):
        found = client.get(reverse("patients:list"), {"q": typed}).content.decode()
        assert "Reyes" in found, typed


@pytest.mark.django_db
def test_reminder_email_shows_a_twelve_hour_time_and_the_clinics_phone(clinic):
    reminder = clinic.visit.reminders.get(kind=ReminderKind.REMINDER_24H)
    with translation.override("es"):  # whatever the worker's language, the runner's is used
        message = build_message(reminder)
    local = clinic.visit.start.astimezone(LA)
    assert f"{local:%a, %b} {local.day}, 3:30 PM" in message.subject
    for body in (message.text, message.html):
        assert f"{local:%A, %B} {local.day}, {local.year}, 3:30 PM" in body
        assert "(213) 555-0100" in body and "+12135550100" not in body
        assert "15:30" not in body


@pytest.mark.django_db
def test_emails_and_pages_show_the_locations_time_wherever_they_are_sent_from(make_user, client):
    """A New York visit at 10:00 reads "10:00 AM" though the server's zone is Los Angeles."""
    clinic = build_clinic(make_user)
    clinic.location.time_zone = "America/New_York"
    clinic.location.save()
    clinic.evaluation.bookable_online = True
    clinic.evaluation.visit_kind = VisitKind.NEW_PATIENT
    clinic.evaluation.save()
    new_york = ZoneInfo("America/New_York")
    start = dt.datetime.combine(clinic.monday, dt.time(10), tzinfo=new_york)
    patient = PatientFactory(preferred_location=clinic.location)
    visit = appointment_book(
        patient=patient,
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=start,
        location=clinic.location,
    )
    reminder = build_message(visit.reminders.get(kind=ReminderKind.REMINDER_24H))
    assert ", 10:00 AM" in reminder.subject and ", 10:00 AM" in reminder.text
    assert "7:00 AM" not in reminder.text
    hold = self_booking.booking_hold_create(
        location=clinic.location,
        appointment_type=clinic.evaluation,
        start=start + dt.timedelta(hours=3),
        therapist=clinic.therapist,
        details=self_booking.clean_details(
            first_name="Ana",
            last_name="Runner",
            email="ana@example.com",
            phone="(213) 555-0100",
            date_of_birth=dt.date(1990, 5, 1),
        ),
    )
    _subject, body, _sender, _to = self_booking._confirm_email(hold)
    assert f"{shown(clinic.monday, 'long')}, 1:00 PM" in body
    assert f"{shown(clinic.monday, 'long')}, 10:00 AM" not in body  # not Los Angeles' wall time
    page = client.get(reverse("patients:public_book_confirm", args=[confirm_token(hold)]))
    assert f"{shown(clinic.monday, 'long')}, 1:00 PM" in page.content.decode()


@pytest.mark.django_db
def test_calendar_names_both_halves_of_the_day_when_a_visit_crosses_noon(
    client_for, front_desk, make_user
):
    """11:30 AM–12:15 PM, not "11:30–12:15 PM" (which reads as 11:30 at night)."""
    clinic = build_clinic(make_user)
    appointment_book(
        patient=PatientFactory(preferred_location=clinic.location),
        therapist=clinic.therapist,
        appointment_type=clinic.follow_up,
        start=at(clinic.monday, 11, 30),
        location=clinic.location,
    )
    params = {"location": clinic.location.pk, "date": clinic.monday.isoformat(), "view": "day"}
    html = client_for(front_desk).get(reverse("patients:calendar"), params).content.decode()
    assert "11:30 AM–12:15 PM" in html
