"""Text built from a runner's program rows, cached under a fingerprint of every row it shows.

The runner home is the page runners open most, and most visits find nothing changed since the
last one. Building it (the program, its version's exercises, the week's sessions and entries,
then the template) is most of its cost. So the body of the page is cached, and each visit first
asks PostgreSQL for a fingerprint: an md5 over the text of every row the body is built from.

- The program row, the exercises of its current version (versions are immutable), and the
  sessions and entries from the day before this week's Monday, each row as a whole (``row::text``).
  Any change to any column, by any code path (a service, the admin, a migration), changes it.
- The key adds the runner's user id, the program, the date, the part cached (the home body)
  and the version of the code that builds it (for the home, a hash of its templates); a stale
  body is therefore never served, it is only left to expire (``TIMEOUT``).
- The body holds no CSRF token: a placeholder is rendered and replaced with the requester's
  token on each visit. The greeting, messages and navigation are outside the body.
- Storing, the check that no row moved while building, outages and dropping a deactivated
  runner's texts are the one mechanism of `dangpt.rowcache`, shared with the runner's other
  API reads (appointments, questionnaires due); this module adds the program's fingerprint.

The home page (programs/portal/home.py) and `GET /api/v1/me/program` (programs/api.py) use it.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.middleware.csrf import get_token

from dangpt import rowcache
from patients.models import Patient
from programs.models import (
    Exercise,
    Program,
    ProgramStatus,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)
from programs.selectors import week_start

CACHE_ALIAS = rowcache.CACHE_ALIAS
# Rendered where {% csrf_token %} puts the token, then replaced with the requester's own.
CSRF_PLACEHOLDER = "csrf-token-of-this-request"


def window_start(today: dt.date) -> dt.date:
    """The first day the body reads sessions from: the Sunday before this week's Monday."""
    return week_start(today) - dt.timedelta(days=1)


@dataclass(frozen=True)
class Fingerprint:
    program_id: int
    patient_id: int
    first_name: str
    digest: str


@functools.cache
def _sql() -> str:
    program, patient = Program._meta.db_table, Patient._meta.db_table
    session, entry = SessionLog._meta.db_table, SessionEntry._meta.db_table
    version, exercise = ProgramVersion._meta.db_table, Exercise._meta.db_table
    # The same program get_runner_program picks: the runner's newest active one.
    return f"""
        WITH prog AS (
            SELECT p.id, p.patient_id, p.current_version_id, pat.first_name
            FROM "{program}" p JOIN "{patient}" pat ON pat.id = p.patient_id
            WHERE pat.user_id = %(user)s AND p.status = %(active)s
            ORDER BY p.id DESC LIMIT 1
        ), week AS (
            SELECT s.* FROM "{session}" s, prog
            WHERE s.program_id = prog.id AND s.date >= %(since)s
        )
        SELECT prog.id, prog.patient_id, prog.first_name, md5(concat_ws('|',
            (SELECT p::text FROM "{program}" p WHERE p.id = prog.id),
            (SELECT string_agg(w::text, ',' ORDER BY w.id) FROM week w),
            (SELECT string_agg(e::text, ',' ORDER BY e.id)
               FROM "{entry}" e WHERE e.session_id IN (SELECT id FROM week)),
            (SELECT string_agg(x::text, ',' ORDER BY x.id) FROM "{exercise}" x
              WHERE x.id IN (SELECT (i ->> 'exercise_id')::bigint
                               FROM "{version}" v, jsonb_array_elements(v.items) i
                              WHERE v.id = prog.current_version_id))
        ))
        FROM prog
    """  # noqa: S608 - table names from the models; values are parameters


def fingerprint(user_id: int, today: dt.date) -> Fingerprint | None:
    """The runner's active program and the digest of what its home shows; None without one."""
    params = {"user": user_id, "active": ProgramStatus.ACTIVE, "since": window_start(today)}
    row = rowcache.fetch_one(_sql(), params)
    return Fingerprint(*row) if row else None


def key(user_id: int, found: Fingerprint, today: dt.date, *, part: str, version: str) -> str:
    """The cache key of one part built from the rows ``found`` describes, by ``version`` code."""
    return rowcache.key(user_id, part, found.program_id, f"{today:%Y%m%d}", found.digest, version)


drop_for_user = rowcache.drop_for_user
get = rowcache.get
put = rowcache.put


def reuse_or_build(
    user_id: int,
    today: dt.date,
    found: Fingerprint,
    *,
    part: str,
    version: str,
    build: Callable[[], str],
) -> str:
    """The text cached for these rows, or ``build()``'s, stored only if no row moved meanwhile."""
    return rowcache.reuse_or_build(
        key(user_id, found, today, part=part, version=version),
        build=build,
        unchanged=lambda: fingerprint(user_id, today) == found,
    )


def with_token(request, text: str) -> str:
    """The cached text with the requester's own CSRF token in place of the placeholder."""
    return text.replace(CSRF_PLACEHOLDER, get_token(request))
