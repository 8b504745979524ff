"""Paginators for tables that grow without bound (appointments, patients, the audit trail).

Django's Paginator counts every matching row to number the pages; on 250,000 patients or a
million access-log rows that count reads the whole table on each page view. CappedPaginator
counts at most ``cap`` rows (in the list's own order, so an index serves the count too) and says
when there are more: the pager then reads "Page 3 of 40+" and the page asks for a narrower search.
"""

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

from django.core import signing
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet


class CappedPaginator(Paginator):
    def __init__(self, object_list, per_page, *, cap: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = cap

    @cached_property
    def count(self) -> int:
        """Matching rows, up to ``cap``."""
        return self.object_list.values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        """True when more rows match than were counted."""
        return self.count > self.cap

    @cached_property
    def num_pages(self) -> int:
        if self.capped:
            return -(-self.cap // self.per_page)
        return super().num_pages


# --- Keyset (cursor) pagination of the JSON API ----------------------------------------------
#
# An API list is ordered by a sort key ending in the primary key, e.g. ("start", "id"). A page
# is the first ``limit`` rows; the cursor of the next page is the sort key of its last row,
# signed so a client cannot forge one (it is opaque: clients pass it back unread). The next
# page asks for rows after that key with a condition an index on the key's leading column
# answers (``start >= s AND (start > s OR (start = s AND id > i))``), so page 1,000 costs what
# page 1 costs, whatever the table size, and rows with equal keys are neither skipped nor
# repeated.


CURSOR_SALT = "dangpt.pagination.keyset"


def _signer() -> signing.Signer:
    # "." joins value and signature: a character URLs carry as it is (":" is escaped).
    return signing.Signer(salt=CURSOR_SALT, sep=".")


class InvalidCursor(ValueError):
    """A cursor that was not issued by this list, was altered, or does not decode."""

    message = "Invalid cursor: pass back the `next` link or `X-Next-Cursor` unchanged."

    def __init__(self):
        super().__init__(self.message)


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None


def _field_name(term: str) -> str:
    return term.removeprefix("-")


def _encode_value(value):
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def encode_cursor(row, order: tuple[str, ...], *, scope: str) -> str:
    """The opaque cursor after ``row``: its values of ``order``, signed for this list."""
    values = [_encode_value(getattr(row, _field_name(term))) for term in order]
    return _signer().sign_object({"l": scope, "k": values})


def decode_cursor(cursor: str, rows: QuerySet, order: tuple[str, ...], *, scope: str) -> list:
    """The sort key a cursor carries, as Python values of the model's fields; InvalidCursor."""
    try:
        data = _signer().unsign_object(cursor)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvalidCursor from exc
    if not isinstance(data, dict) or data.get("l") != scope:
        raise InvalidCursor
    values = data.get("k")
    if not isinstance(values, list) or len(values) != len(order):
        raise InvalidCursor
    meta = rows.model._meta
    try:
        return [
            meta.get_field(_field_name(term)).to_python(value)
            for term, value in zip(order, values, strict=True)
        ]
    except Exception as exc:  # to_python raises ValidationError, TypeError, ...
        raise InvalidCursor from exc


def after_key(order: tuple[str, ...], values: list) -> Q:
    """Rows strictly after ``values`` in ``order`` (each term ascending, or descending with -).

    The first column also gets a plain bound (>= or <=), so any index that leads with it, or
    follows an equality on another column, answers the condition as a range.
    """
    first, first_value = _field_name(order[0]), values[0]
    bound = "lte" if order[0].startswith("-") else "gte"
    after = Q()
    equal: dict = {}
    for term, value in zip(order, values, strict=True):
        name = _field_name(term)
        past = "lt" if term.startswith("-") else "gt"
        after |= Q(**equal, **{f"{name}__{past}": value})
        equal[name] = value
    return Q(**{f"{first}__{bound}": first_value}) & after


def keyset_page(
    rows: QuerySet,
    *,
    order: tuple[str, ...],
    limit: int,
    cursor: str | None,
    scope: str,
    skip: int = 0,
) -> KeysetPage:
    """One page of ``rows`` in ``order`` (ending in a unique column) after ``cursor``.

    Reads ``limit + 1`` rows to learn whether a next page exists; ``scope`` names the list so a
    cursor of one list is refused by another. ``skip`` serves a deprecated ``offset`` (it costs
    what it skips). Raises InvalidCursor for a bad cursor.
    """
    rows = rows.order_by(*order)
    if cursor:
        rows = rows.filter(after_key(order, decode_cursor(cursor, rows, order, scope=scope)))
    found = list(rows[skip : skip + limit + 1])
    if len(found) <= limit:
        return KeysetPage(found, None)
    found = found[:limit]
    return KeysetPage(found, encode_cursor(found[-1], order, scope=scope))


def next_link(request, cursor: str) -> str:
    """The absolute URL of the next page: this request's query with ``cursor`` replaced."""
    params = request.GET.copy()
    params.pop("offset", None)
    params["cursor"] = cursor
    return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")


def set_next_headers(response, request, page: KeysetPage) -> None:
    """RFC 8288 ``Link: <…>; rel="next"`` and ``X-Next-Cursor`` when there is a next page."""
    if page.next_cursor:
        response["Link"] = f'<{next_link(request, page.next_cursor)}>; rel="next"'
        response["X-Next-Cursor"] = page.next_cursor
