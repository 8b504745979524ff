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
from patients.models import BookingHold

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


# --- Live holds per client address and per email ----------------------------------------------
LIVE_HOLDS_PER_ADDRESS = 2
LIVE_HOLDS_PER_EMAIL = 1


class HoldAlreadyLive(TooManyBookings):
    """The email already has a live hold; `until` is when that hold lets go of its slot."""

    def __init__(self, until):
        super().__init__(until)
        self.until = until


class AddressHoldsFull(TooManyBookings):
    """The client's address already has as many live holds as allowed."""


def normalise_email(email: str) -> str:
    """The email as counted: lower-case, without a `+tag` in the local part."""
    local, _, domain = (email or "").strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}" if local else domain


def owner_keys(request, email: str) -> dict:
    """The hashed client address and normalised email a hold is counted under."""
    address = address_key(client_ip(request))
    return {
        "client_key": salted_hmac("patients.self_booking.address", address).hexdigest(),
        "email_key": salted_hmac("patients.self_booking.email", normalise_email(email)).hexdigest(),
    }


def check_live_holds(keys: dict, *, now) -> None:
    """Refuse a new hold past the live holds allowed per email (HoldAlreadyLive) or address."""
    live = BookingHold.objects.live(now)
    same_email = list(live.filter(email_key=keys["email_key"]).order_by("expires_at"))
    if len(same_email) >= LIVE_HOLDS_PER_EMAIL:
        raise HoldAlreadyLive(same_email[-1].expires_at)
    if live.filter(client_key=keys["client_key"]).count() >= LIVE_HOLDS_PER_ADDRESS:
        raise AddressHoldsFull
