"""Request paths fit for logs: no query string, no secret that a URL carries.

Patient searches put names, birth dates and phone numbers in the query string, and signed links
carry their token in the path (`/r/<token>/`, `/calendar/<token>.ics`, `/invite/<uid>/<token>/`,
`/accounts/reset/<uid>/<token>/`). gunicorn's access log (dangpt/wiring/gunicorn_logging.py)
and Django's own log records (`RedactPaths`, on every handler) write paths through `redact_path`.

Two rules, so a new token route is covered before anyone lists it:

- the segments after a known token prefix are replaced (`TOKEN_PREFIXES`; a test walks the URL
  conf and fails on a route with a token parameter that this module does not redact);
- any segment that looks like a token (long, of URL-safe characters, with a digit or a colon,
  or 32 characters and more) is replaced too.
"""

import logging
import re
from urllib.parse import urlsplit, urlunsplit

REDACTED = "[redacted]"
# Path prefix -> how many segments after it are secret.
TOKEN_PREFIXES = {
    "/r/": 1,
    "/calendar/": 1,
    "/invite/": 2,
    "/accounts/reset/": 2,
    "/offer/": 1,
    "/book/confirm/": 1,
}
_TOKEN_CHARS = re.compile(r"[A-Za-z0-9_\-:.=%]+")
_URL_IN_TEXT = re.compile(r"(?:https?://[^\s\"'<>]+|(?<![\w.])/[^\s\"'<>]*)")


def _looks_like_token(segment: str) -> bool:
    if len(segment) < 20 or not _TOKEN_CHARS.fullmatch(segment):
        return False
    return len(segment) >= 32 or ":" in segment or any(c.isdigit() for c in segment)


def _redact_segment(segment: str) -> str:
    stem, dot, suffix = segment.rpartition(".")
    if dot and suffix in {"ics", "pdf"} and stem:
        return f"{REDACTED}.{suffix}"
    return REDACTED


def redact_path(path: str) -> str:
    """The path without its query string or fragment, with tokens replaced."""
    path = path.split("?", 1)[0].split("#", 1)[0]
    segments = path.split("/")
    secret = set()
    for prefix, count in TOKEN_PREFIXES.items():
        if path.startswith(prefix):
            first = prefix.count("/")  # segments[0] is the empty string before the first slash
            secret.update(range(first, first + count))
    return "/".join(
        _redact_segment(segment)
        if segment and (index in secret or _looks_like_token(segment))
        else segment
        for index, segment in enumerate(segments)
    )


def redact_url(url: str) -> str:
    """A URL (a Referer, a Location) with its path redacted and no query or fragment."""
    if not url or url == "-":
        return url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, redact_path(parts.path), "", ""))


def redact_text(text: str) -> str:
    """Every URL or absolute path in a log message, redacted."""
    return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)


class RedactPaths(logging.Filter):
    """A handler filter: the message leaves with its paths redacted (Django's request logs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
