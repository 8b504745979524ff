"""Per-request costs of a signed-in page: the user query carries role and authenticator state,
and a GET sets no history context."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from dangpt.auth_backend import PATH


def _tables(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_a_signed_in_page_reads_no_groups_or_devices_of_its_own(client, runner):
    """Session, then one user query that carries the role and the authenticator flag."""
    client.force_login(runner, backend=PATH)
    sql = _tables(client, reverse("reminders:preferences"))
    assert not [q for q in sql if 'FROM "auth_group"' in q or q.startswith('SELECT "otp_totp')]
    (user_query,) = [q for q in sql if 'FROM "auth_user"' in q and "ARRAY_AGG" in q]
    assert "otp_totp_totpdevice" in user_query


def test_an_authenticator_added_elsewhere_takes_effect_on_the_next_request(client, runner):
    """A runner's session that has not passed the second factor is sent to verify at once."""
    client.force_login(runner, backend=PATH)
    assert client.get(reverse("programs:home")).status_code == 200
    TOTPDevice.objects.create(user=runner, name="Authenticator app", confirmed=True)
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
