"""What the patients API modules share: the error responses, paging bound and lookups."""

from django.core.exceptions import ValidationError
from django.http import Http404

from dangpt.api import ErrorOut
from dangpt.roles import STAFF_ROLES, role_of

ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
# Paging past this is a 422, not a database error (OFFSET is a bigint in PostgreSQL).
MAX_OFFSET = 1_000_000


def require_staff(request) -> None:
    """Staff only: anyone else gets the 404 of what they may not see."""
    if role_of(request.user) not in STAFF_ROLES:
        raise Http404


def referenced(source, pk, field: str):
    """A referenced row (from a model or a queryset) by id, or a field error naming the id."""
    if pk is None:
        return None
    rows = source._default_manager.all() if isinstance(source, type) else source
    found = rows.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: f"Unknown {field.replace('_', ' ')} {pk}."})
    return found
