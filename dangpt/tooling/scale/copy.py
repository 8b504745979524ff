"""COPY helpers: reserve id ranges, stream rows into a table, report progress on stderr."""

import json
import sys
import time
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone

PROGRESS_EVERY = 20_000


def reserve_ids(model: type[models.Model], count: int) -> int:
    """Move the id sequence past ``count`` new ids and return the id before the first of them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence(%s, 'id'),"  # noqa: S608 - table from _meta
            f" GREATEST((SELECT COALESCE(max(id), 0) FROM {table}),"
            f" nextval(pg_get_serial_sequence(%s, 'id'))) + %s)",
            [table, table, count],
        )
        return cursor.fetchone()[0] - count


def _default(field: models.Field, now):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    if field.has_default():
        value = field.get_default()
        return json.dumps(value) if isinstance(value, dict | list) else value
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    raise ValueError(f"{field} needs a value")


class Table:
    """The columns of one model for COPY: the given fields first, then every other column's
    default (Django's defaults live in Python, not in the database)."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]):
        self.model = model
        now = timezone.now()
        by_name = {f.name: f for f in model._meta.concrete_fields}
        rest = [
            f
            for f in model._meta.concrete_fields
            if f.name not in fields and not isinstance(f, models.GeneratedField)
        ]
        self.columns = [by_name[name].column for name in fields] + [f.column for f in rest]
        self.tail = tuple(_default(f, now) for f in rest)

    def load(self, rows: Iterable[tuple], *, total: int, label: str = "") -> int:
        """COPY the rows (values of the given fields, in order) and return how many were sent."""
        label = label or self.model._meta.db_table
        cols = ", ".join(f'"{c}"' for c in self.columns)
        sql = f"COPY {self.model._meta.db_table} ({cols}) FROM STDIN"
        tail, count, started = self.tail, 0, time.monotonic()
        with connection.cursor() as cursor:
            # Through Django's cursor, so pgtrigger.ignore() sets its flag for this transaction.
            cursor.execute("SELECT 1")
            with cursor.connection.cursor().copy(sql) as copy:
                write = copy.write_row
                for row in rows:
                    write(row + tail)
                    count += 1
                    if count % PROGRESS_EVERY == 0:
                        _progress(label, count, total, started)
        _progress(label, count, total, started, end="\n")
        return count


def _progress(label: str, count: int, total: int, started: float, end: str = "") -> None:
    seconds = max(time.monotonic() - started, 1e-6)
    pct = 100 * count / total if total else 100
    sys.stderr.write(
        f"\r{label:<32} {count:>10,}/{total:,} {pct:5.1f}%  {count / seconds:>9,.0f} rows/s"
        f"  {seconds:6.1f} s{end}"
    )
    sys.stderr.flush()
