"""Limits on failed sign-ins per client address and per account, counted in Redis.

django-axes pauses one username from one address after a few failures. These counters catch
what that lets through: one address trying a few passwords on each of many accounts (password
spraying), and many addresses trying one account. Both the sign-in page and
`POST /api/v1/auth/token` go through `authenticate()`, so both are counted and both refused:

- `SignInThrottleBackend`, the first authentication backend, refuses an attempt from an address
  or for an account that reached its limit in the current window, before any password is
  checked; it marks the request so the page and the API can say so (429).
- Django's `user_login_failed` signal counts every failure against both keys. Accounts are
  counted by a keyed hash of the lower-cased username, known or not, so Redis holds no
  usernames and the answer does not tell whether an account exists.

The windows are fixed: the first failure starts one, and its counter expires with it. A Redis
outage lets sign-ins through unthrottled (axes still applies) and logs a warning.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import PermissionDenied
from django.utils.crypto import salted_hmac

from dangpt.security import client_ip

log = logging.getLogger(__name__)

CACHE_ALIAS = "throttle"
THROTTLED_ATTRIBUTE = "signin_throttled"


def _keys(request, username) -> dict[str, int]:
    """The counter keys of an attempt, each with its limit."""
    keys = {f"signin:address:{client_ip(request)}": settings.SIGNIN_ADDRESS_FAILURES}
    if username:
        account = salted_hmac(CACHE_ALIAS, str(username).strip().lower()).hexdigest()
        keys[f"signin:account:{account}"] = settings.SIGNIN_ACCOUNT_FAILURES
    return keys


def signin_throttled(request, username) -> bool:
    """Whether the address or the account has used up its failed sign-ins for this window."""
    keys = _keys(request, username)
    try:
        counts = caches[CACHE_ALIAS].get_many(list(keys))
    except Exception:  # noqa: BLE001 - an outage must not stop sign-in
        log.warning("sign-in throttle unavailable (read); not throttling", exc_info=True)
        return False
    return any(counts.get(key, 0) >= limit for key, limit in keys.items())


def _count(cache, key: str, window: int) -> None:
    cache.add(key, 0, timeout=window)
    try:
        cache.incr(key)
    except ValueError:  # the window ended between add and incr: start a new one
        cache.set(key, 1, timeout=window)


def signin_failure_record(*, request, username) -> None:
    """Count one failed sign-in against the client's address and the account tried."""
    try:
        for key in _keys(request, username):
            _count(caches[CACHE_ALIAS], key, settings.SIGNIN_THROTTLE_SECONDS)
    except Exception:  # noqa: BLE001 - an outage must not stop sign-in
        log.warning("sign-in throttle unavailable (write); failure not counted", exc_info=True)


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    """`user_login_failed` receiver: count the failure unless the throttle itself refused it."""
    if request is None or getattr(request, THROTTLED_ATTRIBUTE, False):
        return
    signin_failure_record(request=request, username=credentials.get("username"))


class SignInThrottleBackend:
    """Refuses every sign-in attempt from a throttled address or for a throttled account.

    It never signs anyone in, so it has no `get_user` (sessions name the backend that did).
    """

    def authenticate(self, request, username=None, **kwargs):
        if request is not None and signin_throttled(request, username):
            setattr(request, THROTTLED_ATTRIBUTE, True)
            raise PermissionDenied("Too many failed sign-ins.")
        return None
