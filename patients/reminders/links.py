"""Signed links in reminder emails: confirm, cancel, add to calendar, unsubscribe.

They work without signing in, so each token carries its own limits, checked before anything is
shown or done:

- An appointment link names the appointment, the action, the start it was sent for and when it
  expires: confirm and cancel links at the start, the calendar link at the end. A link sent
  before the appointment was moved no longer matches its start and acts on nothing; the
  calendar link of a cancelled appointment gives no calendar entry.
- An unsubscribe link expires `UNSUBSCRIBE_DAYS` after it was made (the signature's timestamp).
- Tokens carry ids and times only. Acting on a link twice does nothing the second time.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "dangpt.reminders.link"
APPOINTMENT_ACTIONS = ("confirm", "cancel", "calendar")
# CAN-SPAM asks unsubscribe links to work for 30 days after sending; a quarter leaves room.
UNSUBSCRIBE_DAYS = 90


class LinkInvalid(Exception):
    """The token was altered or is not one of ours."""


class LinkExpired(Exception):
    """The token is ours but past its expiry, or from before links carried one."""

    def __init__(self, action: str):
        super().__init__(action)
        self.action = action


@dataclass(frozen=True)
class LinkTarget:
    action: str
    appointment_id: int | None = None
    start: int | None = None  # the appointment's start it was sent for, in epoch seconds
    patient_id: int | None = None
    kind: str | None = None


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def epoch(moment: dt.datetime) -> int:
    return int(moment.timestamp())


def appointment_link(*, appointment, action: str) -> str:
    """An absolute, signed URL for one action on the appointment as it is booked now."""
    if action not in APPOINTMENT_ACTIONS:
        raise ValueError(action)
    expires = appointment.end if action == "calendar" else appointment.start
    data = {
        "a": appointment.pk,
        "x": action,
        "s": epoch(appointment.start),
        "e": epoch(expires),
    }
    token = signing.dumps(data, salt=SALT, compress=True)
    return _absolute(reverse("reminders:link", args=[token]))


def unsubscribe_link(*, patient_id: int, kind: str) -> str:
    """An absolute, signed URL that turns off one kind of message for a runner."""
    token = signing.dumps(
        {"p": patient_id, "k": kind, "x": "unsubscribe"}, salt=SALT, compress=True
    )
    return _absolute(reverse("reminders:link", args=[token]))


def read_link(token: str, *, now: dt.datetime) -> LinkTarget:
    """Decode a token; LinkInvalid when tampered with, LinkExpired when past its expiry."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise LinkInvalid from None
    action = data.get("x") if isinstance(data, dict) else None
    if action in APPOINTMENT_ACTIONS and isinstance(data.get("a"), int):
        start, expires = data.get("s"), data.get("e")
        if not isinstance(start, int) or not isinstance(expires, int):
            raise LinkExpired(action)  # sent before links were bound to the appointment's time
        if epoch(now) >= expires:
            raise LinkExpired(action)
        return LinkTarget(action=action, appointment_id=data["a"], start=start)
    if action == "unsubscribe" and isinstance(data.get("p"), int):
        try:
            signing.loads(token, salt=SALT, max_age=dt.timedelta(days=UNSUBSCRIBE_DAYS))
        except signing.SignatureExpired:
            raise LinkExpired(action) from None
        return LinkTarget(action=action, patient_id=data["p"], kind=str(data.get("k", "")))
    raise LinkInvalid
