"""What every assessments API operation shares."""

from django.http import Http404

from dangpt.api import ErrorOut
from dangpt.roles import Role, role_of

# Every operation may answer these (401 without a token, 422 for a malformed id or query,
# 400 for a body that is not JSON or that the service refuses).
ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def require_therapist(request) -> None:
    """Screening and writing notes is the therapist's; anyone else is told there is nothing here."""
    if role_of(request.user) != Role.THERAPIST:
        raise Http404
