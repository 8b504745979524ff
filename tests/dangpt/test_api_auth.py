"""Token authentication, the error format and the OpenAPI document."""

import json

import pytest
from django.core.management import call_command
from openapi_spec_validator import validate

from dangpt.api import TOKEN_REFUSED
from dangpt.models import ApiToken
from tests.conftest import confirmed_totp_device, totp_code

API = "/api/v1"


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def token_for(db):
    def make(user) -> str:
        from io import StringIO

        out = StringIO()
        call_command("create_api_token", user.username, stdout=out)
        return out.getvalue().strip()

    return make


def test_command_token_authenticates_and_is_stored_hashed(runner, token_for, client):
    token = token_for(runner)
    response = client.get(f"{API}/me", **bearer(token))
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == runner.username
    assert body["role"] == "runner"
    assert body["patient_id"] == runner.patient.pk
    stored = ApiToken.objects.get(user=runner)
    assert token not in (stored.key_hash, stored.hint)
    assert stored.last_used_at is not None


def test_password_exchange_gives_a_token(therapist, client):
    """Staff exchange password and the current TOTP code (MFA is required for staff)."""
    device = confirmed_totp_device(therapist)
    response = client.post(
        f"{API}/auth/token",
        {
            "username": therapist.username,
            "password": "correct-horse-battery-staple",
            "otp": totp_code(device),
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert client.get(f"{API}/me", **bearer(token)).json()["role"] == "therapist"


def test_runner_without_mfa_exchanges_password_alone(runner, client):
    """A runner who has not turned on two-step sign-in needs only the password."""
    response = client.post(
        f"{API}/auth/token",
        {"username": runner.username, "password": "correct-horse-battery-staple"},
        content_type="application/json",
    )
    assert response.status_code == 201
    token = response.json()["token"]
    assert client.get(f"{API}/me", **bearer(token)).json()["role"] == "runner"


def test_wrong_password_gets_401_and_no_token(therapist, client):
    response = client.post(
        f"{API}/auth/token",
        {"username": therapist.username, "password": "wrong"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert response.json() == TOKEN_REFUSED
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize(
    "header", [None, "Bearer nonsense", "Bearer ", "Token abc", "Basic dXNlcjpwYXNz"]
)
def test_missing_or_wrong_token_gets_401(header, client, db):
    extra = {"HTTP_AUTHORIZATION": header} if header is not None else {}
    response = client.get(f"{API}/me", **extra)
    assert response.status_code == 401
    assert response.json()["detail"] == "A valid API token is required."
    assert response.json()["errors"] == {}


def test_revoked_token_gets_401(runner, token_for, client):
    token = token_for(runner)
    assert client.delete(f"{API}/auth/token", **bearer(token)).status_code == 204
    assert client.get(f"{API}/me", **bearer(token)).status_code == 401


def test_revoke_command_ends_a_token(runner, token_for, client):
    token = token_for(runner)
    call_command("revoke_api_tokens", runner.username)
    assert client.get(f"{API}/me", **bearer(token)).status_code == 401


def test_token_of_deactivated_user_gets_401(runner, token_for, client):
    token = token_for(runner)
    runner.is_active = False
    runner.save()
    assert client.get(f"{API}/me", **bearer(token)).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"password": "x"}, "username"),
        ({"username": "x"}, "password"),
        ({"username": 5, "password": "x"}, "username"),
    ],
)
def test_invalid_body_gets_422_naming_the_field(body, field, client, db):
    response = client.post(f"{API}/auth/token", body, content_type="application/json")
    assert response.status_code == 422
    payload = response.json()
    assert payload["detail"] == "The request has invalid fields."
    assert field in payload["errors"]


def test_malformed_json_is_a_json_error_not_a_500(client, db):
    response = client.post(f"{API}/auth/token", "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


def test_unknown_api_path_is_404(client, runner, token_for):
    response = client.get(f"{API}/nothing-here", **bearer(token_for(runner)))
    assert response.status_code == 404


def test_openapi_document_is_valid(client, db):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.content)
    validate(document)
    assert "/api/v1/me" in document["paths"]
    assert "/api/v1/auth/token" in document["paths"]


def test_interactive_docs_render(client, db):
    assert client.get(f"{API}/docs").status_code == 200


UNPARSABLE_BODIES = [
    pytest.param("multipart/form-data", b'{"username": "a", "password": "b"}', id="no-boundary"),
    pytest.param("multipart/form-data; boundary=x", b"--x\r\nbroken", id="broken-multipart"),
    pytest.param("application/json", b"\xff\xfe{", id="not-utf8"),
]


@pytest.mark.parametrize(("content_type", "body"), UNPARSABLE_BODIES)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/auth/token"),
        ("POST", "/patients"),
        ("PATCH", "/patients/1"),
        ("POST", "/appointments/1/cancel"),
        ("POST", "/evaluations"),
    ],
)
def test_a_body_the_server_cannot_parse_is_a_400_in_the_error_format(
    method, path, content_type, body, client, manager, token_for
):
    """A body that cannot be parsed answers 400 or 415 with {"detail", "errors"}, never a 500."""
    response = client.generic(
        method, API + path, body, content_type=content_type, **bearer(token_for(manager))
    )
    assert response.status_code in (400, 415), response.content
    assert set(response.json()) == {"detail", "errors"}


def test_an_oversized_body_is_a_400_not_a_500(client, db, settings):
    """A body over DATA_UPLOAD_MAX_MEMORY_SIZE answers 400 in the error format."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    body = json.dumps({"username": "a" * 200, "password": "b"})
    response = client.post(f"{API}/auth/token", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


@pytest.mark.parametrize(
    ("content_type", "body", "logger"),
    [
        ("multipart/form-data", b'{"password": "hunter2-secret"}', "MultiPartParserError"),
        ("application/json", b'{"password": "hunter2-secret", "x": "' + b"a" * 200 + b'"}', None),
    ],
    ids=["no-boundary", "oversized"],
)
def test_a_refused_body_is_logged_as_django_logs_it_without_its_content(
    content_type, body, logger, client, db, settings, caplog
):
    """The 400 for an unparsable or oversized body is logged to django.security.<class>."""
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    with caplog.at_level("ERROR", logger="django.security"):
        response = client.post(f"{API}/auth/token", body, content_type=content_type)
    assert response.status_code == 400
    names = [r.name for r in caplog.records if r.name.startswith("django.security.")]
    assert names == [f"django.security.{logger or 'RequestDataTooBig'}"]
    assert all("hunter2" not in r.getMessage() for r in caplog.records)
    assert "hunter2" not in caplog.text


def test_admin_cannot_add_tokens_or_mark_them_verified(django_user_model, client):
    """The admin shows tokens and revokes them; it cannot make one or set its second-factor mark."""
    from django.contrib.admin.sites import site

    from dangpt.admin import ApiTokenAdmin
    from dangpt.models import ApiToken
    from dangpt.services import api_token_create

    model_admin = ApiTokenAdmin(ApiToken, site)
    assert {"second_factor", "revoked_at"} <= set(model_admin.readonly_fields)
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 16)
    client.force_login(admin_user)
    assert client.get("/admin/dangpt/apitoken/add/").status_code == 403
    token, _ = api_token_create(user=admin_user, name="t", second_factor=False)
    response = client.post(
        "/admin/dangpt/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None and token.second_factor is False


def test_admin_cannot_add_or_change_clinical_notes(django_user_model, client):
    """Notes and gait analyses are written in the app, where the author is checked."""
    admin_user = django_user_model.objects.create_superuser("root", "root@example.com", "x" * 16)
    client.force_login(admin_user)
    assert client.get("/admin/assessments/evaluation/add/").status_code == 403
    assert client.get("/admin/assessments/gaitanalysis/add/").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role_user, lag_seconds", [("runner", 0.01 * 14 * 86400), ("therapist", 60)]
)
def test_a_token_stamps_its_last_use_once_per_touch_interval(
    request, role_user, lag_seconds, token_for, client
):
    """Like a session's last-seen stamp: no write of the token row on every request, and a
    stamp older than the interval (1% of the idle limit, at least a minute) is written again."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    user = request.getfixturevalue(role_user)
    token = token_for(user)
    assert client.get(f"{API}/me", **bearer(token)).status_code == 200
    first = ApiToken.objects.get(user=user).last_used_at
    with CaptureQueriesContext(connection) as queries:
        assert client.get(f"{API}/me", **bearer(token)).status_code == 200
    assert not any(q["sql"].startswith('UPDATE "dangpt_apitoken"') for q in queries)
    assert ApiToken.objects.get(user=user).last_used_at == first
    stale = timezone.now() - dt.timedelta(seconds=lag_seconds + 5)
    ApiToken.objects.filter(user=user).update(last_used_at=stale)
    assert client.get(f"{API}/me", **bearer(token)).status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at > stale + dt.timedelta(seconds=4)
