"""The JSON API: one NinjaAPI at /api/v1/, token auth, and one error format for every failure.

The apps' routers are mounted by the project wiring (`dangpt.wiring.api`), so an app may import
this module (for `ErrorOut`) without a circle.
"""

import datetime
import logging
from functools import wraps
from io import BytesIO

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError
from ninja import Field, NinjaAPI, Router, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import HttpBearer

from dangpt.mfa.factors import mfa_enforced, token_exchange_check, token_refusal
from dangpt.pagination import InvalidCursor
from dangpt.roles import reaches_staff_pages, role_of
from dangpt.services import (
    api_token_create,
    api_token_expires_at,
    api_token_find,
    api_token_record_use,
    api_token_refusal,
    api_token_revoke,
)
from dangpt.throttle import THROTTLED_ATTRIBUTE

logger = logging.getLogger(__name__)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>`; the request acts as the token's user.

    A token whose account changed (password, role, authenticator) is revoked, one past its
    lifetime has expired, and one made without a second factor is refused once its account must
    use one: each a 401 saying so.
    """

    def authenticate(self, request: HttpRequest, token: str):
        found = api_token_find(raw=token)
        if found is None:
            return None
        refusal = api_token_refusal(token=found) or token_refusal(found)
        if refusal is not None:
            raise HttpError(401, refusal)
        api_token_record_use(token=found)
        request.user = found.user
        request.api_token = found
        return found


NUL_MESSAGE = "Null characters are not allowed."


def _refuse_nul(value, loc: tuple) -> None:
    """PostgreSQL text cannot hold NUL characters: refuse them as invalid input (a 422)."""
    if isinstance(value, str):
        if "\x00" in value:
            raise NinjaValidationError([{"loc": loc, "msg": NUL_MESSAGE}])
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, loc)
            _refuse_nul(item, (*loc, key))
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item, loc)


class NulRefusingParser(Parser):
    """JSON bodies and query strings, with NUL characters refused before any view sees them."""

    def parse_body(self, request):
        if request.content_type.startswith("multipart/"):
            # A missing or malformed boundary is a 400 here, for every method, and not a 500
            # later wherever request.POST happens to be read first (axes reads it on sign-in).
            MultiPartParser(request.META, BytesIO(b""), request.upload_handlers, request.encoding)
        data = super().parse_body(request)
        _refuse_nul(data, ("body",))
        return data

    def parse_querydict(self, data, list_fields, request):
        parsed = super().parse_querydict(data, list_fields, request)
        _refuse_nul(parsed, ("query",))
        return parsed


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = {}


class DangptAPI(NinjaAPI):
    """The NinjaAPI with operation ids `<app>_api_<function>` wherever in the app a view sits."""

    def get_openapi_operation_id(self, operation) -> str:
        """`patients_api_list_patients`: the app (first part of the module) and the function."""
        app = operation.view_func.__module__.split(".", 1)[0]
        return f"{app}_api_{operation.view_func.__name__}"


def docs_for_staff(view):
    """With API_DOCS_PUBLIC off (DEBUG off), the docs and schema are for signed-in staff only.

    Staff means an account that reaches staff pages and has passed its second factor (the MFA
    gate lets /api/ through, so it is checked here); anyone else gets a 404.
    """

    @wraps(view)
    def gated(request, *args, **kwargs):
        user = request.user
        if not settings.API_DOCS_PUBLIC and not (
            user.is_authenticated
            and reaches_staff_pages(user)
            and (user.is_verified() or not mfa_enforced(user))
        ):
            raise Http404
        return view(request, *args, **kwargs)

    return gated


api = DangptAPI(
    title="dangpt API",
    version="1",
    description="Clinic API of Dang PT. Authenticate with `Authorization: Bearer <token>`.",
    auth=TokenAuth(),
    urls_namespace="api",
    parser=NulRefusingParser(),
    docs_url="/docs",
    openapi_url="/openapi.json",
    docs_decorator=docs_for_staff,
)


def error_response(request, status: int, detail: str, errors: dict | None = None):
    """The one error body: {"detail": ..., "errors": {field: [messages]}}."""
    return api.create_response(request, {"detail": detail, "errors": errors or {}}, status=status)


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "payload", "form")]
    return ".".join(parts) or "__all__"


@api.exception_handler(NinjaValidationError)
def on_invalid_input(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        message = str(error.get("msg", "Invalid value.")).removeprefix("Value error, ")
        errors.setdefault(_field_name(error.get("loc", ())), []).append(message)
    return error_response(request, 422, "The request has invalid fields.", errors)


@api.exception_handler(InvalidCursor)
def on_invalid_cursor(request, exc: InvalidCursor):
    return error_response(request, 422, "The request has invalid fields.", {"cursor": [str(exc)]})


@api.exception_handler(DjangoValidationError)
def on_rejected_by_service(request, exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        errors = {
            field: [m for e in errs for m in e.messages] for field, errs in exc.error_dict.items()
        }
    else:
        errors = {"__all__": list(exc.messages)}
    return error_response(request, 400, "The request could not be accepted.", errors)


REFUSED_BODY_ERRORS = (MultiPartParserError, SuspiciousOperation)


def _log_refused_body(request, exc: Exception) -> None:
    # As Django logs a SuspiciousOperation: to django.security.<class>, which deployments watch.
    # Only the class, method and route pattern: the message or the request could carry the body.
    match = getattr(request, "resolver_match", None)
    logging.getLogger(f"django.security.{type(exc).__name__}").error(
        "%s refused with 400 on %s %s",
        type(exc).__name__,
        request.method,
        match.route if match else "?",
        extra={"status_code": 400},
    )


@api.exception_handler(MultiPartParserError)
def on_unparsable_body(request, exc):
    _log_refused_body(request, exc)
    return error_response(request, 400, "Cannot parse request body")


@api.exception_handler(SuspiciousOperation)
def on_suspicious_request(request, exc):
    # Too large a body, too many fields or files: Django's own answer to these is a 400.
    _log_refused_body(request, exc)
    return error_response(request, 400, "The request could not be accepted.")


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return error_response(request, 401, "A valid API token is required.")


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # django-ninja turns a body its parser cannot read into a 400 HttpError with the cause.
    if isinstance(exc.__cause__, REFUSED_BODY_ERRORS):
        _log_refused_body(request, exc.__cause__)
    return error_response(request, exc.status_code, str(exc))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "Not found.")


@api.exception_handler(ObjectDoesNotExist)
def on_missing_object(request, exc):
    return error_response(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return error_response(request, 404, "Not found.")


@api.exception_handler(Exception)
def on_unexpected(request, exc):
    logger.exception("Unhandled API error on %s %s", request.method, request.resolver_match.route)
    return error_response(request, 500, "Something went wrong on our side; it has been logged.")


# --- Auth and the caller ------------------------------------------------------------------
auth_router = Router(tags=["auth"])


class TokenIn(Schema):
    username: str
    password: str
    otp: str = ""
    name: str = Field("", max_length=100)


TOKEN_REFUSED = {
    "detail": "Invalid username, password or code. Accounts with two-step sign-in send the "
    "authenticator's current code in `otp`; staff set it up in the web app first.",
    "errors": {},
}


THROTTLED_DETAIL = (
    "Too many failed sign-ins from this address or for this account; try again later."
)


class TokenOut(Schema):
    token: str
    hint: str
    expires_at: datetime.datetime


@auth_router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 400: ErrorOut, 401: ErrorOut, 422: ErrorOut, 429: ErrorOut},
)
def create_token(request, payload: TokenIn):
    """Exchange a username and password for a new API token (shown once).

    Accounts with two-step sign-in also send `otp` (the app's current code or a recovery code);
    accounts that must use it (staff roles, `is_staff`, superusers) must have set it up first.
    Every refusal answers the same, so the answer does not tell whether the password was right.
    """
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, THROTTLED_ATTRIBUTE, False):
        return Status(429, {"detail": THROTTLED_DETAIL, "errors": {}})
    if user is None or not user.is_active:
        return Status(401, TOKEN_REFUSED)
    exchange = token_exchange_check(user, payload.otp)
    if exchange.refusal is not None:
        # A failed sign-in like a wrong password, for axes and the throttles alike: otherwise
        # their silence (no lockout, no 429) would tell a guesser the password was right.
        user_login_failed.send(
            sender=__name__, credentials={"username": payload.username}, request=request
        )
        logger.info("API token refused after the password user=%s", user.pk)
        return Status(401, TOKEN_REFUSED)
    token, raw = api_token_create(
        user=user, name=payload.name or "API login", second_factor=exchange.second_factor
    )
    return Status(
        201, {"token": raw, "hint": token.hint, "expires_at": api_token_expires_at(token)}
    )


@auth_router.delete("/token", response={204: None, 401: ErrorOut})
def revoke_token(request):
    """Revoke the token this request was made with."""
    api_token_revoke(token=request.api_token)
    return Status(204, None)


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    role: str | None
    patient_id: int | None


me_router = Router(tags=["me"])


@me_router.get("", response={200: MeOut, 401: ErrorOut})
def me(request):
    """Who the token belongs to, and their role."""
    user = request.user
    patient = getattr(user, "patient", None)
    role = role_of(user)
    return {
        "id": user.pk,
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": role.value if role else None,
        "patient_id": patient.pk if patient else None,
    }


api.add_router("/auth", auth_router)
api.add_router("/me", me_router)
