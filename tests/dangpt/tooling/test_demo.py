"""seed_demo (dangpt.tooling.demo) is idempotent and its accounts can sign in."""

from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command

from dangpt.roles import Role, role_of
from patients.models import Location, Patient, StaffProfile

DEMO_USERS = {
    "frontdesk": Role.FRONT_DESK,
    "therapist1": Role.THERAPIST,
    "therapist2": Role.THERAPIST,
    "manager": Role.MANAGER,
    "runner1": Role.RUNNER,
    "runner2": Role.RUNNER,
}


def counts():
    return (
        get_user_model().objects.count(),
        Location.objects.count(),
        Patient.objects.count(),
        StaffProfile.objects.count(),
    )


def test_seed_demo_creates_the_demo_clinic_once(db, client):
    out = StringIO()
    call_command("seed_demo", "--password", "a-long-demo-password", stdout=out)
    first = counts()
    call_command("seed_demo", "--password", "a-long-demo-password", stdout=StringIO())
    assert counts() == first == (6, 1, 2, 4)
    users = get_user_model().objects.in_bulk(DEMO_USERS, field_name="username")
    assert {name: role_of(user) for name, user in users.items()} == DEMO_USERS
    assert Patient.objects.filter(user__username__in=["runner1", "runner2"]).count() == 2
    assert Location.objects.get().time_zone == "America/Los_Angeles"
    assert "runner1" in out.getvalue()
    response = client.post(
        "/accounts/login/", {"username": "runner1", "password": "a-long-demo-password"}
    )
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_seed_demo_gives_the_reports_something_to_show(db):
    """Past attended visits and no-shows in the default four weeks, and a screening followed by
    the signed evaluation (screening agreement); a second run adds no visits."""
    from dangpt.wiring.reports import REPORTS, ReportFilterForm, read_rows
    from patients.models import Appointment

    call_command("seed_demo", "--password", "a-long-demo-password", stdout=StringIO())
    visits = Appointment.objects.count()
    call_command("seed_demo", "--password", "a-long-demo-password", stdout=StringIO())
    assert Appointment.objects.count() == visits
    form = ReportFilterForm({})
    assert form.is_valid()
    attendance = read_rows(REPORTS["attendance"], form.query())
    assert sum(row["attended"] for row in attendance) >= 4
    assert sum(row["no_shows"] for row in attendance) >= 2
    assert read_rows(REPORTS["screening-agreement"], form.query())
