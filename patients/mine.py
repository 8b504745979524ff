"""The runner's own appointments (GET /api/v1/me/appointments): one page, cached while its rows
are unchanged.

A page is up to ``limit`` appointments in start order after a cursor (dangpt.pagination's keyset
cursor). Its JSON text is kept by dangpt.rowcache under a digest of the page's rows read whole
with their location, therapist, type and patient rows, plus the one row past the page that says
whether a next page exists, so any change to what the page shows, or to whether a next page
exists, makes a new key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from dangpt import rowcache
from dangpt.pagination import after_key, decode_cursor, encode_cursor
from patients.models import Appointment

ORDER = ("start", "id")
SCOPE = "me-appointments"
PAGE = 100
PAGE_MAX = 100
# Bump when the text of a page changes for the same rows (the schema or the cursor's form).
VERSION = "1"


@dataclass(frozen=True)
class Page:
    body: str  # the JSON list
    next_cursor: str | None


def my_appointments_page(
    user, *, schema, upcoming: bool, cursor: str | None, limit: int = PAGE
) -> Page:
    """The runner's page of appointments as JSON text; a bad cursor raises InvalidCursor."""
    rows = Appointment.objects.visible_to(user).order_by(*ORDER)
    if upcoming:
        rows = rows.filter(end__gte=timezone.now())
    if cursor:
        rows = rows.filter(after_key(ORDER, decode_cursor(cursor, rows, ORDER, scope=SCOPE)))
    window = rows[: limit + 1]  # one past the page: is there a next one?
    digest = rowcache.digest(window)
    cache_key = rowcache.key(user.pk, "api-appointments", limit, VERSION, digest)
    text = rowcache.reuse_or_build(
        cache_key,
        build=lambda: _text(window, schema, limit),
        unchanged=lambda: rowcache.digest(window) == digest,
    )
    next_cursor, _, body = text.partition("\n")
    return Page(body=body, next_cursor=next_cursor or None)


def _text(window, schema, limit: int) -> str:
    """The cursor of the next page (or nothing), a newline, then the page as JSON."""
    found = list(window)
    shown = found[:limit]
    next_cursor = encode_cursor(shown[-1], ORDER, scope=SCOPE) if len(found) > limit else ""
    return next_cursor + "\n" + rowcache.json_text(schema, shown)
