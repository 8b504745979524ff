"""The runner home's body, cached under a fingerprint of every row it shows.

The runner home is the page runners open most, and most visits find nothing changed since the
last one. Building it (the program, its version's exercises, the week's sessions and entries,
then the template) is most of its cost. So the body of the page is cached, and each visit first
asks PostgreSQL for a fingerprint: an md5 over the text of every row the body is built from.

- The program row, the exercises of its current version (versions are immutable), and the
  sessions and entries from the day before this week's Monday, each row as a whole (``row::text``).
  Any change to any column, by any code path (a service, the admin, a migration), changes it.
- The key adds the runner's user id, the program, the date and a hash of the templates; a
  stale body is therefore never served, it is only left to expire (``TIMEOUT``).
- The body holds no CSRF token: a placeholder is rendered and replaced with the requester's
  token on each visit. The greeting, messages and navigation are outside the body.
- A body is stored only when the fingerprint read after building it equals the one read before,
  so a write that lands in between cannot file new content under an old key or the reverse.
- A cache outage costs speed, not the page: errors are logged (no health data) and the body
  is built as if nothing were cached.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
from dataclasses import dataclass

from django.core.cache import caches
from django.db import connection
from django.template.loader import get_template

from patients.models import Patient
from programs import portal
from programs.models import (
    Exercise,
    Program,
    ProgramStatus,
    ProgramVersion,
    SessionEntry,
    SessionLog,
)

log = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
BODY_TEMPLATE = "programs/_home_body.html"
CARD_TEMPLATE = "programs/_exercise_card_body.html"
# Rendered where {% csrf_token %} puts the token, then replaced with the requester's own.
CSRF_PLACEHOLDER = "csrf-token-of-this-request"


def window_start(today: dt.date) -> dt.date:
    """The first day the body reads sessions from: the Sunday before this week's Monday."""
    return portal.week_start(today) - dt.timedelta(days=1)


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
    with connection.cursor() as cursor:
        cursor.execute(
            _sql(), {"user": user_id, "active": ProgramStatus.ACTIVE, "since": window_start(today)}
        )
        row = cursor.fetchone()
    return Fingerprint(*row) if row else None


@functools.cache
def _templates_hash() -> str:
    """Changes with the body's templates, so a deploy never serves a body of the old ones."""
    sources = []
    for name in (BODY_TEMPLATE, CARD_TEMPLATE):
        with open(get_template(name).origin.name, "rb") as handle:
            sources.append(handle.read())
    return hashlib.sha256(b"\0".join(sources)).hexdigest()[:16]


def key(user_id: int, found: Fingerprint, today: dt.date) -> str:
    parts = (user_id, found.program_id, f"{today:%Y%m%d}", found.digest, _templates_hash())
    return "runner-home:" + ":".join(str(part) for part in parts)


def get(cache_key: str) -> str | None:
    try:
        return caches[CACHE_ALIAS].get(cache_key)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the page
        log.warning("runner home cache unavailable (read); building the page", exc_info=True)
        return None


def put(cache_key: str, body: str) -> None:
    try:
        caches[CACHE_ALIAS].set(cache_key, body)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the page
        log.warning("runner home cache unavailable (write)", exc_info=True)
