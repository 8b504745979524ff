"""Configuration comes from environment variables and a bad value stops start-up in one line."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from dangpt import config

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "Kq2-vX9_pL4mZr7Tw1Yc8Nb3Hs6Jd0Fg5Lx2Qe9Wu4Ao7Ip1Sk3Vm6"
GOOD_DB_URL = "postgres://dangpt_app:9f8e7d6c5b4a@postgres:5432/dangpt"
MFA_KEY = "0Fq1uWdZ6xkLs0n3pYqH0a8mZy5gR2cVtQ9bK4eJwXo="  # a Fernet key


def run_manage(env_changes: dict[str, str | None], *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    for key, value in env_changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return subprocess.run(
        [sys.executable, "manage.py", *(args or ("check",))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("changes", "variable"),
    [
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"DATABASE_URL": "mysql://root@localhost/dangpt"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@host:notaport/dangpt"}, "DATABASE_URL"),
        ({"DATABASE_URL": "postgres://u@host:5432"}, "DATABASE_URL"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"REDIS_URL": "http://localhost"}, "REDIS_URL"),
        ({"TIME_ZONE": "Mars/Olympus_Mons"}, "TIME_ZONE"),
        ({"EMAIL_URL": "pigeon://coop"}, "EMAIL_URL"),
        ({"PORT": None, "DEBUG": "false", "SECRET_KEY": None}, "SECRET_KEY"),
        (
            {"DEBUG": "false", "SECRET_KEY": GOOD_KEY, "ALLOWED_HOSTS": None},
            "ALLOWED_HOSTS",
        ),
        ({"DEBUG": "false", "SECRET_KEY": "short", "ALLOWED_HOSTS": "a"}, "SECRET_KEY"),
        (
            {
                "DEBUG": "false",
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "a",
                "EMAIL_URL": "smtp://h",
            }
            | {"MFA_ENCRYPTION_KEY": None},
            "MFA_ENCRYPTION_KEY",
        ),
        ({"MFA_ENCRYPTION_KEY": "not-a-fernet-key"}, "MFA_ENCRYPTION_KEY"),
        (
            {
                "DEBUG": "false",
                "SECRET_KEY": GOOD_KEY,
                "ALLOWED_HOSTS": "a",
                "EMAIL_URL": "smtp://h",
            }
            | {"MFA_ENCRYPTION_KEY": config.DEVELOPMENT_MFA_KEY},
            "MFA_ENCRYPTION_KEY",
        ),
    ],
)
def test_bad_configuration_stops_with_one_line_naming_the_variable(changes, variable):
    result = run_manage(changes)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dangpt: configuration error: ")
    assert variable in lines[0]


@pytest.mark.parametrize(
    "key",
    [
        "change-me-to-at-least-50-random-characters-from-a-password-generator",
        "django-insecure-" + GOOD_KEY,
        "abcdefghij" * 6,
        "Kq2-vX9_pL4mZ" * 5,
        "ab" * 40,
    ],
)
def test_placeholder_and_low_variety_keys_are_refused_in_one_line(key):
    """The .env.example placeholder, django-insecure keys and repeated patterns stop start-up."""
    result = run_manage({"DEBUG": "false", "SECRET_KEY": key, "ALLOWED_HOSTS": "clinic.test"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("dangpt: configuration error: SECRET_KEY")


def test_the_env_example_key_is_refused():
    """The key shipped in .env.example is not accepted as a production key."""
    example = (ROOT / ".env.example").read_text()
    key = next(line.split("=", 1)[1] for line in example.splitlines() if line.startswith("SECRET_"))
    assert config.secret_key_refusal(key) is not None
    assert config.secret_key_refusal(GOOD_KEY) is None


def test_production_settings_load_with_safe_defaults():
    """With DEBUG off the secure cookie, HSTS and SSL settings are on."""
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_SSL_REDIRECT)"
    )
    result = run_manage(
        {
            "DEBUG": "false",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "clinic.test",
            "EMAIL_URL": "smtp://127.0.0.1:1025",
            "MFA_ENCRYPTION_KEY": MFA_KEY,
        },
        "shell",
        "-c",
        code,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == ["True", "True", "31536000", "True"]


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("YES", True), ("0", False), ("off", False)]
)
def test_env_bool_reads_yes_and_no_words(raw, expected, monkeypatch):
    monkeypatch.setenv("X_FLAG", raw)
    assert config.env_bool("X_FLAG", not expected) is expected


def test_socket_directory_database_url():
    parsed = config.database_from_url("DATABASE_URL", "postgres://postgres@%2Fsrv%2Fpg/dangpt")
    assert parsed["HOST"] == "/srv/pg"
    assert parsed["NAME"] == "dangpt"


def test_email_url_forms():
    tls = config.email_settings("EMAIL_URL", "smtp+tls://me:p%40ss@mail.test:2587", debug=False)
    assert (
        tls["EMAIL_HOST"],
        tls["EMAIL_PORT"],
        tls["EMAIL_USE_TLS"],
        tls["EMAIL_HOST_PASSWORD"],
    ) == ("mail.test", 2587, True, "p@ss")
    assert config.email_settings("EMAIL_URL", None, debug=True)["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )
    with pytest.raises(config.ConfigError, match="EMAIL_URL"):
        config.email_settings("EMAIL_URL", None, debug=False)


def test_database_url_parts_and_socket_directory_case():
    """dj-database-url reads the parts; a %2F socket directory keeps its upper-case letters."""
    parsed = config.database_from_url("DATABASE_URL", "postgresql://me:p%40ss@db.test:6543/clinic")
    assert (parsed["USER"], parsed["PASSWORD"], parsed["HOST"], parsed["PORT"]) == (
        "me",
        "p@ss",
        "db.test",
        "6543",
    )
    assert parsed["ENGINE"] == "django.db.backends.postgresql" and parsed["NAME"] == "clinic"
    socket = config.database_from_url("DATABASE_URL", "postgres://pg@%2Fvar%2FRun%2Fpg/dangpt")
    assert (socket["HOST"], socket["PORT"]) == ("/var/Run/pg", "")


@pytest.mark.parametrize(
    "url",
    [
        "mysql://root@localhost/dangpt",
        "postgres://u@host:notaport/dangpt",
        "postgres://u@host:5432",
        "postgres://u@host:5432/a/b",
    ],
)
def test_bad_database_urls_name_the_variable(url):
    """Each bad DATABASE_URL is a ConfigError naming the variable."""
    with pytest.raises(config.ConfigError, match="^DATABASE_URL "):
        config.database_from_url("DATABASE_URL", url)


@pytest.mark.parametrize(
    ("url", "port", "tls", "ssl"),
    [
        ("smtp://127.0.0.1:1025", 1025, False, False),
        ("smtp://mail.test", 25, False, False),
        ("smtp+tls://mail.test", 587, True, False),
        ("smtps://mail.test", 465, False, True),
        ("smtps://mail.test:2465", 2465, False, True),
    ],
)
def test_email_url_schemes_and_default_ports(url, port, tls, ssl):
    """smtp, smtp+tls (STARTTLS) and smtps (TLS from the start) as the README documents."""
    parsed = config.email_settings("EMAIL_URL", url, debug=False)
    assert (parsed["EMAIL_PORT"], parsed["EMAIL_USE_TLS"], parsed["EMAIL_USE_SSL"]) == (
        port,
        tls,
        ssl,
    )
    assert parsed["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert parsed["EMAIL_HOST_USER"] == "" and parsed["EMAIL_HOST_PASSWORD"] == ""


@pytest.mark.parametrize("url", ["pigeon://coop", "smtp://", "smtp://mail.test:port"])
def test_bad_email_urls_name_the_variable(url):
    """An unknown scheme, a missing host or a bad port is a ConfigError naming EMAIL_URL."""
    with pytest.raises(config.ConfigError, match="^EMAIL_URL "):
        config.email_settings("EMAIL_URL", url, debug=False)


@pytest.mark.parametrize(
    ("variable", "url"),
    [
        ("DATABASE_URL", "postgres://dangpt_app:change-me-too@postgres:5432/dangpt"),
        ("DATABASE_URL", "postgres://dangpt_app:dangpt-app@postgres:5432/dangpt"),
        ("REDIS_URL", "redis://:change-me-too@redis:6379/0"),
    ],
)
def test_placeholder_passwords_in_urls_are_refused_in_production(variable, url):
    """The .env.example and old compose-default passwords stop start-up when DEBUG is off."""
    with pytest.raises(config.ConfigError, match=variable):
        config.url_password_check(variable, url, debug=False)
    config.url_password_check(variable, url, debug=True)
    good = "redis://:9f8e7d6c5b4a@redis:6379/0" if variable == "REDIS_URL" else GOOD_DB_URL
    config.url_password_check(variable, good, debug=False)


def test_production_start_up_refuses_the_env_example_redis_password():
    result = run_manage(
        {
            "DEBUG": "false",
            "SECRET_KEY": GOOD_KEY,
            "ALLOWED_HOSTS": "clinic.test",
            "EMAIL_URL": "smtp://127.0.0.1:1025",
            "MFA_ENCRYPTION_KEY": MFA_KEY,
            "REDIS_URL": "redis://:change-me-too@127.0.0.1:6379/0",
        }
    )
    assert result.returncode == 1
    assert "REDIS_URL has a placeholder password" in result.stderr
