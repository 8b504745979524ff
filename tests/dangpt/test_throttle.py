"""Client addresses behind proxies, and the per-address and per-account sign-in throttles."""

import pytest
from django.test import Client

from dangpt.config import ConfigError, env_networks, env_proxy_count, parse_networks
from dangpt.roles import Role
from dangpt.security import forwarded_client
from tests.factories import PASSWORD

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token"
SPRAYER, NEIGHBOUR, PROXY = "203.0.113.9", "198.51.100.7", "10.0.0.2"


def web_sign_in(username: str, password: str, **meta):
    return Client().post(LOGIN, {"username": username, "password": password}, **meta)


def api_sign_in(username: str, password: str, **meta):
    body = {"username": username, "password": password}
    return Client().post(TOKEN, body, content_type="application/json", **meta)


def spray(sign_in, **meta) -> list[int]:
    """50 wrong passwords, one for each of 50 usernames, from one client; the status codes."""
    return [
        sign_in(f"runner{n}@example.test", "Spring2026!", **meta).status_code for n in range(50)
    ]


# --- Client address --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("10.0.0.2", "203.0.113.9", 0, "10.0.0.2"),  # no proxy trusted: the header is ignored
        ("10.0.0.2", "203.0.113.9", 1, "203.0.113.9"),
        ("10.0.0.2", "6.6.6.6, 203.0.113.9", 1, "203.0.113.9"),  # the client wrote the left part
        ("10.0.0.3", "203.0.113.9, 10.0.0.2", 2, "203.0.113.9"),  # CDN, then a load balancer
        ("10.0.0.3", "203.0.113.9", 2, "10.0.0.3"),  # shorter than the chain: not trusted
        ("10.0.0.2", "not-an-address", 1, "10.0.0.2"),
        ("10.0.0.2", "", 1, "10.0.0.2"),
        ("10.0.0.2", " 2001:db8::1 ", 1, "2001:db8::1"),
    ],
)
def test_the_client_is_the_entry_the_nearest_trusted_proxy_wrote(
    remote, forwarded, trusted, expected
):
    assert forwarded_client(remote, forwarded, trusted) == expected


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("203.0.113.50", "203.0.113.50"),  # a client reaching the app past the proxy
        ("2001:db8::50", "2001:db8::50"),
        ("172.17.0.1", "198.51.100.7"),  # the host's proxy over the Docker bridge
        ("::ffff:192.168.1.2", "198.51.100.7"),
        ("127.0.0.1", "198.51.100.7"),
    ],
)
def test_the_header_is_read_only_from_a_peer_in_the_trusted_networks(remote, expected):
    assert forwarded_client(remote, "198.51.100.7", 1) == expected


def test_a_forged_header_from_outside_the_trusted_networks_names_the_peer(make_user, settings):
    """Straight to gunicorn with X-Forwarded-For: the lockout names the real peer."""
    settings.TRUSTED_PROXY_COUNT = 1
    settings.TRUSTED_PROXY_NETWORKS = parse_networks("TRUSTED_PROXY_NETWORKS", "10.0.0.0/8")
    user = make_user(Role.THERAPIST)
    for n in range(5):
        web_sign_in(
            user.username, "wrong-password", REMOTE_ADDR=SPRAYER, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}"
        )
    forged = web_sign_in(
        user.username, PASSWORD, REMOTE_ADDR=SPRAYER, HTTP_X_FORWARDED_FOR="6.6.6.99"
    )
    assert forged.status_code == 429


@pytest.mark.parametrize("raw", ["10.0.0.0/33", "proxy.example", "10.0.0.0/8,nope"])
def test_bad_trusted_proxy_networks_stop_start_up_naming_it(monkeypatch, raw):
    monkeypatch.setenv("TRUSTED_PROXY_NETWORKS", raw)
    with pytest.raises(ConfigError, match="TRUSTED_PROXY_NETWORKS"):
        env_networks("TRUSTED_PROXY_NETWORKS", "")


@pytest.mark.parametrize(
    ("raw", "count"), [("", 0), ("false", 0), ("0", 0), ("no", 0), ("true", 1), ("1", 1), ("2", 2)]
)
def test_behind_proxy_names_how_many_proxies_to_trust(monkeypatch, raw, count):
    monkeypatch.setenv("BEHIND_PROXY", raw)
    assert env_proxy_count("BEHIND_PROXY") == count


@pytest.mark.parametrize("raw", ["maybe", "-1", "11", "1.5"])
def test_a_bad_behind_proxy_value_stops_start_up_naming_it(monkeypatch, raw):
    monkeypatch.setenv("BEHIND_PROXY", raw)
    with pytest.raises(ConfigError, match="BEHIND_PROXY"):
        env_proxy_count("BEHIND_PROXY")


def test_axes_locks_the_client_behind_the_proxy_not_the_proxy(make_user, settings):
    """Five failures by one client through the proxy pause that client, not the whole proxy."""
    settings.TRUSTED_PROXY_COUNT = 1
    user = make_user(Role.THERAPIST)
    for _ in range(5):
        web_sign_in(
            user.username, "wrong-password", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=SPRAYER
        )
    locked = web_sign_in(user.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=SPRAYER)
    assert locked.status_code == 429
    owner = web_sign_in(user.username, PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=NEIGHBOUR)
    assert owner.status_code == 302


def test_without_a_trusted_proxy_a_forged_header_does_not_escape_the_lockout(make_user, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    user = make_user(Role.THERAPIST)
    for n in range(5):
        web_sign_in(
            user.username, "wrong-password", REMOTE_ADDR=SPRAYER, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}"
        )
    forged = web_sign_in(
        user.username, PASSWORD, REMOTE_ADDR=SPRAYER, HTTP_X_FORWARDED_FOR="6.6.6.99"
    )
    assert forged.status_code == 429


# --- Password spraying -----------------------------------------------------------------------
def test_spraying_fifty_usernames_on_the_sign_in_page_is_stopped(make_user, settings):
    """Past the address's limit every attempt from it answers 429 with a clear page."""
    victim = make_user(Role.RUNNER, username="runner7@example.test")
    codes = spray(web_sign_in, REMOTE_ADDR=SPRAYER)
    limit = settings.SIGNIN_ADDRESS_FAILURES
    assert codes[:limit] == [200] * limit and codes[limit:] == [429] * (50 - limit)
    refused = web_sign_in(victim.username, PASSWORD, REMOTE_ADDR=SPRAYER)
    assert refused.status_code == 429, "the right password is not even tried from that address"
    assert "Too many failed sign-ins" in refused.content.decode()
    assert refused["Retry-After"] == str(settings.SIGNIN_THROTTLE_SECONDS)
    assert web_sign_in(victim.username, PASSWORD, REMOTE_ADDR=NEIGHBOUR).status_code == 302


def test_spraying_fifty_usernames_on_the_token_endpoint_is_stopped(make_user, settings):
    runner = make_user(Role.RUNNER, username="runner8@example.test")
    codes = spray(api_sign_in, REMOTE_ADDR=SPRAYER)
    limit = settings.SIGNIN_ADDRESS_FAILURES
    assert codes[:limit] == [401] * limit and codes[limit:] == [429] * (50 - limit)
    refused = api_sign_in(runner.username, PASSWORD, REMOTE_ADDR=SPRAYER)
    assert refused.status_code == 429 and "Too many failed sign-ins" in refused.json()["detail"]
    assert api_sign_in(runner.username, PASSWORD, REMOTE_ADDR=NEIGHBOUR).status_code == 201


def test_the_page_and_the_api_share_one_count(db, settings):
    settings.SIGNIN_ADDRESS_FAILURES = 4
    for n in range(2):
        web_sign_in(f"page{n}", "wrong", REMOTE_ADDR=SPRAYER)
        api_sign_in(f"api{n}", "wrong", REMOTE_ADDR=SPRAYER)
    assert api_sign_in("another", "wrong", REMOTE_ADDR=SPRAYER).status_code == 429


def test_behind_the_proxy_spraying_is_counted_per_client(db, settings):
    """Rotating the part of X-Forwarded-For the client writes does not reset its count."""
    settings.TRUSTED_PROXY_COUNT = 1
    codes = [
        api_sign_in(
            f"runner{n}@example.test",
            "Spring2026!",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"6.6.{n}.6, {SPRAYER}",
        ).status_code
        for n in range(50)
    ]
    assert codes[-1] == 429
    other = api_sign_in(
        "runner0@example.test", "x", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=NEIGHBOUR
    )
    assert other.status_code == 401


def test_many_addresses_against_one_account_are_stopped(make_user, settings):
    """Past the account's limit, from any address, even the right password waits (429)."""
    user = make_user(Role.RUNNER, username="target@example.test")
    limit = settings.SIGNIN_ACCOUNT_FAILURES
    codes = [
        api_sign_in("Target@Example.test ", "wrong", REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(limit + 1)
    ]
    assert codes == [401] * limit + [429]
    assert api_sign_in(user.username, PASSWORD, REMOTE_ADDR=NEIGHBOUR).status_code == 429
    assert api_sign_in("someone-else", "wrong", REMOTE_ADDR=NEIGHBOUR).status_code == 401


def test_the_throttle_keeps_no_username_in_redis(db):
    from django.core.cache import caches

    api_sign_in("riley@example.test", "wrong", REMOTE_ADDR=SPRAYER)
    cache = caches["throttle"]
    keys = list(cache._cache.get_client().scan_iter(match=cache.make_key("*")))
    assert len(keys) == 3 and not [k for k in keys if b"riley" in k]


def test_an_account_attacked_from_one_address_still_signs_in_from_another(make_user, settings):
    """The hard stop is per address and per account from that address: no lockout by proxy."""
    user = make_user(Role.RUNNER, username="target@example.test")
    for _ in range(2 * settings.SIGNIN_ADDRESS_FAILURES):
        api_sign_in(user.username, "wrong", REMOTE_ADDR=SPRAYER)
    assert api_sign_in(user.username, PASSWORD, REMOTE_ADDR=SPRAYER).status_code == 429
    assert api_sign_in(user.username, PASSWORD, REMOTE_ADDR=NEIGHBOUR).status_code == 201
    assert web_sign_in(user.username, PASSWORD, REMOTE_ADDR=NEIGHBOUR).status_code == 302


def test_past_the_account_limit_a_second_factor_still_gets_in(make_user, settings):
    """Many addresses against one account: the right password and code pass, nothing less."""
    from tests.conftest import confirmed_totp_device, totp_code

    user = make_user(Role.THERAPIST, username="guarded@example.test")
    device = confirmed_totp_device(user)
    for n in range(settings.SIGNIN_ACCOUNT_FAILURES):
        api_sign_in(user.username, "wrong", REMOTE_ADDR=f"192.0.2.{n}")
    body = {"username": user.username, "password": "wrong", "otp": totp_code(device)}
    wrong = Client().post(TOKEN, body, content_type="application/json", REMOTE_ADDR=NEIGHBOUR)
    assert wrong.status_code == 429
    body["password"] = PASSWORD
    right = Client().post(TOKEN, body, content_type="application/json", REMOTE_ADDR=NEIGHBOUR)
    assert right.status_code == 201


def test_ipv6_clients_are_counted_by_their_64_network(db, settings):
    """Rotating the interface part of an IPv6 address does not reset the address's count."""
    settings.SIGNIN_ADDRESS_FAILURES = 3
    for n in range(3):
        api_sign_in(f"runner{n}@example.test", "wrong", REMOTE_ADDR=f"2001:db8:1:2::{n + 1}")
    assert api_sign_in("x", "wrong", REMOTE_ADDR="2001:db8:1:2:ffff::9").status_code == 429
    assert api_sign_in("x", "wrong", REMOTE_ADDR="2001:db8:1:3::1").status_code == 401


def test_a_right_password_without_its_code_counts_as_a_failure(make_user, settings):
    """The token endpoint's refusal for a missing or wrong `otp` is counted like a wrong password,
    so axes' lockout and the throttles do not single out the right password."""
    from tests.conftest import confirmed_totp_device, totp_code

    user = make_user(Role.THERAPIST, username="mfa@example.test")
    device = confirmed_totp_device(user)
    codes = []
    for otp in ["", "000000", "", "000000", ""]:
        body = {"username": user.username, "password": PASSWORD, "otp": otp}
        answer = Client().post(TOKEN, body, content_type="application/json", REMOTE_ADDR=SPRAYER)
        codes.append(answer.status_code)
    assert codes == [401] * 4 + [429], "the fifth failure locks, as five wrong passwords do"
    body = {"username": user.username, "password": PASSWORD, "otp": totp_code(device)}
    locked = Client().post(TOKEN, body, content_type="application/json", REMOTE_ADDR=SPRAYER)
    assert locked.status_code == 429
