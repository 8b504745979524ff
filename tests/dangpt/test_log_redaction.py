"""Logs keep no query strings and no tokens: gunicorn's access log and Django's request logs."""

import contextlib
import logging
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from dangpt.logs import REDACTED, redact_path, redact_text, redact_url

ROOT = Path(__file__).resolve().parents[2]
SEARCH = "/desk/patients/?q=Quennell+Oyelaran-Haskins&dob=1990-03-04&phone=2135550199"
SIGNED = "eyJhIjoxMiwieCI6ImNhbmNlbCJ9:1vQzXa:K3n9QpV0cW-uYbT2rL8mZ4sD6fG1hJ7kE5aN0oI"
FEED = "pZqW3xY7v_KmN2rT9sLbQ4cD8fGhJ1kEaU6oI0eRtYw"
RESET = "cabc12-8f0e4b7c2d1a9e6f3b5c7d9e1f2a4b6c"
SECRETS = ["Quennell", "Oyelaran", "1990-03-04", "2135550199", SIGNED, FEED, RESET, "MTIz"]
PATHS = [
    SEARCH,
    f"/r/{SIGNED}/",
    f"/calendar/{FEED}.ics",
    f"/invite/MTIz/{RESET}/",
    f"/accounts/reset/MTIz/{RESET}/",
]


def assert_clean(text: str) -> None:
    leaked = [secret for secret in SECRETS if secret in text]
    assert not leaked, f"{leaked} leaked into:\n{text}"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (SEARCH, "/desk/patients/"),
        (f"/r/{SIGNED}/", f"/r/{REDACTED}/"),
        (f"/calendar/{FEED}.ics", f"/calendar/{REDACTED}.ics"),
        (f"/invite/MTIz/{RESET}/", f"/invite/{REDACTED}/{REDACTED}/"),
        (f"/accounts/reset/MTIz/{RESET}/", f"/accounts/reset/{REDACTED}/{REDACTED}/"),
        ("/accounts/reset/MTIz/set-password/", f"/accounts/reset/{REDACTED}/{REDACTED}/"),
        (f"/some/new/route/{SIGNED}/", f"/some/new/route/{REDACTED}/"),  # not listed, still caught
        ("/desk/patients/42/edit/", "/desk/patients/42/edit/"),  # ids stay: logs are for ops
        ("/programs/library/single-leg-calf-raise/", "/programs/library/single-leg-calf-raise/"),
    ],
)
def test_paths_lose_their_query_and_their_tokens(path, expected):
    assert redact_path(path) == expected


def test_urls_and_messages_are_redacted_whole():
    referer = f"https://clinic.example.com{SEARCH}#top"
    assert redact_url(referer) == "https://clinic.example.com/desk/patients/"
    message = f"Not Found: /r/{SIGNED}/ (from {referer})"
    assert_clean(redact_text(message))


def _routes(patterns=None, prefix="") -> list[str]:
    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if not isinstance(entry.pattern, RoutePattern):
            continue
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            found.append("/" + route)
    return found


def test_every_route_with_a_secret_parameter_is_redacted():
    """A route taking a token, key, secret or encoded user id never shows it in a log."""
    secret_parameter = re.compile(r"<(?:\w+:)?(\w*(?:token|key|secret|uid)\w*)>")
    checked = []
    for route in _routes():
        if not secret_parameter.search(route):
            continue
        # Short values on purpose: the generic long-token rule must not be what hides them.
        path = secret_parameter.sub("Secret1", re.sub(r"<int:\w+>", "7", route))
        path = re.sub(r"<(?:\w+:)?\w+>", "x", path)
        assert "Secret1" not in redact_path(path), f"{route} is logged with its secret"
        checked.append(route)
    assert {"/r/<str:token>/", "/calendar/<str:token>.ics"} <= set(checked)


def test_django_request_logs_carry_no_query_or_token(client, db, caplog):
    """Django's 404 warnings name the path; the handler filter redacts it."""
    handler = logging.getLogger().handlers[0]
    assert any(type(f).__name__ == "RedactPaths" for f in handler.filters)
    records = []
    with caplog.at_level(logging.INFO):
        for path in PATHS:
            Client().get(path)
        for record in caplog.records:
            if all(f.filter(record) for f in handler.filters):
                records.append(handler.format(record))
    assert any("Not Found" in line for line in records), "the 404 warnings were logged"
    assert_clean("\n".join(records))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, "gunicorn exited"
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise AssertionError("gunicorn did not start")


def _get(url: str, **headers) -> None:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    with contextlib.suppress(urllib.error.HTTPError):  # 4xx answers are logged all the same
        urllib.request.urlopen(request, timeout=10)  # noqa: S310


@pytest.mark.django_db(transaction=True)
def test_gunicorn_access_log_keeps_no_query_string_or_token(tmp_path):
    """A real gunicorn with the image's logger: searches, signed links and feeds leave no trace."""
    port, access = _free_port(), tmp_path / "access.log"
    db = connection.settings_dict
    env = dict(
        os.environ,
        DEBUG="true",
        BEHIND_PROXY="1",
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    )
    command = [sys.executable, "-m", "gunicorn", "dangpt.wiring.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", "1", "--access-logfile", str(access)]
    command += ["--logger-class", "dangpt.wiring.gunicorn_logging.RedactingLogger"]
    command += ["--access-logformat", '%(h)s "%(r)s" %(s)s "%(f)s" %(U)s %(q)s %({location}o)s']
    errors = open(tmp_path / "error.log", "w")  # noqa: SIM115 - closed below
    server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=errors, stderr=errors)  # noqa: S603
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_for(f"{base}/healthz", server)
        for path in PATHS:
            _get(
                base + path,
                Referer=f"https://clinic.example.com{SEARCH}",
                **{"X-Forwarded-For": "6.6.6.6, 203.0.113.9"},
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
        errors.close()
    logged = access.read_text()
    assert logged.count("\n") >= len(PATHS) + 1, logged
    assert "203.0.113.9" in logged and "6.6.6.6" not in logged  # the proxy's client, not a forgery
    assert f"/r/{REDACTED}/" in logged and "/desk/patients/" in logged
    assert_clean(logged)
    assert_clean((tmp_path / "error.log").read_text())


def test_gunicorn_error_log_messages_are_redacted(tmp_path):
    """gunicorn's own error log ("Error handling request /path?query", warnings) is redacted:
    the image's logger class, configured as gunicorn configures it, writing to a real file."""
    from gunicorn.config import Config

    from dangpt.wiring.gunicorn_logging import RedactingLogger

    error_file = tmp_path / "error.log"
    cfg = Config()
    cfg.set("errorlog", str(error_file))
    cfg.set("loglevel", "debug")
    logger = RedactingLogger(cfg)
    for path in PATHS:
        logger.error("Error handling request %s", path)
        logger.warning("Invalid request line: %s", f"GET {path} HTTP/1.1")
        logger.critical("WORKER TIMEOUT on %s", path)
        logger.debug("%s", f"GET {path}")
        try:
            raise ValueError("boom")
        except ValueError:
            logger.exception("Error handling request %s", path)
    for handler in logger.error_log.handlers:
        handler.flush()
    logged = error_file.read_text()
    assert logged.count("Error handling request") == 2 * len(PATHS), logged
    assert "/desk/patients/" in logged
    assert_clean(logged)
