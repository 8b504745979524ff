"""List reads write the access log: one row per patient shown, ids only, in one INSERT."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dangpt.models import AccessLog
from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.assessments.factories import (
    EvaluationFactory,
    OutcomeResultFactory,
    PromScheduleFactory,
    ScreeningFactory,
)
from tests.factories import PatientFactory, default_location
from tests.patients.factories import AppointmentFactory, WaitlistEntryFactory

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple[int, str, str]]:
    return sorted(AccessLog.objects.values_list("patient_id", "kind", "what"))


def _bearer(user) -> dict:
    _, raw = api_token_create(user=user, name="t", second_factor=True)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_patient_list_api_writes_one_row_per_patient_shown(client, front_desk):
    """GET /api/v1/patients logs each patient of the page, not the ones past the limit."""
    patients = [PatientFactory(last_name=f"Listed{n}") for n in range(3)]
    PatientFactory(last_name="Elsewhere")
    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            "/api/v1/patients", {"q": "Listed", "limit": 3}, **_bearer(front_desk)
        )
    assert response.status_code == 200 and len(response.json()) == 3
    assert _rows() == sorted((p.pk, "patient_list", f"patient list {p.pk}") for p in patients)
    row = AccessLog.objects.first()
    assert row.user == front_desk and row.view == "api:list_patients" and row.method == "GET"
    inserts = [q for q in captured.captured_queries if 'INSERT INTO "dangpt_accesslog"' in q["sql"]]
    assert len(inserts) == 1
    stored = " ".join(str(v) for v in AccessLog.objects.values("what", "view"))
    assert "Listed" not in stored


def test_an_empty_list_writes_nothing(client, front_desk):
    """A search with no match shows no patient and logs no read."""
    PatientFactory(last_name="Somebody")
    response = client.get("/api/v1/patients", {"q": "Nobody"}, **_bearer(front_desk))
    assert response.status_code == 200 and response.json() == []
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize("url", ["patients:list", "assessments:patient_list"])
def test_patient_list_pages_log_each_patient_on_the_page(client_for, therapist, url):
    """The desk's patient list and the clinician's chart list (search included)."""
    shown = [PatientFactory(last_name="Paged") for _ in range(2)]
    PatientFactory(last_name="Other")
    response = client_for(therapist).get(reverse(url), {"q": "Paged"})
    assert response.status_code == 200
    assert _rows() == sorted((p.pk, "patient_list", f"patient list {p.pk}") for p in shown)


def test_evaluation_list_logs_each_patient_once_with_their_notes(client_for, therapist):
    """Two notes of one patient make one row naming both notes; another patient a row of its own."""
    first = EvaluationFactory(therapist=therapist)
    second = EvaluationFactory(therapist=therapist, patient=first.patient)
    other = EvaluationFactory(therapist=therapist)
    response = client_for(therapist).get(reverse("assessments:evaluation_list"))
    assert response.status_code == 200
    rows = dict(AccessLog.objects.values_list("patient_id", "what"))
    assert set(rows) == {first.patient_id, other.patient_id}
    assert set(rows[first.patient_id].removeprefix("evaluations of patient ").split(", ")) == {
        str(first.pk),
        str(second.pk),
    }
    assert AccessLog.objects.filter(kind="evaluation_list").count() == 2


def test_screening_list_logs_each_patient_shown(client_for, therapist):
    """The screening list logs the patients of the screenings on the page."""
    screenings = [ScreeningFactory() for _ in range(2)]
    response = client_for(therapist).get(reverse("assessments:screening_list"), {"show": "all"})
    assert response.status_code == 200
    assert _rows() == sorted(
        (s.patient_id, "screening_list", f"screening list {s.pk}") for s in screenings
    )


def test_outcome_overview_logs_each_patient_shown(client_for, therapist):
    """The outcome overview names every scheduled patient it shows."""
    schedules = [PromScheduleFactory(created_by=therapist) for _ in range(2)]
    for schedule in schedules:
        OutcomeResultFactory(patient=schedule.patient)
    response = client_for(therapist).get(reverse("assessments:outcome_overview"))
    assert response.status_code == 200
    assert {p for p, _, _ in _rows()} == {s.patient_id for s in schedules}
    assert set(AccessLog.objects.values_list("kind", flat=True)) == {"outcome_overview"}


def test_day_schedule_logs_each_patient_booked_that_day(client_for, front_desk, make_user):
    """The desk's day schedule logs the patients of the appointments shown, not other days'."""
    therapist = make_user(Role.THERAPIST)
    here = default_location()  # the front desk's location: the schedule offers only its own
    day = AppointmentFactory(therapist=therapist, location=here)
    AppointmentFactory(therapist=therapist, location=here, start=day.start + dt.timedelta(days=1))
    local_day = day.start.astimezone(dt.timezone(dt.timedelta(hours=-8))).date()
    response = client_for(front_desk).get(
        reverse("patients:schedule"),
        {"location": day.location_id, "date": local_day.isoformat()},
    )
    assert response.status_code == 200
    assert _rows() == [(day.patient_id, "schedule", f"schedule {day.pk}")]


def test_therapists_day_logs_each_patient_shown(client_for, make_user):
    """The therapist's own day lists their appointments; each patient is logged."""
    therapist = make_user(Role.THERAPIST)
    appointment = AppointmentFactory(therapist=therapist)
    local_day = appointment.start.astimezone(dt.timezone(dt.timedelta(hours=-8))).date()
    response = client_for(therapist).get(
        reverse("patients:my_day"), {"date": local_day.isoformat()}
    )
    assert response.status_code == 200
    assert _rows() == [(appointment.patient_id, "schedule", f"schedule {appointment.pk}")]


def test_appointment_list_api_logs_each_patient_shown(client, front_desk):
    """GET /api/v1/appointments logs the patients of the appointments returned."""
    appointments = [
        AppointmentFactory(
            start=dt.datetime(2030, 1, 7 + n, 17, tzinfo=dt.UTC), location=default_location()
        )
        for n in range(2)
    ]
    response = client.get("/api/v1/appointments", **_bearer(front_desk))
    assert response.status_code == 200 and len(response.json()) == 2
    assert _rows() == sorted(
        (a.patient_id, "appointment_list", f"appointment list {a.pk}") for a in appointments
    )


@pytest.fixture
def superuser_client(client_for, make_user):
    return client_for(make_user(is_staff=True, is_superuser=True))


def test_admin_change_list_logs_each_patient_on_the_page(superuser_client):
    """An admin list of a patient-data model logs every patient on the page, by record id."""
    screenings = [ScreeningFactory() for _ in range(2)]
    response = superuser_client.get(reverse("admin:assessments_screening_changelist"))
    assert response.status_code == 200
    assert _rows() == sorted(
        (s.patient_id, "admin", f"admin page screening {s.pk}") for s in screenings
    )
    assert set(AccessLog.objects.values_list("view", flat=True)) == {
        "admin:assessments_screening_changelist"
    }


def test_admin_patient_list_and_change_page_log_the_patient(superuser_client):
    """The admin's patient list and a patient's change page each log the patient."""
    patient = PatientFactory()
    assert superuser_client.get(reverse("admin:patients_patient_changelist")).status_code == 200
    change = reverse("admin:patients_patient_change", args=[patient.pk])
    assert superuser_client.get(change).status_code == 200
    assert list(AccessLog.objects.order_by("id").values_list("patient_id", "view")) == [
        (patient.pk, "admin:patients_patient_changelist"),
        (patient.pk, "admin:patients_patient_change"),
    ]


def test_admin_of_every_patient_data_model_writes_the_access_log():
    """Every admin page of a model that holds patient data uses the audited admin."""
    from django.contrib import admin

    from dangpt.audit.admin import AuditedAdmin
    from patients.models import Patient

    def holds_patient_data(model, seen=()) -> bool:
        if model is Patient:
            return True
        return any(
            field.related_model is not None
            and field.related_model not in seen
            and field.many_to_one
            and holds_patient_data(field.related_model, (*seen, model))
            for field in model._meta.concrete_fields
        )

    unaudited = sorted(
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if holds_patient_data(model) and not isinstance(model_admin, AuditedAdmin)
    )
    assert not unaudited, f"admin pages of patient data without an access log: {unaudited}"


def test_program_list_and_dashboard_log_each_runner_shown(client_for, make_user):
    """The therapist's program list and the runners-to-check dashboard log each runner shown."""
    from programs import services
    from tests.programs.factories import make_runner, program_with_items

    therapist = make_user(Role.THERAPIST)
    program = program_with_items(therapist=therapist, patient=make_runner().patient, count=1)
    item = program.current_version.items[0]["item_id"]
    entries = [{"item_id": item, "done": True, "pain_during": 7, "pain_after": 6}]
    services.session_log(program=program, date=timezone.localdate(), entries=entries)
    client = client_for(therapist)
    for url in ("programs:list", "programs:dashboard"):
        assert client.get(reverse(url)).status_code == 200
    assert list(AccessLog.objects.order_by("id").values_list("patient_id", "view", "what")) == [
        (program.patient_id, "programs:list", f"program list {program.pk}"),
        (program.patient_id, "programs:dashboard", f"program list {program.pk}"),
    ]


def test_waitlist_logs_each_patient_waiting(client_for, front_desk):
    """The desk's waitlist page logs every patient on it."""
    entries = [WaitlistEntryFactory() for _ in range(2)]
    assert client_for(front_desk).get(reverse("patients:waitlist")).status_code == 200
    assert _rows() == sorted((e.patient_id, "waitlist", f"waitlist {e.pk}") for e in entries)


@pytest.mark.parametrize(
    ("factory", "name", "page"),
    [
        (WaitlistEntryFactory, "patients_waitlistentry", "delete"),
        (ScreeningFactory, "assessments_screening", "history"),
    ],
)
def test_admin_delete_confirmation_and_history_log_the_patient(
    superuser_client, factory, name, page
):
    """The delete confirmation and the history page show the record: one access row each."""
    record = factory()
    url = reverse(f"admin:{name}_{page}", args=[record.pk])
    assert superuser_client.get(url).status_code == 200
    model = record._meta.model_name
    assert list(AccessLog.objects.values_list("patient_id", "view", "what")) == [
        (record.patient_id, f"admin:{name}_{page}", f"admin page {model} {record.pk}")
    ]


def test_screening_start_logs_the_patients_its_picker_names(client_for, therapist):
    """The new-screening page lists the therapist's patients to pick from: a list read."""
    shown = [PatientFactory(last_name="Pickable") for _ in range(2)]
    response = client_for(therapist).get(reverse("assessments:screening_start"))
    assert response.status_code == 200
    logged = set(AccessLog.objects.filter(kind="patient_list").values_list("patient_id", flat=True))
    assert {p.pk for p in shown} <= logged
    assert logged == set(
        response.context["patient_form"].fields["patient"].queryset.values_list("pk", flat=True)
    )


def test_access_log_takes_the_client_address_from_the_trusted_proxy(
    client_for, therapist, settings
):
    """Behind one trusted proxy the row names the client, not the proxy; a forged extra hop on
    the left is ignored."""
    settings.TRUSTED_PROXY_COUNT = 1
    patient = PatientFactory()
    response = client_for(therapist).get(
        reverse("patients:detail", args=[patient.pk]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.23",
    )
    assert response.status_code == 200
    assert AccessLog.objects.get().ip_address == "198.51.100.23"
