"""Session lifetimes by role: staff sessions end after 15 idle minutes or 12 hours, runners' later.

Expiry is checked on the server for every page request, so a stolen cookie stops working too.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login

from dangpt.roles import reaches_staff_pages

STARTED = "dangpt_session_started"
LAST_SEEN = "dangpt_session_last_seen"
# Writing the session on every request would cost a write each. The last-seen stamp is rewritten
# once it is older than 1% of the role's idle limit, and at least a minute old: a staff session
# (15 idle minutes) every minute, a runner's (14 idle days) every few hours. The idle limit is
# therefore kept to within 1% of its length, never extended.
TOUCH_EVERY = 60
TOUCH_SHARE = 0.01


def limits_for(user) -> tuple[int, int]:
    """(idle seconds, absolute seconds): staff limits for any account that reaches staff pages."""
    if reaches_staff_pages(user):
        return settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_SECONDS
    return settings.RUNNER_SESSION_IDLE_SECONDS, settings.RUNNER_SESSION_MAX_SECONDS


def touch_interval(user) -> float:
    """Seconds the last-seen stamp may lag before it is written again (see TOUCH_SHARE)."""
    idle, _ = limits_for(user)
    return max(TOUCH_EVERY, idle * TOUCH_SHARE)


def session_expired(session, user, now: float) -> bool:
    """True when the session has been idle or alive longer than the role allows."""
    idle, absolute = limits_for(user)
    started = session.get(STARTED, now)
    last_seen = session.get(LAST_SEEN, now)
    return now - last_seen > idle or now - started > absolute


def session_start(*, request, user, **kwargs) -> None:
    """On sign-in, start both clocks (a user_logged_in receiver, connected in apps.py)."""
    now = time.time()
    request.session[STARTED] = now
    request.session[LAST_SEEN] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not request.path.startswith("/api/"):
            now = time.time()
            session = request.session
            if session_expired(session, user, now):
                logout(request)
                messages.info(request, "You were signed out after a period without activity.")
                return redirect_to_login(request.get_full_path())
            session.setdefault(STARTED, now)
            if now - session.get(LAST_SEEN, 0) > touch_interval(user):
                session[LAST_SEEN] = now
        return self.get_response(request)
