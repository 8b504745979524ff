"""Change history: django-pghistory event tables, append-only, that even the owner cannot empty.

Every tracked model uses `track` (not `pghistory.track`), so each event table gets the same two
rules: its rows cannot be updated or deleted (pghistory's append-only trigger) and the table
cannot be truncated (`no_truncate`, a statement trigger: TRUNCATE fires no row triggers).
"""

import pghistory
import pgtrigger


def no_truncate(name: str = "no_truncate") -> pgtrigger.Trigger:
    """A statement trigger that refuses TRUNCATE on its table."""
    return pgtrigger.Trigger(
        name=name,
        level=pgtrigger.Statement,
        when=pgtrigger.Before,
        operation=pgtrigger.Truncate,
        func="RAISE EXCEPTION 'pgtrigger: Cannot truncate % table', TG_TABLE_NAME;",
    )


def track(*trackers: pghistory.RowEvent, **options):
    """`pghistory.track` with the audit rules; with no trackers, inserts, updates and deletes."""
    # New trackers for each model: pghistory fills a tracker's fields in from its model.
    trackers = trackers or (
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
    )
    return pghistory.track(
        *trackers, append_only=True, meta={"triggers": [no_truncate()]}, **options
    )
