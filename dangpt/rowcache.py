"""Text built from a runner's rows, cached in Redis under a fingerprint of every row it shows.

The one cache of the runner's reads (the runner home, and the runner's API reads under /me/).
Each app that uses it owns the query of its fingerprint: an md5 over the text of every row the
text is built from (``row::text``), so a change by any code path changes it. This module owns
the rest, the same for every user of it:

- The key starts with the runner's user id (so `drop_for_user` finds every key of one runner),
  then the part cached with whatever else it depends on (date, query, code version), then the
  digest. A stale text is never served: a change makes a new key, the old one expires
  (the alias's ``TIMEOUT``).
- A text is stored only when the fingerprint read again after building it is still the one
  read before, so a write landing in between cannot file new content under an old key.
- A cache outage costs speed, not the answer: errors are logged (no health data) and the text
  is built as if nothing were cached.
- Deactivating or deleting an account drops every text cached for it (`drop_for_user`, on
  `dangpt.signals.user_deactivated`): the texts hold pain scores, exercises and appointments.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable

from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder
from pydantic import TypeAdapter

log = logging.getLogger(__name__)

CACHE_ALIAS = "pages"
JSON_TYPE = "application/json; charset=utf-8"


def fetch_one(sql: str, params: dict) -> tuple | None:
    """The one row a fingerprint query answers, or None."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def digest(*querysets) -> str:
    """An md5 over the text of every row each queryset returns, in one query.

    Each row is taken whole, with the columns of its ``select_related`` rows, so the digest
    changes with anything a text built from these querysets can show.
    """
    parts, params = [], []
    for queryset in querysets:
        sql, args = queryset.query.sql_with_params()
        # The queryset's own SQL, compiled by Django with its values as parameters.
        rows = f"(SELECT string_agg(t::text, ',' ORDER BY t::text) FROM ({sql}) t)"  # noqa: S608
        parts.append(f"coalesce({rows}, '')")
        params.extend(args)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT md5(concat_ws('|', {', '.join(parts)}))", params)  # noqa: S608
        return cursor.fetchone()[0]


def key(user_id: int, *fields: object) -> str:
    """The cache key of one runner's text: user id first, then what the text depends on."""
    return f"runner:{user_id}:" + ":".join(str(field) for field in fields)


def get(cache_key: str) -> str | None:
    """The cached text, or None when missing or the cache is out."""
    try:
        return caches[CACHE_ALIAS].get(cache_key)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the read
        log.warning("runner home cache unavailable (read); building the page", exc_info=True)
        return None


def put(cache_key: str, text: str) -> None:
    """Store the text; a cache outage only logs."""
    try:
        caches[CACHE_ALIAS].set(cache_key, text)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the read
        log.warning("runner home cache unavailable (write)", exc_info=True)


def reuse_or_build(
    cache_key: str, *, build: Callable[[], str], unchanged: Callable[[], bool]
) -> str:
    """The text cached under the key, or ``build()``'s, stored only if ``unchanged()`` after."""
    text = get(cache_key)
    if text is None:
        text = build()
        if unchanged():
            put(cache_key, text)
    return text


def drop_for_user(user_id: int) -> int:
    """Delete every cached text of one runner (their account was deactivated); how many."""
    pages = caches[CACHE_ALIAS]
    try:
        client = pages._cache.get_client(write=True)
        found = list(client.scan_iter(match=pages.make_key(key(user_id, "*")), count=1000))
        return client.delete(*found) if found else 0
    except Exception:  # noqa: BLE001 - the texts still expire with TIMEOUT
        log.warning("runner home cache unavailable (drop); bodies expire on their own")
        return 0


def on_user_deactivated(sender, user_id: int, **kwargs) -> None:
    """`dangpt.signals.user_deactivated` receiver: a deactivated runner's texts leave Redis."""
    drop_for_user(user_id)


@functools.cache
def _adapter(schema) -> TypeAdapter:
    return TypeAdapter(schema)


def json_text(schema, data: object) -> str:
    """The JSON text django-ninja answers for ``data`` under the response ``schema``."""
    adapter = _adapter(schema)
    return json.dumps(adapter.dump_python(adapter.validate_python(data)), cls=NinjaJSONEncoder)


def json_response(text: str) -> HttpResponse:
    """A 200 with a JSON text built by `json_text`, cached or not."""
    return HttpResponse(text, content_type=JSON_TYPE)
