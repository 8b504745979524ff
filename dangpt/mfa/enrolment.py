"""First-time authenticator set-up needs more than the password: a code emailed to the account.

Whoever holds only the password could otherwise enrol their own authenticator and own the
account. Before the set-up page shows a secret, it emails an 8-digit code to the account's
address; the code lives (as a digest) in the session for 15 minutes and allows five tries, and
proof of it lasts 30 minutes in that session. The email also warns the owner if it was not them.

The tries are counted per code in Redis, atomically (`incr` before the comparison), so parallel
requests on one session cannot get more than five guesses; an account gets at most
MAX_SENDS_PER_HOUR codes an hour, whichever session asks. Without Redis no code is sent or
checked (the set-up waits rather than lose its limits).
"""

import logging
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.mail import send_mail
from django.utils.crypto import constant_time_compare, salted_hmac

CODE_SESSION_KEY = "mfa_enrolment_code"
PROVEN_SESSION_KEY = "mfa_enrolment_proven"
CODE_DIGITS = 8
CODE_SECONDS = 15 * 60
PROOF_SECONDS = 30 * 60
MAX_TRIES = 5
RESEND_SECONDS = 60
MAX_SENDS_PER_HOUR = 5
CACHE_ALIAS = "throttle"  # Redis, shared by every web process
UNAVAILABLE = "Two-step sign-in set-up is unavailable for a moment. Try again in a few minutes."

log = logging.getLogger(__name__)


def _count(key: str, window: int) -> int:
    """Add one to a counter that lives `window` seconds from its first count; the new value."""
    cache = caches[CACHE_ALIAS]
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _digest(user, code: str) -> str:
    return salted_hmac("dangpt.mfa.enrolment-code", f"{user.pk}:{code}").hexdigest()


def masked_email(email: str) -> str:
    """`t•••@example.com`: enough for the person to recognise the address."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}•••@{domain}"


def enrolment_proven(session, user) -> bool:
    """Whether this session proved, recently, that it reads the account's email."""
    proof = session.get(PROVEN_SESSION_KEY) or {}
    return proof.get("user") == user.pk and time.time() - proof.get("at", 0) < PROOF_SECONDS


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


def enrolment_code_send(session, user) -> Outcome:
    """Email a fresh code to the account's address (at most one a minute)."""
    if not user.email:
        return Outcome(
            False, "Your account has no email address. Ask the clinic manager to add one."
        )
    pending = session.get(CODE_SESSION_KEY) or {}
    now = time.time()
    if pending.get("user") == user.pk and now - pending.get("sent", 0) < RESEND_SECONDS:
        return Outcome(False, "A code was sent less than a minute ago. Check your inbox and spam.")
    try:
        sends = _count(f"mfa:enrol:sends:{user.pk}", 60 * 60)
    except Exception:  # noqa: BLE001 - no Redis: no code rather than no limit
        log.warning("enrolment code counter unavailable; no code sent", exc_info=True)
        return Outcome(False, UNAVAILABLE)
    if sends > MAX_SENDS_PER_HOUR:
        return Outcome(False, "Too many codes were sent this hour. Try again later.")
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    session[CODE_SESSION_KEY] = {
        "user": user.pk,
        "digest": _digest(user, code),
        "sent": now,
    }
    send_mail(
        f"{settings.CLINIC_NAME}: your set-up code",
        f"Your code to set up two-step sign-in is {code}. It works for 15 minutes.\n\n"
        "If you are not setting up two-step sign-in right now, someone may know your password: "
        "change it and tell the clinic manager.",
        None,
        [user.email],
    )
    return Outcome(True, f"We sent a code to {masked_email(user.email)}.")


def enrolment_code_check(session, user, raw: str) -> Outcome:
    """Check the emailed code; on success the session may set up an authenticator."""
    pending = session.get(CODE_SESSION_KEY) or {}
    now = time.time()
    if pending.get("user") != user.pk or now - pending.get("sent", 0) > CODE_SECONDS:
        return Outcome(False, "That code has expired or was never sent. Send a new one.")
    try:
        tries = _count(f"mfa:enrol:tries:{user.pk}:{pending['digest'][:32]}", CODE_SECONDS)
    except Exception:  # noqa: BLE001 - no Redis: no check rather than no limit
        log.warning("enrolment code counter unavailable; code not checked", exc_info=True)
        return Outcome(False, UNAVAILABLE)
    if tries > MAX_TRIES:
        return Outcome(False, "Too many wrong codes. Send a new one.")
    code = "".join(raw.split())
    if not constant_time_compare(_digest(user, code), pending["digest"]):
        return Outcome(False, "That code is not right. Check the latest email and try again.")
    session.pop(CODE_SESSION_KEY, None)
    session[PROVEN_SESSION_KEY] = {"user": user.pk, "at": now}
    return Outcome(True, "Email confirmed. Now add the authenticator app.")


def enrolment_done(session) -> None:
    """Forget the proof once the authenticator is on."""
    session.pop(PROVEN_SESSION_KEY, None)
    session.pop(CODE_SESSION_KEY, None)
