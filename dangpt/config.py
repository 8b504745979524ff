"""Reading configuration from environment variables, failing loudly on a bad value.

URLs are parsed by dj-database-url and dj-email-url; this module adds the checks that keep a bad
value to one line naming the variable.
"""

import base64
import hashlib
import ipaddress
import os
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import dj_database_url
import dj_email_url
from cryptography.fernet import Fernet
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


def env_proxy_count(name: str) -> int:
    """How many proxies in front of the app to trust: a number, or false (0) and true (1)."""
    raw = env_str(name)
    if raw is None or raw.lower() in FALSE_WORDS:
        return 0
    if raw.lower() in TRUE_WORDS - {"1"}:
        return 1
    if not raw.isdigit() or not 0 <= int(raw) <= 10:
        raise ConfigError(
            f"{name} must be how many proxies to trust (0 to 10; true means 1), got {raw!r}"
        )
    return int(raw)


# Where a trusted proxy may connect from by default: loopback and the private ranges (the TLS proxy
# on the same host reaches the compose web container over a Docker bridge network, 172.16/12).
DEFAULT_PROXY_NETWORKS = "127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7"


def env_networks(name: str, default: str) -> tuple:
    """A comma-separated list of CIDR networks (`10.0.0.0/8,::1/128`), as ip_network objects."""
    return parse_networks(name, env_str(name, default) or "")


def parse_networks(name: str, raw: str) -> tuple:
    networks = []
    for item in (part.strip() for part in raw.split(",")):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"{name} must be comma-separated networks such as 10.0.0.0/8, got {item!r}"
            ) from None
    return tuple(networks)


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
    scheme = url.partition("://")[0]
    if scheme not in {"postgres", "postgresql"}:
        raise ConfigError(f"{name} must start with postgres:// (the only database), got {scheme!r}")
    try:
        database = dj_database_url.parse(url)
    except ValueError:  # dj-database-url's ParseError: a bad port or an unencoded character
        raise ConfigError(
            f"{name} is malformed: check the port, and %-encode special characters"
        ) from None
    if not database["NAME"] or "/" in database["NAME"]:
        raise ConfigError(f"{name} must name a database, e.g. postgres://user@host:5432/dangpt")
    netloc = url.partition("://")[2].partition("/")[0]
    if "%2f" in netloc.lower():
        # The parser lowercases host names; a socket directory keeps its case.
        database["HOST"] = unquote(netloc.rsplit("@", 1)[-1])
    database["PORT"] = str(database["PORT"])
    return database


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


# EMAIL_URL schemes of the README -> (dj-email-url's spelling, default port).
EMAIL_SCHEMES = {
    "smtp": ("smtp://", 25),
    "smtp+tls": ("submission://", 587),  # STARTTLS
    "smtps": ("smtp://", 465),  # TLS from the first byte (`?ssl=true` for dj-email-url)
}


def email_settings(name: str, url: str | None, *, debug: bool) -> dict:
    """Turn EMAIL_URL (smtp://, smtp+tls://, smtps://, console://) into Django email settings."""
    if url is None:
        if not debug:
            raise ConfigError(
                f"{name} must be set when DEBUG is off (e.g. smtp+tls://user:pass@host:587)"
            )
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme not in EMAIL_SCHEMES or not parts.hostname:
        raise ConfigError(
            f"{name} must look like smtp://host:1025 or smtp+tls://user:pass@host:587"
        )
    prefix, default_port = EMAIL_SCHEMES[parts.scheme]
    rest = url.partition("://")[2]
    if parts.scheme == "smtps":
        rest += ("&" if parts.query else "?") + "ssl=true"
    try:
        parsed = dj_email_url.parse(prefix + rest)
    except ValueError as exc:
        raise ConfigError(f"{name} is malformed: {exc}") from None
    return {
        "EMAIL_BACKEND": parsed["EMAIL_BACKEND"],
        "EMAIL_HOST": parsed["EMAIL_HOST"],
        # dj-email-url reads 25 for any smtp:// without a port; smtps means 465.
        "EMAIL_PORT": parts.port or default_port,
        "EMAIL_HOST_USER": parsed["EMAIL_HOST_USER"] or "",
        "EMAIL_HOST_PASSWORD": parsed["EMAIL_HOST_PASSWORD"] or "",
        "EMAIL_USE_TLS": parsed["EMAIL_USE_TLS"],
        "EMAIL_USE_SSL": parsed["EMAIL_USE_SSL"],
        "EMAIL_TIMEOUT": 10,
    }


# Words that mark a key copied from an example rather than generated (.env.example's own included).
SECRET_KEY_PLACEHOLDERS = ("change-me", "changeme", "change_me", "replace-me", "placeholder")


def secret_key_refusal(value: str) -> str | None:
    """Why a production SECRET_KEY is unfit (placeholder, short, low variety), or None."""
    lowered = value.lower()
    if lowered.startswith("django-insecure") or any(w in lowered for w in SECRET_KEY_PLACEHOLDERS):
        return (
            "SECRET_KEY is a placeholder; generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Few distinct characters or one short pattern repeated (s inside s+s shifted): not random.
    if len(value) < 50 or len(set(value)) < 10 or value in (value + value)[1:-1]:
        return "SECRET_KEY must be at least 50 random characters when DEBUG is off"
    return None


# Passwords copied from .env.example or docker-compose.yml's old defaults rather than generated.
PASSWORD_PLACEHOLDERS = {"dangpt", "dangpt-app", "dangpt_app", "password", "postgres", "redis"}


def url_password_check(name: str, url: str, *, debug: bool) -> None:
    """Refuse, with DEBUG off, a URL whose password is a placeholder (`change-me-too`, ...)."""
    if debug:
        return
    password = unquote(urlsplit(url).password or "").lower()
    if password and (
        password in PASSWORD_PLACEHOLDERS or any(w in password for w in SECRET_KEY_PLACEHOLDERS)
    ):
        raise ConfigError(
            f"{name} has a placeholder password; generate one with: openssl rand -hex 32"
        )


def secret_key(*, debug: bool) -> str:
    """Return SECRET_KEY; only development may run on a throwaway key."""
    value = env_str("SECRET_KEY")
    if value:
        if not debug and (refusal := secret_key_refusal(value)):
            raise ConfigError(refusal)
        return value
    if not debug:
        raise ConfigError("SECRET_KEY must be set when DEBUG is off")
    return "django-insecure-dangpt-development-key-not-for-production"


# Only for development: anyone can derive it, so production refuses it.
DEVELOPMENT_MFA_KEY = base64.urlsafe_b64encode(
    hashlib.sha256(b"dangpt development MFA encryption key").digest()
).decode()
MFA_KEY_HINT = (
    "generate one with: python -c "
    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


def mfa_encryption_keys(name: str, *, debug: bool) -> list[str]:
    """The Fernet keys of authenticator secrets (the first encrypts); required off DEBUG."""
    keys = env_list(name, [])
    if not keys:
        if not debug:
            raise ConfigError(f"{name} must be set when DEBUG is off; {MFA_KEY_HINT}")
        return [DEVELOPMENT_MFA_KEY]
    for key in keys:
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ConfigError(
                f"{name} must be Fernet keys (44 url-safe base64 characters), comma-separated; "
                f"{MFA_KEY_HINT}"
            ) from None
    if not debug and DEVELOPMENT_MFA_KEY in keys:
        raise ConfigError(f"{name} is the development key; {MFA_KEY_HINT}")
    return keys
