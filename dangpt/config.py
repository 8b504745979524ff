"""Reading configuration from environment variables, failing loudly on a bad value."""

import os
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ConfigError(ImproperlyConfigured):
    """A configuration variable is missing or malformed; the message names the variable."""


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    """Return a stripped string variable, or the default when it is unset or empty."""
    value = os.environ.get(name, "").strip()
    if value:
        return value
    if required:
        raise ConfigError(f"{name} must be set")
    return default


def env_bool(name: str, default: bool) -> bool:
    """Return a boolean variable; anything but a clear yes/no word is an error."""
    raw = env_str(name)
    if raw is None:
        return default
    word = raw.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false, got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0, maximum: int = 2**31) -> int:
    """Return an integer variable within bounds."""
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ConfigError(f"{name} must be between {minimum} and {maximum}, got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    """Return a comma-separated list variable."""
    raw = env_str(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_time_zone(name: str, default: str) -> str:
    """Return an IANA time-zone name that this machine knows."""
    value = env_str(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{name} must be an IANA time zone such as America/Los_Angeles, got {value!r}"
        ) from None
    return value


def database_from_url(name: str, url: str) -> dict:
    """Turn a postgres:// URL into Django's DATABASES entry (a %2F-encoded host is a socket dir)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{name} is malformed: {exc}") from None
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ConfigError(
            f"{name} must start with postgres:// (the only database), got {parts.scheme!r}"
        )
    database = unquote(parts.path.lstrip("/"))
    if not database or "/" in database:
        raise ConfigError(f"{name} must name a database, e.g. postgres://user@host:5432/dangpt")
    host = (
        unquote(parts.hostname or "")
        if "%2f" not in parts.netloc.lower()
        else _socket_host(parts.netloc)
    )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": database,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(port or ""),
    }


def _socket_host(netloc: str) -> str:
    """Return the socket directory from a netloc like user@%2Fpath%2Fto%2Fdir."""
    return unquote(netloc.rsplit("@", 1)[-1])


def redis_url(name: str, url: str) -> str:
    """Check that a Redis URL has a scheme Celery and redis-py both understand."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise ConfigError(f"{name} is malformed: {exc}") from None
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ConfigError(f"{name} must look like redis://host:6379/0, got {url!r}")
    return url


def email_settings(name: str, url: str | None, *, debug: bool) -> dict:
    """Turn EMAIL_URL (smtp://, smtp+tls://, smtps://, console://) into Django email settings."""
    if url is None:
        if not debug:
            raise ConfigError(
                f"{name} must be set when DEBUG is off (e.g. smtp+tls://user:pass@host:587)"
            )
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"{name} is malformed: {exc}") from None
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in {"smtp", "smtp+tls", "smtps"} or not parts.hostname:
        raise ConfigError(
            f"{name} must look like smtp://host:1025 or smtp+tls://user:pass@host:587"
        )
    default_port = {"smtp": 25, "smtp+tls": 587, "smtps": 465}[parts.scheme]
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parts.hostname,
        "EMAIL_PORT": port or default_port,
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": parts.scheme == "smtp+tls",
        "EMAIL_USE_SSL": parts.scheme == "smtps",
        "EMAIL_TIMEOUT": 10,
    }


def secret_key(*, debug: bool) -> str:
    """Return SECRET_KEY; only development may run on a throwaway key."""
    value = env_str("SECRET_KEY")
    if value:
        if not debug and (len(value) < 50 or len(set(value)) < 5):
            raise ConfigError("SECRET_KEY must be at least 50 random characters when DEBUG is off")
        return value
    if not debug:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off")
    return "django-insecure-dangpt-development-key-not-for-production"
