"""Where a bulk export stands, in Redis under its export id: the command polls it.

The export's directory is stored here by the command before it enqueues the task, so the task
takes the export id only.
"""

import json

import redis
from django.conf import settings

TTL_SECONDS = 7 * 24 * 3600


def _client():
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3)


def _key(export_id: str) -> str:
    return f"dangpt:fhir-export:{export_id}"


def export_progress_set(*, export_id: str, **fields) -> None:
    """Merge these fields into the export's state."""
    state = export_progress(export_id=export_id) or {}
    state.update(fields)
    _client().set(_key(export_id), json.dumps(state), ex=TTL_SECONDS)


def export_progress(*, export_id: str) -> dict | None:
    """The export's state: status, output, done, total, resource, manifest or error."""
    raw = _client().get(_key(export_id))
    return json.loads(raw) if raw else None
