"""Reads of reports and exports go to the `replica` database when one is configured.

Only code inside ``replica_reads()`` reads from the replica: the rest of the app keeps reading
its own writes from "default", so replication lag never shows on a page someone just saved.
Writes and migrations never go to the replica.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_reading_replica: ContextVar[bool] = ContextVar("dangpt_reading_replica", default=False)


def replica_configured() -> bool:
    """True when REPLICA_DATABASE_URL set up a `replica` database alias."""
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica (when configured); writes stay on default."""
    token = _reading_replica.set(True)
    try:
        yield
    finally:
        _reading_replica.reset(token)


def report_database() -> str:
    """The alias reports read from at this moment."""
    return REPLICA if _reading_replica.get() and replica_configured() else "default"


class ReplicaRouter:
    """Route reads inside ``replica_reads()`` to the replica; everything else to default."""

    def db_for_read(self, model, **hints) -> str | None:
        if _reading_replica.get() and replica_configured():
            return REPLICA
        return None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        # Both aliases hold the same rows: an object read from the replica may point at one
        # read from default.
        if {obj1._state.db, obj2._state.db} <= {"default", REPLICA, None}:
            return True
        return None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool | None:
        return False if db == REPLICA else None
