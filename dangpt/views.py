"""Cross-cutting pages: the role router at / and the health check."""

import time

import redis
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dangpt.models import Heartbeat
from dangpt.roles import Role, role_of

ROLE_HOMES = {
    Role.FRONT_DESK: "patients:calendar",
    Role.THERAPIST: "patients:my_day",
    Role.MANAGER: "patients:clinic_overview",
    Role.RUNNER: "programs:home",
}


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to its own home; a user without a role sees a short explanation."""
    role = role_of(request.user)
    if role is None:
        return render(request, "dangpt/no_role.html", status=403)
    return redirect(ROLE_HOMES[role])


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as exc:  # noqa: BLE001 - any failure means the dependency is down
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _probe_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def _probe_redis() -> None:
    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    finally:
        client.close()


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with each dependency checked when all are up, 503 when one is down."""
    checks = {"database": _check(_probe_database), "redis": _check(_probe_redis)}
    healthy = all(check["ok"] for check in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "checks": checks}
    if checks["database"]["ok"]:
        beat = Heartbeat.objects.filter(name="worker").first()
        body["worker_last_seen"] = beat.seen_at.isoformat() if beat else None
    return JsonResponse(body, status=200 if healthy else 503)
