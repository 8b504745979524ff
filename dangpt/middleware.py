"""Send anonymous users to the login page (not the token-authenticated API); throttled sign-ins."""

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.shortcuts import render
from pghistory.middleware import HistoryMiddleware as PghistoryMiddleware

from dangpt.logs import redact_path
from dangpt.throttle import THROTTLED_ATTRIBUTE


class LoginRequiredExceptApiMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware; the API answers 401 JSON itself instead of redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SignInThrottleMiddleware:
    """A sign-in refused by the throttle (dangpt/throttle.py) answers 429 with a clear page.

    The API's token view answers its own JSON 429; this adds `Retry-After` to both.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not getattr(request, THROTTLED_ATTRIBUTE, False):
            return response
        if not request.path_info.startswith("/api/"):
            response = render(
                request,
                "registration/throttled.html",
                {"minutes": settings.SIGNIN_THROTTLE_SECONDS // 60},
                status=429,
            )
        response["Retry-After"] = str(settings.SIGNIN_THROTTLE_SECONDS)
        return response


class HistoryMiddleware(PghistoryMiddleware):
    """pghistory's user and URL on each change, the URL redacted as in logs (a link's token)."""

    def get_context(self, request):
        context = super().get_context(request)
        context["url"] = redact_path(context["url"])
        return context
