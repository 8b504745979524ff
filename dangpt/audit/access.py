"""The access log: one call in each chart page and API read records who looked at which patient.

Write history (who changed what) is kept by django-pghistory's database triggers; reads cannot be
seen by triggers, so views call `audit_patient_access` once per request, with the kind of record
read (`AccessKind`) and its id, and list pages call `audit_patient_list` with every patient shown.
Rows carry ids and view names only, never names, notes or diagnoses.
"""

from collections.abc import Iterable

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from dangpt.models import AccessKind, AccessLog
from dangpt.roles import role_of
from dangpt.security import client_ip

USER_AGENT_LENGTH = AccessLog._meta.get_field("user_agent").max_length
WHAT_LENGTH = AccessLog._meta.get_field("what").max_length


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return request.path[:100]
    return (match.view_name or match.route)[:100]


def _what(kind: AccessKind, ref: str) -> str:
    what = f"{kind.label.lower()} {ref}".strip()
    return what if len(what) <= WHAT_LENGTH else what[: WHAT_LENGTH - 1] + "…"


def _row(request: HttpRequest, *, patient_id: int, kind: AccessKind, ref: str) -> AccessLog:
    user = request.user if request.user.is_authenticated else None
    role = role_of(user) if user is not None else None
    return AccessLog(
        user=user,
        role=role.value if role else "",
        patient_id=patient_id,
        view=_view_name(request),
        kind=kind,
        what=_what(kind, ref),
        method=request.method or "",
        ip_address=client_ip(request) or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )


def audit_patient_access(
    request: HttpRequest, *, patient_id: int, kind: AccessKind, ref: object = ""
) -> AccessLog:
    """Record that the request's user read a record of one patient: its kind and its id (`ref`)."""
    row = _row(request, patient_id=patient_id, kind=kind, ref=str(ref))
    row.save(force_insert=True)
    return row


def audit_patient_list(
    request: HttpRequest, *, kind: AccessKind, shown: Iterable[tuple[int, object]]
) -> int:
    """Record a list read: one row per patient shown, naming the ids of that patient's records
    on the page (`shown` holds (patient id, record id) pairs), written in one INSERT; how many.

    The rows differ only in patient and ids, so they go to PostgreSQL as two arrays rather than
    as model objects: a page of a hundred rows costs one statement and no per-row Python.
    """
    refs: dict[int, list[str]] = {}
    for patient_id, ref in shown:
        ids = refs.setdefault(patient_id, [])
        if str(ref) not in ids:
            ids.append(str(ref))
    if not refs:
        return 0
    user = request.user if request.user.is_authenticated else None
    role = role_of(user) if user is not None else None
    table = connection.ops.quote_name(AccessLog._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (created_at, user_id, role, patient_id, view, kind, what,"  # noqa: S608 - the table name is ours
            " method, ip_address, user_agent)"
            " SELECT %s::timestamptz, %s::integer, %s, shown.patient_id, %s, %s, shown.what, %s,"
            " %s::inet, %s"
            " FROM unnest(%s::bigint[], %s::text[]) AS shown(patient_id, what)",
            [
                timezone.now(),
                user.pk if user is not None else None,
                role.value if role else "",
                _view_name(request),
                kind.value,
                request.method or "",
                client_ip(request) or None,
                request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
                list(refs),
                [_what(kind, ", ".join(ids)) for ids in refs.values()],
            ],
        )
    return len(refs)
