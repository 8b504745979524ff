"""Keyset pages: every row once, in order, with ties and descending keys; cursors are signed."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dangpt.pagination import InvalidCursor, after_key, keyset_page
from patients.models import Patient
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def _walk(rows, order, limit):
    ids, cursor, pages = [], None, 0
    while True:
        page = keyset_page(rows, order=order, limit=limit, cursor=cursor, scope="test")
        ids += [row.pk for row in page.rows]
        pages += 1
        if page.next_cursor is None:
            return ids, pages
        cursor = page.next_cursor


@pytest.mark.parametrize("limit", [1, 2, 3, 7, 8])
def test_pages_walk_every_row_once_with_ties_ascending_and_descending(limit):
    """Names and birth dates repeat; both directions give the full order for any page size."""
    for n in range(7):
        PatientFactory(
            last_name=["Reyes", "Abe", "Reyes"][n % 3],
            first_name="Ana",
            date_of_birth=dt.date(1990, 1, 1 + n % 2),
        )
    rows = Patient.objects.all()
    for order in (("last_name", "first_name", "id"), ("-date_of_birth", "-id")):
        expected = list(rows.order_by(*order).values_list("pk", flat=True))
        ids, pages = _walk(rows, order, limit)
        assert ids == expected
        assert pages == -(-7 // limit)  # no empty page after an exact last one


def test_a_full_last_page_says_no_more_after_one_extra_read():
    """limit + 1 rows are read, so an exact last page carries no next cursor."""
    for _ in range(4):
        PatientFactory()
    page = keyset_page(
        Patient.objects.all(), order=("last_name", "id"), limit=4, cursor=None, scope="t"
    )
    assert len(page.rows) == 4 and page.next_cursor is None


def test_the_after_condition_leads_with_a_plain_bound_on_the_first_column():
    """start >= s AND (start > s OR (start = s AND id > i)): an index on start serves it."""
    condition = after_key(("start", "id"), [dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 5])
    assert str(condition).startswith("(AND: ('start__gte'")
    assert "('start__gt'" in str(condition) and "('id__gt', 5)" in str(condition)
    assert "('start__lte'" in str(after_key(("-start", "-id"), [0, 5]))


def test_a_cursor_of_another_scope_or_altered_is_refused_before_any_query():
    """A cursor is bound to its list and signed; a bad one raises before the database is read."""
    for _ in range(3):
        PatientFactory()
    rows = Patient.objects.all()
    order = ("last_name", "id")
    cursor = keyset_page(rows, order=order, limit=1, cursor=None, scope="a").next_cursor
    for bad in (cursor + "x", "x" + cursor, "", "a.b", cursor.replace(".", ":")):
        with CaptureQueriesContext(connection) as captured, pytest.raises(InvalidCursor):
            keyset_page(rows, order=order, limit=1, cursor=bad or "?", scope="a")
        assert not captured.captured_queries
    with pytest.raises(InvalidCursor):
        keyset_page(rows, order=order, limit=1, cursor=cursor, scope="b")
    with pytest.raises(InvalidCursor):
        longer = ("last_name", "first_name", "id")
        keyset_page(rows, order=longer, limit=1, cursor=cursor, scope="a")
