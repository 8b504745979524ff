"""docker-compose.yml is a valid Compose file whose commands name real modules."""

import importlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from compose_spec import PyOptions

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"


REQUIRED_SAMPLE = "sample-secret"


def interpolated() -> str:
    """The file as docker compose sees it: ${VAR:-default} is the default, ${VAR:?why} a sample."""
    text = re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", COMPOSE.read_text())
    return re.sub(r"\$\{[A-Z_]+:\?[^}]*\}", REQUIRED_SAMPLE, text)


def load():
    return yaml.safe_load(interpolated())


def test_compose_file_is_valid():
    compose = PyOptions(apply_merge=True).from_yaml(interpolated())
    compose.validate()
    assert set(compose.service_names()) >= {"postgres", "redis", "web", "worker", "beat"}
    assert compose.get_service("worker").command[:3] == ["celery", "-A", "dangpt"]


def test_every_long_running_service_has_a_healthcheck_or_is_beat():
    services = load()["services"]
    for name in ["postgres", "redis", "web", "worker"]:
        assert "healthcheck" in services[name], name


def _target(command: list[str]) -> str:
    if command[0] == "gunicorn":
        return command[1]
    if command[0] == "celery":
        return command[command.index("-A") + 1]
    if command[:2] == ["python", "manage.py"]:
        return "manage"
    raise AssertionError(f"unexpected command {command}")


def test_service_commands_name_real_modules():
    services = load()["services"]
    for name in ["web", "worker", "beat", "migrate"]:
        target = _target(services[name]["command"])
        if target == "manage":
            assert (ROOT / "manage.py").exists()
            continue
        module, _, attribute = target.partition(":")
        imported = importlib.import_module(module)
        assert getattr(imported, attribute or "celery_app")


def test_dockerfile_default_command_matches_web():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "dangpt.wiring.wsgi:application" in dockerfile
    assert "collectstatic" in dockerfile


def test_env_example_documents_required_variables():
    text = (ROOT / ".env.example").read_text()
    for variable in [
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "EMAIL_URL",
        "TIME_ZONE",
        "MFA_ENCRYPTION_KEY",
    ]:
        assert f"{variable}=" in text


def test_collectstatic_succeeds_with_the_production_storage(tmp_path):
    """The image's build step: hashed, compressed files and every reference inside them found."""
    env = dict(
        os.environ,
        DEBUG="false",
        SECRET_KEY="collectstatic-check-" + "x" * 40,
        ALLOWED_HOSTS="localhost",
        EMAIL_URL="smtp://127.0.0.1:2525",
        MFA_ENCRYPTION_KEY="0Fq1uWdZ6xkLs0n3pYqH0a8mZy5gR2cVtQ9bK4eJwXo=",
        STATIC_ROOT=str(tmp_path),
    )
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "collectstatic", "--no-input"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())
    assert "vendor/chartjs/chart.umd.min.js" in manifest["paths"]
    assert list(tmp_path.rglob("*.br")) or list(tmp_path.rglob("*.gz"))


def test_every_gunicorn_uses_the_redacting_access_logger():
    """The image, the compose web service and `make run` log requests without queries or tokens."""
    logger = "dangpt.wiring.gunicorn_logging.RedactingLogger"
    web = load()["services"]["web"]["command"]
    assert web[web.index("--logger-class") + 1] == logger
    cmd = (ROOT / "Dockerfile").read_text().split("CMD", 1)[1]
    assert f'"--logger-class", "{logger}"' in cmd
    assert logger in (ROOT / "dangpt" / "tooling" / "localenv.py").read_text()


def test_redis_needs_a_password_and_keeps_nothing_on_disk():
    """The cached runner pages hold pain scores: no anonymous access, no RDB or AOF file."""
    compose = load()
    redis = compose["services"]["redis"]
    command = redis["command"]
    assert command[command.index("--requirepass") + 1] == REQUIRED_SAMPLE
    assert command[command.index("--save") + 1] == ""
    assert command[command.index("--appendonly") + 1] == "no"
    assert "volumes" not in redis and "redisdata" not in (compose.get("volumes") or {})
    assert redis["environment"]["REDISCLI_AUTH"] == REQUIRED_SAMPLE  # the health check's ping
    raw = COMPOSE.read_text()
    assert "${REDIS_PASSWORD:?" in raw, "compose refuses to start without REDIS_PASSWORD"
    for name in ["migrate", "web", "worker", "beat"]:
        url = compose["services"][name]["environment"]["REDIS_URL"]
        assert url == f"redis://:{REQUIRED_SAMPLE}@redis:6379/0", name
    assert "REDIS_PASSWORD=" in (ROOT / ".env.example").read_text()


def test_the_owner_password_reaches_only_postgres_and_migrate():
    """web, worker and beat get the app role's URL, never the owner's password (owner.env)."""
    services = load()["services"]
    for name in ["web", "worker", "beat"]:
        service = services[name]
        files = service.get("env_file", [])
        files = [files] if isinstance(files, str) else files
        assert "owner.env" not in files, name
        assert service["environment"]["DATABASE_URL"].startswith("postgres://dangpt_app:"), name
    assert services["postgres"]["env_file"] == "owner.env"
    assert "POSTGRES_PASSWORD" not in services["postgres"]["environment"]
    assert services["migrate"]["env_file"] == [".env", "owner.env"]
    assert "DATABASE_URL" not in services["migrate"]["environment"]
    assert "POSTGRES_PASSWORD" not in (ROOT / ".env.example").read_text().replace(
        "(POSTGRES_PASSWORD)", ""
    )
    owner = (ROOT / "owner.env.example").read_text()
    assert "POSTGRES_PASSWORD=" in owner and "DATABASE_URL=postgres://dangpt:" in owner
    raw = COMPOSE.read_text()
    assert "dangpt-app}" not in raw and "${POSTGRES_PASSWORD" not in raw, "no default passwords"


def test_web_is_published_on_loopback_only_by_default():
    """With BEHIND_PROXY trusting the peer, only the proxy on the host may reach gunicorn."""
    assert load()["services"]["web"]["ports"] == ["127.0.0.1:8000:8000"]
