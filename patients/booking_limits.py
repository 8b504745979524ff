"""Limits on online booking per client address and per email, counted in Redis.

Fixed one-hour windows: the first attempt starts one and its counter expires with it. Emails are
counted by a keyed hash, so Redis holds no addresses, and every email is counted the same
whether or not a patient has it. A Redis outage lets bookings through and logs a warning.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.utils.crypto import salted_hmac

from dangpt.security import client_ip
from dangpt.throttle import address_key

log = logging.getLogger(__name__)

CACHE_ALIAS = "throttle"
WINDOW_SECONDS = 3600


class TooManyBookings(Exception):
    """Past a limit of online booking (the page and the API answer 429)."""


def _email_key(kind: str, email: str) -> str:
    digest = salted_hmac("patients.self_booking", (email or "").strip().lower()).hexdigest()
    return f"booking:{kind}:{digest}"


def _count(key: str) -> int:
    """Add one to a window's counter and return it (0 when Redis is away)."""
    try:
        cache = caches[CACHE_ALIAS]
        cache.add(key, 0, timeout=WINDOW_SECONDS)
        try:
            return cache.incr(key)
        except ValueError:  # the window ended between add and incr: start a new one
            cache.set(key, 1, timeout=WINDOW_SECONDS)
            return 1
    except Exception:  # noqa: BLE001 - an outage must not stop booking
        log.warning("booking limits unavailable; not limiting", exc_info=True)
        return 0


def count_attempt(request, email: str) -> None:
    """Count one booking attempt from the client's address and for the email; 429 past either."""
    address = _count(f"booking:address:{address_key(client_ip(request))}")
    per_email = _count(_email_key("attempts", email)) if email else 0
    if (
        address > settings.SELF_BOOKING_ADDRESS_LIMIT
        or per_email > settings.SELF_BOOKING_EMAIL_LIMIT
    ):
        raise TooManyBookings


def count_mail(hold) -> None:
    """Count one confirm email to the hold's address; past the limit nothing is held or sent."""
    if _count(_email_key("mails", hold.email)) > settings.SELF_BOOKING_MAILS_PER_EMAIL:
        raise TooManyBookings
