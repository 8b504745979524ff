"""One lock per therapist for every write that takes their time, across appointments and holds.

Appointments and online holds live in two tables, so no single exclusion constraint can keep
them apart. Each write that takes a therapist's time (a booking, a move, a new hold) first takes
PostgreSQL's transaction-level advisory lock for that therapist, then checks the other table,
then inserts: the next writer for the same therapist waits for the commit and, in READ
COMMITTED, sees the row just written. Within each table the exclusion constraints still have
the last word.
"""

import datetime as dt

from django.db import connection

from patients.models import BookingHold, HoldStatus

# The first half of the two-key advisory lock: a namespace, so these locks never meet another
# use of advisory locks keyed by a plain id.
LOCK_SPACE = 0x44504254  # "DPBT"


def therapist_lock(therapist_id: int) -> None:
    """Take the therapist's advisory lock until the current transaction ends."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_SPACE, therapist_id])


def expire_stale_holds(*, therapist_id: int, start: dt.datetime, end: dt.datetime, now) -> int:
    """Mark the therapist's holds past their time over the span as expired (they keep nothing)."""
    return (
        BookingHold.objects.filter(
            therapist_id=therapist_id, status=HoldStatus.HELD, expires_at__lte=now
        )
        .overlapping(start, end)
        .update(status=HoldStatus.EXPIRED)
    )


def held_by_someone(*, therapist_id: int, start: dt.datetime, end: dt.datetime, now) -> bool:
    """Lock the therapist, clear expired holds over the span; whether a live hold remains."""
    therapist_lock(therapist_id)
    expire_stale_holds(therapist_id=therapist_id, start=start, end=end, now=now)
    return (
        BookingHold.objects.live(now)
        .filter(therapist_id=therapist_id)
        .overlapping(start, end)
        .exists()
    )
