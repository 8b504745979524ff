"""Signed links in reminder emails: confirm, cancel, add to calendar, unsubscribe.

They work without signing in. Appointment links expire when the appointment starts; acting on one
twice does nothing the second time. The token carries ids only.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "dangpt.reminders.link"
APPOINTMENT_ACTIONS = ("confirm", "cancel", "calendar")


class LinkInvalid(Exception):
    """The token was altered or is not one of ours."""


@dataclass(frozen=True)
class LinkTarget:
    action: str
    appointment_id: int | None = None
    patient_id: int | None = None
    kind: str | None = None


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def appointment_link(*, appointment_id: int, action: str) -> str:
    """An absolute, signed URL for one action on one appointment."""
    if action not in APPOINTMENT_ACTIONS:
        raise ValueError(action)
    token = signing.dumps({"a": appointment_id, "x": action}, salt=SALT, compress=True)
    return _absolute(reverse("reminders:link", args=[token]))


def unsubscribe_link(*, patient_id: int, kind: str) -> str:
    """An absolute, signed URL that turns off one kind of message for a runner."""
    token = signing.dumps(
        {"p": patient_id, "k": kind, "x": "unsubscribe"}, salt=SALT, compress=True
    )
    return _absolute(reverse("reminders:link", args=[token]))


def read_link(token: str) -> LinkTarget:
    """Decode a token; raises LinkInvalid when it was tampered with."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise LinkInvalid from None
    action = data.get("x")
    if action in APPOINTMENT_ACTIONS and isinstance(data.get("a"), int):
        return LinkTarget(action=action, appointment_id=data["a"])
    if action == "unsubscribe" and isinstance(data.get("p"), int):
        return LinkTarget(action=action, patient_id=data["p"], kind=str(data.get("k", "")))
    raise LinkInvalid
