"""Per-request costs of a signed-in page: the user query carries role and authenticator state,
and a GET sets no history context."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dangpt.auth_backend import PATH, ModelBackend
from dangpt.mfa.models import AuthenticatorDevice
from dangpt.roles import Role, role_of


def _tables(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_signed_in_page_reads_no_groups_or_devices_of_its_own(client, runner):
    """Session, then one user query that carries the role and the authenticator flag."""
    client.force_login(runner, backend=PATH)
    sql = _tables(client, reverse("reminders:preferences"))
    assert not [
        q
        for q in sql
        if 'FROM "auth_group"' in q or q.startswith('SELECT "dangpt_authenticatordevice')
    ]
    (user_query,) = [q for q in sql if '"auth_user" u' in q and "group_names" in q]
    assert "dangpt_authenticatordevice" in user_query


def test_an_authenticator_added_elsewhere_takes_effect_on_the_next_request(client, runner):
    """A runner's session that has not passed the second factor is sent to verify at once."""
    client.force_login(runner, backend=PATH)
    assert client.get(reverse("programs:home")).status_code == 200
    AuthenticatorDevice.objects.create(user=runner, name="Authenticator app", confirmed=True)
    response = client.get(reverse("programs:home"))
    assert response.status_code == 302 and reverse("mfa:verify") in response["Location"]


def test_a_role_removed_elsewhere_takes_effect_on_the_next_request(client, runner):
    """The role comes with each request's user: a runner taken out of the group gets 404."""
    client.force_login(runner, backend=PATH)
    assert client.get(reverse("programs:home")).status_code == 200
    runner.groups.clear()
    assert client.get(reverse("programs:home")).status_code == 404


def test_a_get_sends_no_history_context(client, runner):
    """History context (who, which URL) is set for writes only; a page view sends none."""
    client.force_login(runner, backend=PATH)
    sql = _tables(client, reverse("programs:home"))
    assert not [q for q in sql if "set_config('pghistory" in q]


def test_the_backend_loads_role_and_authenticator_flag_with_the_user(make_user):
    therapist = make_user(Role.THERAPIST)
    loaded = ModelBackend().get_user(therapist.pk)
    assert loaded == therapist and loaded.username == therapist.username
    assert loaded.group_names == [Role.THERAPIST.value] and loaded.has_confirmed_totp is False
    assert role_of(loaded) == Role.THERAPIST
    AuthenticatorDevice.objects.create(user=therapist, name="phone", confirmed=False)
    assert ModelBackend().get_user(therapist.pk).has_confirmed_totp is False
    AuthenticatorDevice.objects.create(user=therapist, name="app", confirmed=True)
    assert ModelBackend().get_user(therapist.pk).has_confirmed_totp is True


def test_the_backend_refuses_unknown_inactive_and_malformed_ids(make_user):
    user = make_user(Role.RUNNER)
    backend = ModelBackend()
    assert backend.get_user(user.pk + 10_000) is None
    assert backend.get_user("not-a-number") is None
    assert backend.get_user(None) is None
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert backend.get_user(user.pk) is None


def test_a_user_without_a_group_has_no_role(make_user):
    user = make_user(Role.RUNNER)
    user.groups.clear()
    loaded = ModelBackend().get_user(user.pk)
    assert loaded.group_names == [] and role_of(loaded) is None
