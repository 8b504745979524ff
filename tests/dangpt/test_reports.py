"""The manager's reports: figures counted again here from the rows each test creates, CSV and
JSON alike, the date and location filters, who may see them, bad input and empty reports."""

import csv
import datetime as dt
import io
from statistics import median
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments.models import EvaluationStatus
from dangpt.reports import DATE, cell
from dangpt.roles import Role
from dangpt.services import api_token_create
from patients.models import WaitlistStatus
from patients.reminders.models import Reminder
from programs.models import SessionLog
from tests.assessments.factories import (
    EvaluationFactory,
    OutcomeResultFactory,
    PromScheduleFactory,
    ScreeningFactory,
)
from tests.factories import LocationFactory, PatientFactory, default_location
from tests.patients.factories import (
    AppointmentFactory,
    AppointmentTypeFactory,
    TimeOffFactory,
    WaitlistEntryFactory,
    WorkingHoursFactory,
)
from tests.programs.factories import program_with_items

pytestmark = pytest.mark.django_db
ZONE = ZoneInfo("America/Los_Angeles")
MONDAY = dt.date(2026, 11, 2)
WEEK = {"from": "2026-11-02", "to": "2026-11-08"}


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=ZONE)


def api(client, user, name: str, **params):
    _, raw = api_token_create(user=user, name="reports", second_factor=True)
    return client.get(f"/api/v1/reports/{name}", params, HTTP_AUTHORIZATION=f"Bearer {raw}")


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def therapist_a(make_user):
    return make_user(Role.THERAPIST, first_name="Ana", last_name="Reyes")


@pytest.fixture
def therapist_b(make_user):
    return make_user(Role.THERAPIST, first_name="Ben", last_name="Okafor")


def visits(therapist, location, day, statuses: list[tuple[str, bool]], hour: int = 7):
    """One appointment per (status, late cancel), an hour apart from ``hour`` local time."""
    kind = AppointmentTypeFactory(name="Follow-up", duration_minutes=45)
    made = []
    for n, (status, late) in enumerate(statuses):
        start = at(day, 0) + dt.timedelta(hours=hour + n % 12, days=n // 12)
        cancelled = timezone.now() if status == "cancelled" else None
        made.append(
            AppointmentFactory(
                therapist=therapist,
                location=location,
                appointment_type=kind,
                start=start,
                status=status,
                late_cancel=late,
                cancelled_at=cancelled,
            )
        )
    return made


def twenty_visits():
    """7 no-shows, 3 late cancellations and 10 attended visits, and 2 timely cancellations."""
    return (
        [("no_show", False)] * 7
        + [("cancelled", True)] * 3
        + [("completed", False)] * 8
        + [("checked_in", False)] * 2
        + [("cancelled", False)] * 2
    )


# --- Attendance -------------------------------------------------------------------------------
def test_attendance_counts_the_rows_of_the_week_and_location(client, manager, therapist_a):
    """A no-show rate on 7 of 20 scheduled visits is 35%; other places and weeks stay out."""
    home, elsewhere = default_location(), LocationFactory(name="Pasadena")
    made = visits(therapist_a, home, MONDAY, twenty_visits())
    visits(therapist_a, elsewhere, MONDAY + dt.timedelta(days=2), [("no_show", False)] * 4)
    visits(therapist_a, home, MONDAY - dt.timedelta(days=7), [("no_show", False)] * 3)
    scheduled = [a for a in made if not (a.status == "cancelled" and not a.late_cancel)]
    no_shows = [a for a in made if a.status == "no_show"]
    late = [a for a in made if a.late_cancel]

    body = api(client, manager, "attendance", location=home.pk, **WEEK).json()

    assert body["location"] == {"id": home.pk, "name": home.name}
    assert body["rows"] == [
        {
            "week": "2026-11-02",
            "therapist": "Ana Reyes",
            "scheduled": len(scheduled),
            "attended": 10,
            "no_shows": len(no_shows),
            "no_show_rate": 35.0,
            "late_cancels": len(late),
            "late_cancel_rate": round(100 * len(late) / len(scheduled), 1),
        }
    ]
    assert len(scheduled) == 20
    everywhere = api(client, manager, "attendance", **WEEK).json()["rows"]
    assert [(r["scheduled"], r["no_shows"]) for r in everywhere] == [(24, 11)]


def test_attendance_splits_weeks_and_therapists(client, manager, therapist_a, therapist_b):
    """One row per week and therapist, sorted by week then name."""
    home = default_location()
    visits(therapist_a, home, MONDAY, [("completed", False)] * 2)
    visits(therapist_b, home, MONDAY + dt.timedelta(days=8), [("no_show", False)])
    rows = api(client, manager, "attendance", **{"from": "2026-11-02", "to": "2026-11-15"})
    assert [(r["week"], r["therapist"], r["scheduled"]) for r in rows.json()["rows"]] == [
        ("2026-11-02", "Ana Reyes", 2),
        ("2026-11-09", "Ben Okafor", 1),
    ]


def test_csv_and_json_agree(client, manager, therapist_a, therapist_b):
    """The CSV has a header row of the column labels and the JSON's rows, as people read them."""
    home = default_location()
    visits(therapist_a, home, MONDAY, twenty_visits())
    visits(therapist_b, home, MONDAY + dt.timedelta(days=1), [("completed", False)] * 3)
    body = api(client, manager, "attendance", **WEEK).json()
    response = api(client, manager, "attendance", format="csv", **WEEK)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    header, *rows = csv_rows(response)
    assert header == [c["label"] for c in body["columns"]]
    expected = [
        [
            cell(dt.date.fromisoformat(row[c["key"]]) if c["kind"] == DATE else row[c["key"]],
                 c["kind"])
            for c in body["columns"]
        ]
        for row in body["rows"]
    ]  # fmt: skip
    assert rows == expected
    assert rows[0][:2] == ["Nov 2, 2026", "Ana Reyes"]
    assert rows[0][5] == "35.0%"


def test_page_shows_the_table_chart_and_csv_link(client_for, manager, therapist_a):
    """The page draws the same figures as the API, with the chart's data and a CSV link."""
    visits(therapist_a, default_location(), MONDAY, twenty_visits())
    url = reverse("reports:detail", args=["attendance"])
    response = client_for(manager).get(url, WEEK)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('<tr class="report-row">') == 1
    assert "35.0%" in page and "Ana Reyes" in page and "Nov 2, 2026" in page
    assert 'id="report-chart-data"' in page
    assert "format=csv" in page
    download = client_for(manager).get(url, {**WEEK, "format": "csv"})
    assert download["Content-Disposition"].startswith('attachment; filename="attendance-')
    assert csv_rows(download)[1][5] == "35.0%"


# --- Utilization and caseload -----------------------------------------------------------------
def test_utilization_is_booked_over_working_time_less_time_off(client, manager, therapist_a):
    """9 working hours on Monday less 2 hours off is 420 minutes; 4 booked visits of 45 minutes
    are 180 (42.9%); 2 cancellations freed slots and the waitlist took 1 of them."""
    home = default_location()
    WorkingHoursFactory(therapist=therapist_a, location=home, weekday=0)
    TimeOffFactory(therapist=therapist_a, start=at(MONDAY, 15), end=at(MONDAY, 17))
    made = visits(
        therapist_a,
        home,
        MONDAY,
        [("completed", False)] * 3 + [("no_show", False)] + [("cancelled", False)] * 2,
        hour=8,
    )
    taken = AppointmentFactory(
        therapist=therapist_a,
        location=home,
        appointment_type=made[0].appointment_type,
        start=made[4].start,
        status="booked",
    )
    WaitlistEntryFactory(status=WaitlistStatus.BOOKED, appointment=taken)
    booked_minutes = sum(
        (a.end - a.start).total_seconds() / 60 for a in [*made, taken] if a.status != "cancelled"
    )
    working_minutes = 9 * 60 - 2 * 60

    rows = api(client, manager, "utilization", location=home.pk, **WEEK).json()["rows"]

    assert rows == [
        {
            "therapist": "Ana Reyes",
            "working_hours": working_minutes / 60,
            "booked_hours": round(booked_minutes / 60, 1),
            "utilization": round(100 * booked_minutes / working_minutes, 1),
            "freed_slots": 2,
            "refilled": 1,
            "refill_rate": 50.0,
        }
    ]
    elsewhere = LocationFactory()
    assert api(client, manager, "utilization", location=elsewhere.pk, **WEEK).json()["rows"] == []


def test_caseload_counts_distinct_patients_seen(client, manager, therapist_a):
    """Two visits of one patient and one of another: 2 patients, 3 visits."""
    home, patient = default_location(), PatientFactory()
    kind = AppointmentTypeFactory(name="Follow-up", duration_minutes=45)
    for day in (0, 2):
        AppointmentFactory(
            therapist=therapist_a, patient=patient, location=home, appointment_type=kind,
            start=at(MONDAY + dt.timedelta(days=day), 9), status="completed",
        )  # fmt: skip
    visits(therapist_a, home, MONDAY, [("completed", False), ("no_show", False)], hour=11)
    rows = api(client, manager, "caseload", **WEEK).json()["rows"]
    assert rows == [
        {"therapist": "Ana Reyes", "patients": 2, "visits": 3, "visits_per_patient": 1.5}
    ]


# --- Outcomes and screening agreement ---------------------------------------------------------
def test_outcomes_share_reaching_the_mcid_and_median_change(client, manager):
    """LEFS 40 to 55 reaches the 9-point MCID, 40 to 42 does not: 1 of 2, median 8.5 points.
    A lone score, a later score outside the dates and another location's patient stay out."""
    home, elsewhere = default_location(), LocationFactory()
    series = {
        "improved": (home, [(MONDAY - dt.timedelta(weeks=6), 40), (MONDAY, 55)]),
        "small": (home, [(MONDAY - dt.timedelta(weeks=6), 40), (MONDAY, 42)]),
        "lone": (home, [(MONDAY, 30)]),
        "too late": (home, [(MONDAY - dt.timedelta(weeks=6), 40), (MONDAY + dt.timedelta(21), 70)]),
        "elsewhere": (elsewhere, [(MONDAY - dt.timedelta(weeks=6), 20), (MONDAY, 70)]),
    }
    for location, scores in series.values():
        schedule = PromScheduleFactory(
            patient=PatientFactory(preferred_location=location), condition="pfps"
        )
        for n, (day, score) in enumerate(scores):
            OutcomeResultFactory(
                patient=schedule.patient, schedule=schedule, instrument="lefs", score=score,
                max_score=80, taken_at=at(day, 10), timepoint=f"t{n}",
            )  # fmt: skip
    changes = [55 - 40, 42 - 40]

    rows = api(client, manager, "outcomes", location=home.pk, **WEEK).json()["rows"]

    assert rows == [
        {
            "condition": "Patellofemoral pain (runner's knee)",
            "measure": "Lower Extremity Functional Scale (LEFS)",
            "patients": 2,
            "reached_mcid": 1,
            "mcid_rate": 50.0,
            "median_change": median(changes),
        }
    ]


def test_outcomes_of_a_lower_is_better_measure_count_a_fall_as_improvement(client, manager):
    """Pain (NPRS) from 7 to 2 is an improvement of 5 points."""
    schedule = PromScheduleFactory(condition="itbs")
    for n, (day, score) in enumerate(((MONDAY - dt.timedelta(weeks=4), 7), (MONDAY, 2))):
        OutcomeResultFactory(
            patient=schedule.patient, schedule=schedule, instrument="nprs_now", score=score,
            taken_at=at(day, 10), timepoint=f"t{n}",
        )  # fmt: skip
    (row,) = api(client, manager, "outcomes", **WEEK).json()["rows"]
    assert row["measure"] == "Pain now (NPRS)"
    assert row["condition"] == "Iliotibial band syndrome"
    assert row["median_change"] == 5


def test_screening_agreement_by_ruleset_version(client, manager, therapist_a):
    """Two of three signed evaluations agree with the engine's top condition (66.7%); drafts,
    evaluations without a screening and those signed outside the dates stay out."""
    home = default_location()
    screenings = [ScreeningFactory(patient=PatientFactory()) for _ in range(5)]
    top = screenings[0].result["conditions"][0]["code"]
    other = "itbs" if top != "itbs" else "pfps"
    finals = [top, top, other]
    signed_at = at(MONDAY, 12)
    for screening, final in zip(screenings, finals, strict=False):
        EvaluationFactory(
            patient=screening.patient, therapist=therapist_a, screening=screening,
            working_diagnosis=final, status=EvaluationStatus.SIGNED, signed_by=therapist_a,
            signed_at=signed_at,
        )  # fmt: skip
    EvaluationFactory(patient=screenings[3].patient, screening=screenings[3], working_diagnosis=top)
    EvaluationFactory(
        patient=screenings[4].patient, therapist=therapist_a, screening=screenings[4],
        working_diagnosis=top, status=EvaluationStatus.SIGNED, signed_by=therapist_a,
        signed_at=signed_at - dt.timedelta(days=30),
    )  # fmt: skip
    agreed = sum(1 for final in finals if final == top)

    rows = api(client, manager, "screening-agreement", location=home.pk, **WEEK).json()["rows"]

    assert len(rows) == 1
    row = rows[0]
    assert row["ruleset"] == screenings[0].ruleset_version
    assert (row["compared"], row["agreed"]) == (len(finals), agreed)
    assert row["agreement"] == round(100 * agreed / len(finals), 1)
    assert top not in row["engine"].split() and "_" not in row["diagnoses"]


# --- Programs and reminders -------------------------------------------------------------------
def test_adherence_counts_sessions_of_active_programs(client, manager, therapist_a):
    """Three sessions logged in the last four weeks, two complete; one older session stays out."""
    patient = PatientFactory()
    program = program_with_items(therapist=therapist_a, patient=patient)
    today = timezone.localdate()
    for days_ago, done in ((1, True), (3, True), (5, False), (40, True)):
        SessionLog.objects.create(
            program=program, version=program.current_version,
            date=today - dt.timedelta(days=days_ago), completed=done,
        )  # fmt: skip
    program_with_items(therapist=therapist_a, patient=PatientFactory())  # active, not logging

    (row,) = api(client, manager, "adherence").json()["rows"]

    assert row == {
        "therapist": "Ana Reyes",
        "active": 2,
        "logging": 1,
        "logging_rate": 50.0,
        "sessions": 3,
        "completed": 2,
        "completion_rate": 66.7,
        "per_week": round(3 / 2 / 4, 1),
    }


def test_reminder_delivery_by_message_and_channel(client, manager, therapist_a):
    """Three sent and one failed: 75% delivered; a skipped one is not a failure."""
    home = default_location()
    made = visits(therapist_a, home, MONDAY, [("booked", False)] * 5)
    outcomes = ["sent", "sent", "sent", "failed", "skipped"]
    for appointment, status in zip(made, outcomes, strict=True):
        Reminder.objects.create(
            patient=appointment.patient, appointment=appointment, kind="reminder_24h",
            due_at=appointment.start - dt.timedelta(hours=2), status=status,
            sent_at=timezone.now() if status == "sent" else None,
        )  # fmt: skip
    rows = api(client, manager, "reminders", **WEEK).json()["rows"]
    assert rows == [
        {
            "kind": "Reminder the day before",
            "channel": "Email",
            "due": 5,
            "sent": 3,
            "failed": 1,
            "skipped": 1,
            "waiting": 0,
            "delivery_rate": 75.0,
        }
    ]


# --- Periods, bad input, access, empty states -------------------------------------------------
def test_the_default_period_is_the_last_four_weeks(client, manager):
    body = api(client, manager, "attendance").json()
    today = timezone.localdate()
    assert body["to"] == today.isoformat()
    assert body["from"] == (today - dt.timedelta(days=27)).isoformat()
    assert body["location"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2026-11-09", "to": "2026-11-02"}, "from"),
        ({"from": "2024-01-01", "to": "2026-11-02"}, "to"),
        ({"from": "1900-01-01", "to": "1900-01-02"}, "from"),
        ({"location": "999999"}, "location"),
        ({"from": "not a date"}, "from"),
        ({"format": "xml"}, "format"),
    ],
)
def test_bad_parameters_are_field_errors(client, manager, params, field):
    response = api(client, manager, "attendance", **params)
    assert response.status_code == 422
    assert field in response.json()["errors"], response.json()


def test_bad_dates_on_the_page_are_shown_at_the_field(client_for, manager):
    url = reverse("reports:detail", args=["utilization"])
    response = client_for(manager).get(url, {"from": "2026-11-09", "to": "2026-11-02"})
    assert response.status_code == 400
    assert "The start must be on or before the end." in response.content.decode()


def test_unknown_report_is_not_found(client, client_for, manager):
    assert api(client, manager, "payroll").status_code == 404
    assert client_for(manager).get("/manager/reports/payroll/").status_code == 404


@pytest.mark.parametrize("role", [Role.FRONT_DESK, Role.THERAPIST, Role.RUNNER])
def test_only_the_manager_sees_reports(client, client_for, make_user, role):
    """Front desk, therapists and runners get 404 on the pages, the CSV and the API."""
    user = make_user(role)
    assert api(client, user, "attendance").status_code == 404
    assert api(client, user, "outcomes", format="csv").status_code == 404
    signed_in = client_for(user)
    assert signed_in.get(reverse("reports:list")).status_code == 404
    for name in ("attendance", "screening-agreement"):
        url = reverse("reports:detail", args=[name])
        assert signed_in.get(url).status_code == 404
        assert signed_in.get(url, {"format": "csv"}).status_code == 404


def test_anonymous_callers_sign_in_first(client):
    response = client.get(reverse("reports:detail", args=["attendance"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.get("/api/v1/reports/attendance").status_code == 401


@pytest.mark.parametrize(
    "name",
    ["attendance", "utilization", "outcomes", "screening-agreement", "caseload", "adherence",
     "reminders"],
)  # fmt: skip
def test_every_report_has_an_empty_state(client, client_for, manager, name):
    """With nothing in the dates: an explanation on the page, no rows in JSON, a header in CSV."""
    page = client_for(manager).get(reverse("reports:detail", args=[name]))
    assert page.status_code == 200
    assert "data-report-empty" in page.content.decode()
    assert api(client, manager, name).json()["rows"] == []
    assert len(csv_rows(api(client, manager, name, format="csv"))) == 1


def test_report_list_links_every_report(client_for, manager):
    page = client_for(manager).get(reverse("reports:list")).content.decode()
    for name in ("attendance", "utilization", "outcomes", "screening-agreement"):
        assert reverse("reports:detail", args=[name]) in page


def test_reminders_at_a_location_count_its_appointments_and_its_patients_nudges(
    client, manager, therapist_a
):
    """Appointment reminders follow the appointment's location, program nudges the patient's."""
    home, elsewhere = default_location(), LocationFactory()
    (here,) = visits(therapist_a, home, MONDAY, [("booked", False)])
    (there,) = visits(therapist_a, elsewhere, MONDAY, [("booked", False)], hour=10)
    for appointment in (here, there):
        Reminder.objects.create(
            patient=appointment.patient, appointment=appointment, kind="reminder_24h",
            due_at=appointment.start - dt.timedelta(hours=2), status="sent",
            sent_at=timezone.now(),
        )  # fmt: skip
    for location, status in ((home, "failed"), (elsewhere, "sent")):
        Reminder.objects.create(
            patient=PatientFactory(preferred_location=location), kind="program_nudge",
            for_date=MONDAY, due_at=at(MONDAY, 18), status=status,
            sent_at=timezone.now() if status == "sent" else None,
        )  # fmt: skip
    rows = api(client, manager, "reminders", location=home.pk, **WEEK).json()["rows"]
    assert [(r["kind"], r["due"], r["sent"], r["failed"]) for r in rows] == [
        ("Daily program nudge", 1, 0, 1),
        ("Reminder the day before", 1, 1, 0),
    ]
    everywhere = api(client, manager, "reminders", **WEEK).json()["rows"]
    assert [r["due"] for r in everywhere] == [2, 2]


def test_the_page_shows_the_table_a_page_at_a_time(client_for, manager, therapist_a, monkeypatch):
    """Past a page of rows the table pages; the chart and the CSV keep every row."""
    monkeypatch.setattr("dangpt.wiring.reports.TABLE_PAGE", 2)
    home = default_location()
    for week in range(3):
        visits(therapist_a, home, MONDAY + dt.timedelta(weeks=week), [("completed", False)])
    url = reverse("reports:detail", args=["attendance"])
    period = {"from": "2026-11-02", "to": "2026-11-22"}
    first = client_for(manager).get(url, period).content.decode()
    second = client_for(manager).get(url, {**period, "page": 2}).content.decode()
    assert first.count('<tr class="report-row">') == 2
    assert second.count('<tr class="report-row">') == 1 and "Nov 16, 2026" in second
    assert "Page 1 of 2" in first
    download = client_for(manager).get(url, {**period, "page": 2, "format": "csv"})
    assert len(csv_rows(download)) == 4


def test_csv_keeps_a_formula_like_name_as_text(client, manager, make_user):
    """A name a spreadsheet would run as a formula is written with a leading quote."""
    therapist = make_user(Role.THERAPIST, first_name="=HYPERLINK(1)", last_name="")
    visits(therapist, default_location(), MONDAY, [("completed", False)])
    _, row = csv_rows(api(client, manager, "caseload", format="csv", **WEEK))
    assert row == ["'=HYPERLINK(1)", "1", "1", "1"]


def test_reports_are_never_cached(client, client_for, manager):
    """Page, CSV download and both API formats: `no-store, private` (they name people)."""
    url = reverse("reports:detail", args=["attendance"])
    responses = [
        client_for(manager).get(url, WEEK),
        client_for(manager).get(url, {**WEEK, "format": "csv"}),
        api(client, manager, "attendance", **WEEK),
        api(client, manager, "attendance", format="csv", **WEEK),
    ]
    for response in responses:
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"


# --- Page usability ---------------------------------------------------------------------------
def test_upcoming_visits_are_left_out_of_attendance(client, manager, therapist_a):
    """A booked visit later today or this week is neither attended nor missed yet."""
    now = timezone.localtime()
    past = visits(therapist_a, default_location(), now.date() - dt.timedelta(days=1),
                  [("completed", False), ("no_show", False)])  # fmt: skip
    AppointmentFactory(
        therapist=therapist_a,
        location=default_location(),
        appointment_type=past[0].appointment_type,
        start=now + dt.timedelta(minutes=30),
        status="booked",
    )
    rows = api(client, manager, "attendance").json()["rows"]
    assert sum(row["scheduled"] for row in rows) == 2
    assert sum(row["no_shows"] for row in rows) == 1


def test_page_shows_the_dates_applied_and_a_focusable_table(client_for, manager, therapist_a):
    """Without dates the fields hold the default range; the scrolling table can be focused."""
    today = timezone.localdate()
    visits(therapist_a, default_location(), today - dt.timedelta(days=2), [("completed", False)])
    page = client_for(manager).get(reverse("reports:detail", args=["caseload"])).content.decode()
    assert f'value="{(today - dt.timedelta(days=27)).isoformat()}"' in page
    assert f'value="{today.isoformat()}"' in page
    assert 'class="table-responsive"\n             tabindex="0"\n             role="region"' in page
    assert "Upcoming visits" not in page  # said only where it applies (attendance)


def test_managers_menu_links_the_reports(client_for, manager):
    page = client_for(manager).get(reverse("reports:list")).content.decode()
    assert f'href="{reverse("reports:list")}" aria-current="page">Reports</a>' in page
