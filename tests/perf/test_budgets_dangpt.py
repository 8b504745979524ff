"""Query budgets of the project-level pages: home, health, sign-in, two-step sign-in, audit, API."""

import pghistory
import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from dangpt.models import AccessLog
from dangpt.roles import Role
from dangpt.services import api_token_create
from tests.conftest import confirmed_totp_device, mark_session_verified
from tests.factories import PatientFactory
from tests.perf.budget import DETAIL_BUDGET, LIST_BUDGET, assert_flat, queries_of

BUDGETED_PAGES: set[str] = {
    "home",
    "healthz",
    "mfa:settings",
    "mfa:setup",
    "mfa:verify",
    "mfa:recovery_codes",
    "mfa:disable",
    "login",
    "password_change",
    "password_change_done",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "audit:search",
}
BUDGETED_API: set[str] = {"dangpt_api_me"}

pytestmark = pytest.mark.django_db
ROLES = [Role.FRONT_DESK, Role.THERAPIST, Role.MANAGER, Role.RUNNER]


def within_detail_budget(queries: list[str]) -> None:
    assert len(queries) <= DETAIL_BUDGET, f"{len(queries)} queries: {queries}"


def audit_rows(expected: int):
    """A check: the audit table shows `expected` rows."""

    def check(response) -> None:
        found = response.content.decode().count('<tr class="audit-row">')
        assert found == expected, f"{found} audit rows on the page, not {expected}"

    return check


def signed_in_runner(client, user, *, with_mfa: bool):
    """A runner's client; with_mfa: a confirmed authenticator app and a verified session."""
    client.force_login(user)
    if with_mfa:
        mark_session_verified(client, user)  # creates the confirmed device too
    return client


# --- Home and health ------------------------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_home_redirect_within_budget(client_for, make_user, role):
    """Sending each role to its home fits the detail budget."""
    user = make_user(role)
    if role == Role.RUNNER:
        PatientFactory(user=user)
    within_detail_budget(queries_of(client_for(user), reverse("home"), status=302))


def test_home_without_a_role_within_budget(client_for, make_user):
    """The explanation for a user without a role fits the detail budget."""
    within_detail_budget(queries_of(client_for(make_user()), reverse("home"), status=403))


def test_healthz_within_budget(db):
    """The health check (database probe and worker heartbeat) fits the detail budget."""
    within_detail_budget(queries_of(Client(), reverse("healthz")))


# --- Two-step sign-in ------------------------------------------------------------------------
def test_mfa_settings_within_budget(client_for, therapist):
    """The two-step sign-in settings of verified staff fit the detail budget."""
    within_detail_budget(queries_of(client_for(therapist), reverse("mfa:settings")))


@pytest.mark.parametrize("who", ["runner", "staff_password_only"])
def test_mfa_setup_page_within_budget(client, make_user, who):
    """The set-up page (new secret and QR code) fits the detail budget."""
    if who == "runner":
        user = make_user(Role.RUNNER)
        client.force_login(user)
    else:
        client.force_login_password_only(make_user(Role.THERAPIST))
    within_detail_budget(queries_of(client, reverse("mfa:setup")))


def test_mfa_verify_page_within_budget(client, therapist):
    """The code prompt after a password-only sign-in fits the detail budget."""
    confirmed_totp_device(therapist)
    client.force_login_password_only(therapist)
    within_detail_budget(queries_of(client, reverse("mfa:verify")))


def test_mfa_recovery_codes_page_within_budget(client_for, therapist):
    """The recovery-codes page (count of codes left) fits the detail budget."""
    within_detail_budget(queries_of(client_for(therapist), reverse("mfa:recovery_codes")))


def test_mfa_disable_page_within_budget(client, runner):
    """A runner's page to turn two-step sign-in off fits the detail budget."""
    signed_in_runner(client, runner, with_mfa=True)
    within_detail_budget(queries_of(client, reverse("mfa:disable")))


# --- Django's sign-in and password pages -------------------------------------------------------
@pytest.mark.parametrize("name", ["login", "password_reset", "password_reset_done"])
def test_anonymous_auth_pages_within_budget(db, name):
    """Sign-in and the reset request pages fit the detail budget without a session."""
    within_detail_budget(queries_of(Client(), reverse(name)))


def test_password_reset_complete_within_budget(db):
    """The reset-complete page fits the detail budget."""
    within_detail_budget(queries_of(Client(), reverse("password_reset_complete")))


def test_password_reset_confirm_within_budget(therapist):
    """The emailed reset link, and the set-password form it leads to, fit the detail budget."""
    client = Client()
    uidb64 = urlsafe_base64_encode(force_bytes(therapist.pk))
    token = default_token_generator.make_token(therapist)
    link = reverse("password_reset_confirm", args=[uidb64, token])
    within_detail_budget(queries_of(client, link, status=302))
    form = reverse("password_reset_confirm", args=[uidb64, "set-password"])
    within_detail_budget(queries_of(client, form))


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
@pytest.mark.parametrize("role", [Role.THERAPIST, Role.RUNNER])
def test_password_change_pages_within_budget(client_for, make_user, name, role):
    """Changing one's password fits the detail budget for staff and runners."""
    within_detail_budget(queries_of(client_for(make_user(role)), reverse(name)))


# --- The manager's audit search ---------------------------------------------------------------
def test_audit_access_log_is_flat_in_rows(client_for, manager, therapist):
    """Chart reads (50 a page, with user and patient) cost the same at 1 and 50 rows."""
    patient = PatientFactory()

    def grow(n: int) -> None:
        for _ in range(n):
            AccessLog.objects.create(
                user=therapist,
                role="therapist",
                patient=patient,
                view="patients:detail",
                what=f"patient {patient.pk}",
                method="GET",
            )

    assert_flat(
        client_for(manager),
        reverse("audit:search"),
        grow,
        budget=LIST_BUDGET,
        check=audit_rows(50),
    )


def test_audit_access_log_search_is_flat_in_rows(client_for, manager, therapist):
    """A search by patient and username costs the same at 1 and 50 matching rows."""
    patient = PatientFactory()

    def grow(n: int) -> None:
        for _ in range(n):
            AccessLog.objects.create(
                user=therapist, role="therapist", patient=patient, what="chart", method="GET"
            )

    data = {"log": "access", "patient": patient.pk, "user": therapist.username}
    assert_flat(
        client_for(manager),
        reverse("audit:search"),
        grow,
        budget=LIST_BUDGET,
        data=data,
        check=audit_rows(50),
    )


def test_audit_change_log_is_flat_in_events(client_for, manager, therapist):
    """Change history (who, which patient, which fields) costs the same at 1 and 50 events."""

    def grow(n: int) -> None:
        with pghistory.context(user=therapist.pk, url="/desk/patients/new/"):
            for _ in range(n):
                PatientFactory()

    assert_flat(
        client_for(manager),
        reverse("audit:search"),
        grow,
        budget=LIST_BUDGET,
        data={"log": "changes"},
        check=audit_rows(50),
    )


# --- The API's own operations and documents ------------------------------------------------------
@pytest.mark.parametrize("role", ROLES)
def test_api_me_within_budget(make_user, role):
    """GET /api/v1/me (token, user, role, patient) fits the detail budget."""
    user = make_user(role)
    if role == Role.RUNNER:
        PatientFactory(user=user)
    _, raw = api_token_create(user=user, second_factor=True)
    queries = queries_of(Client(), "/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    within_detail_budget(queries)


@pytest.mark.parametrize("path", ["/api/v1/openapi.json", "/api/v1/docs"])
def test_api_documents_within_budget(db, path):
    """The schema and its docs page, without a token, fit the detail budget."""
    within_detail_budget(queries_of(Client(), path))


def test_api_root_within_budget(db):
    """/api/v1/ itself (django-ninja's 404 naming the docs URL) fits the detail budget."""
    within_detail_budget(queries_of(Client(), "/api/v1/", status=404))
