"""The access log: one call in each chart page and API read records who looked at which patient.

Write history (who changed what) is kept by django-pghistory's database triggers; reads cannot be
seen by triggers, so views call `audit_patient_access` once per request, with the kind of record
read (`AccessKind`) and its id. Rows carry ids and view names only, never names, notes or diagnoses.
"""

from django.http import HttpRequest

from dangpt.models import AccessKind, AccessLog
from dangpt.roles import role_of

USER_AGENT_LENGTH = AccessLog._meta.get_field("user_agent").max_length


def _view_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is None:
        return request.path[:100]
    return (match.view_name or match.route)[:100]


def audit_patient_access(
    request: HttpRequest, *, patient_id: int, kind: AccessKind, ref: object = ""
) -> AccessLog:
    """Record that the request's user read a record of one patient: its kind and its id (`ref`)."""
    user = request.user if request.user.is_authenticated else None
    role = role_of(user) if user is not None else None
    return AccessLog.objects.create(
        user=user,
        role=role.value if role else "",
        patient_id=patient_id,
        view=_view_name(request),
        kind=kind,
        what=f"{kind.label.lower()} {ref}".strip()[:100],
        method=request.method or "",
        ip_address=request.META.get("REMOTE_ADDR") or None,
        user_agent=request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_LENGTH],
    )
