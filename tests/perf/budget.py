"""Query budgets: a page or API list costs the same queries at 1 row and at 50, within a budget.

Every GET route of the project is either measured by a test in this package (its name listed in
that module's ``BUDGETED``) or named in ``tests/perf/test_budget_coverage.py`` with the reason it
needs no budget. Counts include everything a real request pays: session, user, second-factor
device, role groups and the access-log insert of chart pages.
"""

import re
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dangpt.models import ApiToken
from dangpt.services import api_token_create

LIST_BUDGET = 12
DETAIL_BUDGET = 10
# The clinical chart: the detail page plus its summary and timeline's own three capped reads
# (screenings, visits, home programs); the rest comes from rows the sections already load.
# Plus the safety gate's reads for the red alert: the unacknowledged screenings, exclusions,
# evidence screenings and BSI notes (4), and the last clearance when there is BSI evidence (1).
CHART_BUDGET = 18
# A new note: the detail page plus the safety gate's holds shown above the screening's patterns
# (as on the chart: 4 reads, and the last clearance when there is BSI evidence), and the access
# log's rows for the screening and the signed note it shows (2 inserts).
NEW_NOTE_BUDGET = DETAIL_BUDGET + 7
SMALL, LARGE = 1, 50


def queries_of(client, url: str, *, data=None, status: int = 200, **extra) -> list[str]:
    """The SQL one GET runs, after asserting the status."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {}, **extra)
    assert response.status_code == status, f"GET {url}: {response.status_code}"
    return [q["sql"] for q in captured.captured_queries]


def _describe(one: list[str], many: list[str]) -> str:
    lines = [f"{len(one)} queries at {SMALL} row(s), {len(many)} at {LARGE}:"]
    lines += [f"  [{LARGE}] {sql[:160]}" for sql in many]
    return "\n".join(lines)


def assert_flat(
    client,
    url: str,
    grow: Callable[[int], object],
    *,
    budget: int,
    data=None,
    check: Callable[[object], None] | None = None,
    **extra,
) -> int:
    """Grow to SMALL rows, count; grow to LARGE rows, count; the counts match and fit the budget.

    ``grow(n)`` adds n more rows of what the page lists. ``check(response)``, when given, runs on
    the LARGE response to prove the rows are really on the page (a count that does not grow
    because the rows are missing would prove nothing).
    """
    grow(SMALL)
    one = queries_of(client, url, data=data, **extra)
    grow(LARGE - SMALL)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, data or {}, **extra)
    assert response.status_code == 200, f"GET {url}: {response.status_code}"
    many = [q["sql"] for q in captured.captured_queries]
    if check is not None:
        check(response)
    assert len(one) == len(many), _describe(one, many)
    assert len(many) <= budget, f"over the budget of {budget}. " + _describe(one, many)
    return len(many)


# --- Helpers shared by the budget modules -----------------------------------------------------


def api_headers(user) -> dict:
    """The Authorization header of a fresh API token of the user."""
    return {"HTTP_AUTHORIZATION": f"Bearer {used_token(user)}"}


def used_token(user) -> str:
    """A new raw API token already stamped as used: a token writes its last use only now and
    then (`api_token_record_use`), so the first request must not count one write the next skip."""
    token, raw = api_token_create(user=user, name="budget", second_factor=True)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return raw


def matches(pattern: str, expected: int):
    """A check that the regular expression matches ``expected`` times on the page."""

    def check(response) -> None:
        found = len(re.findall(pattern, response.content.decode()))
        assert found == expected, f"{pattern!r} {found} times, expected {expected}"

    return check


def json_length(key: str | None, expected: int):
    """A check that the JSON body (or its ``key``) is a list of ``expected`` rows."""

    def check(response) -> None:
        body = response.json()
        rows = body if key is None else body[key]
        assert len(rows) == expected, f"{len(rows)} rows, expected {expected}"

    return check
