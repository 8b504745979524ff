"""Limits on failed sign-ins per client address and per account, counted in Redis.

django-axes pauses one username from one address after a few failures. These counters catch
what that lets through: one address trying a few passwords on each of many accounts (password
spraying), one address trying one account, and many addresses trying one account. Both the
sign-in page and `POST /api/v1/auth/token` go through `authenticate()`, so both are counted:

- `SignInThrottleBackend`, the first authentication backend after axes, refuses an attempt from
  an address, or for an account from that address, that reached its limit in the current window,
  before any password is checked; it marks the request so the page and the API can say so (429).
  Nobody can lock an account out from their own address for its owner at another.
- Past the account-wide limit (failures from any address) the account is guarded rather than
  shut: the password is still checked, but only an account with a confirmed second factor gets
  past it (and must still pass that factor); every other answer is the same 429, right password
  or wrong (`dangpt.auth_backend.ModelBackend`). One address adds at most its per-account limit
  to the account-wide count, so reaching it takes many addresses.
- Django's `user_login_failed` signal counts every failure. Accounts are counted by a keyed hash
  of the lower-cased username, known or not, so Redis holds no usernames and the answer does not
  tell whether an account exists. IPv6 addresses are counted by their /64 network, which one
  client usually holds whole.

The windows are fixed: the first failure starts one, and its counter expires with it. A Redis
outage lets sign-ins through unthrottled (axes still applies) and logs a warning.
"""

import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.utils.crypto import salted_hmac

from dangpt.security import client_ip

log = logging.getLogger(__name__)

CACHE_ALIAS = "throttle"
THROTTLED_ATTRIBUTE = "signin_throttled"
GUARDED_ATTRIBUTE = "signin_account_guarded"


def address_key(address: str) -> str:
    """The address as counted: an IPv4 address, or the /64 network of an IPv6 one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 4:
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return str(ipaddress.ip_network(f"{ip}/64", strict=False))


def _keys(request, username) -> tuple[str, str | None, str | None]:
    """The counter keys of an attempt: its address, the account from it, the account."""
    address = address_key(client_ip(request))
    if not username:
        return f"signin:address:{address}", None, None
    account = salted_hmac(CACHE_ALIAS, str(username).strip().lower()).hexdigest()
    return (
        f"signin:address:{address}",
        f"signin:pair:{account}:{address}",
        f"signin:account:{account}",
    )


def _counts(request, username) -> tuple[int, int, int]:
    keys = _keys(request, username)
    try:
        found = caches[CACHE_ALIAS].get_many([key for key in keys if key])
    except Exception:  # noqa: BLE001 - an outage must not stop sign-in
        log.warning("sign-in throttle unavailable (read); not throttling", exc_info=True)
        found = {}
    address, pair, account = (found.get(key, 0) if key else 0 for key in keys)
    return address, pair, account


def signin_throttled(request, username) -> bool:
    """Whether the address, or the account from this address, used up its failed sign-ins."""
    address, pair, _ = _counts(request, username)
    return (
        address >= settings.SIGNIN_ADDRESS_FAILURES
        or pair >= settings.SIGNIN_ACCOUNT_ADDRESS_FAILURES
    )


def signin_guarded(request, username) -> bool:
    """Whether the account used up its failed sign-ins from all addresses together."""
    return _counts(request, username)[2] >= settings.SIGNIN_ACCOUNT_FAILURES


def _count(cache, key: str, window: int) -> int:
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # the window ended between add and incr: start a new one
        cache.set(key, 1, timeout=window)
        return 1


def signin_failure_record(*, request, username) -> None:
    """Count one failed sign-in against the client's address and the account tried.

    The account-wide count takes an address's failures only up to its per-account limit.
    """
    address, pair, account = _keys(request, username)
    window = settings.SIGNIN_THROTTLE_SECONDS
    try:
        cache = caches[CACHE_ALIAS]
        _count(cache, address, window)
        if pair and _count(cache, pair, window) <= settings.SIGNIN_ACCOUNT_ADDRESS_FAILURES:
            _count(cache, account, window)
    except Exception:  # noqa: BLE001 - an outage must not stop sign-in
        log.warning("sign-in throttle unavailable (write); failure not counted", exc_info=True)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: count the failure unless the throttle itself refused it."""
    if request is None:
        return
    if getattr(request, THROTTLED_ATTRIBUTE, False) and not getattr(
        request, GUARDED_ATTRIBUTE, False
    ):
        return
    signin_failure_record(request=request, username=credentials.get("username"))


def guard_refuses(request, user) -> bool:
    """For the password backend: whether a guarded account's sign-in stops here (marked 429).

    `user` is the password check's answer (None when wrong); only an account with a confirmed
    second factor passes, and it still has that factor to pass.
    """
    if request is None or not getattr(request, GUARDED_ATTRIBUTE, False):
        return False
    from dangpt.mfa.models import AuthenticatorDevice

    if user is not None and AuthenticatorDevice.objects.filter(user=user, confirmed=True).exists():
        return False
    setattr(request, THROTTLED_ATTRIBUTE, True)
    return True


class SignInThrottleBackend:
    """Refuses every sign-in attempt from a throttled address, or for an account throttled from
    that address; marks an account throttled from all addresses as guarded.

    It never signs anyone in, so it has no `get_user` (sessions name the backend that did).
    """

    def authenticate(self, request, username=None, **kwargs):
        if request is None:
            return None
        if signin_throttled(request, username):
            setattr(request, THROTTLED_ATTRIBUTE, True)
            raise PermissionDenied("Too many failed sign-ins.")
        if username and signin_guarded(request, username):
            setattr(request, GUARDED_ATTRIBUTE, True)
        return None
