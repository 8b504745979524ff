"""make bench: load chain-size data, put gunicorn under an open-model load, write the report.

    python -m dangpt.tooling.bench [--scale 1] [--rate 50] [--seconds 60] [--no-reminders]
                                   [--only pages|api] [--port N]

Steps: a database of its own (DATABASE_URL's server, database ``dangpt_bench``, or
BENCH_DATABASE_URL), migrate, ``seed_scale --scale`` (skipped when already loaded),
``bench_prepare``, collectstatic, gunicorn with production settings (DEBUG off, cached templates,
hashed static files, the connection pool), then Locust runs:

1. warm-up, not reported;
2. ``/healthz`` alone at the target rate: the floor;
3. the mix (60% runner home, 25% day schedule, 15% booking POSTs) at the target rate;
4. capacity: closed loops on ``/healthz``, then on the runner home, for the most requests per
   second each sustains (the runner home must reach 40% of ``/healthz``), and on a small
   signed-in page for reference;
5. the screening and reminder benchmarks of issues 5 and 4;
6. the API (issue 20): a mix of the runner's program, the appointment list with and without a
   date and a patient search, with ``/healthz`` as the reference, at the target rate; the
   unfiltered appointment list alone at the target rate (its p95 must stay within 250 ms, no
   errors); closed loops on ``GET /api/v1/me/program`` (at least 40% of ``/healthz``'s closed-loop
   rate in the same run: that is what "sustains" means here).

``--only pages`` runs 1-5, ``--only api`` runs 6 (and the ``/healthz`` closed loops). Every figure
goes into the generated sections of docs/performance.md; the API figures are also kept per scale
in docs/bench/api-scale-<scale>.json, from which the growth table (each list's p95 at the smallest
and the largest scale measured, side by side) is written.
"""

import argparse
import base64
import hashlib
import json
import math
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[3]
PYTHON = sys.executable
REPORT = ROOT / "docs" / "performance.md"
START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"
TARGETS = {"runner_home": 150.0, "day_schedule": 250.0}  # p95 milliseconds at the target rate
CAPACITY_SHARE = 0.40
MIX = "runner_home=60,day_schedule=25,booking=15"
API_MIX = (
    "api_my_program=30,api_appointments=25,api_appointments_day=20,api_patient_search=15,healthz=10"
)
API_TARGETS = {"api_appointments": 250.0}  # p95 milliseconds at the target rate, alone
RESULTS = ROOT / "docs" / "bench"
WARM_UP = {
    "all": "runner_home=40,day_schedule=30,api_my_program=20,api_appointments=10",
    "pages": "runner_home=60,day_schedule=40",
    "api": "api_my_program=60,api_appointments=20,api_patient_search=20",
}


def bench_database_url() -> str:
    """BENCH_DATABASE_URL, else DATABASE_URL's server with the database dangpt_bench."""
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/dangpt_bench"))


def bench_mfa_key(url: str) -> str:
    """The bench database's own authenticator key, the same on every run: the desk's devices
    made by an earlier run's bench_prepare must still decrypt. Synthetic data only."""
    name = urlsplit(url).path.lstrip("/")
    return base64.urlsafe_b64encode(
        hashlib.sha256(f"dangpt-bench:{name}".encode()).digest()
    ).decode()


def ensure_database(url: str) -> None:
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


class CPU:
    """Machine-wide busy share from /proc/stat between start() and stop()."""

    @staticmethod
    def _read() -> tuple[int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]
        return sum(fields), idle

    def start(self):
        self.first = self._read()

    def stop(self) -> float:
        total, idle = self._read()
        spent = total - self.first[0]
        return 100.0 * (spent - (idle - self.first[1])) / spent if spent else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else float("nan")


class Bench:
    def __init__(self, args):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="dangpt-bench-"))
        self.port = args.port or _free_port()
        self.env = dict(os.environ)
        self.env.update(
            DATABASE_URL=bench_database_url(),
            DEBUG="false",
            SECRET_KEY=secrets.token_urlsafe(50),
            MFA_ENCRYPTION_KEY=bench_mfa_key(bench_database_url()),
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="false",
            SECURE_HSTS_SECONDS="0",
            EMAIL_URL=os.environ.get("EMAIL_URL", "smtp://127.0.0.1:2525"),  # nothing is sent
            DB_POOL_SIZE=str(args.threads + 2),
        )
        self.results: dict = {"phases": {}}

    def manage(self, *command: str) -> str:
        done = subprocess.run(  # noqa: S603 - our interpreter and manage.py
            [PYTHON, str(ROOT / "manage.py"), *command],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"manage.py {' '.join(command)} failed")
        return done.stdout

    def load(self) -> None:
        ensure_database(self.env["DATABASE_URL"])
        self.manage("migrate", "--no-input")
        started = time.monotonic()
        print(f"seed_scale --scale {self.args.scale:g} (minutes at scale 1 the first time)")
        out = self.manage("seed_scale", "--scale", f"{self.args.scale:g}")
        self.results["seed"] = {
            "seconds": round(time.monotonic() - started, 1),
            "already_loaded": "already loaded" in out,
        }
        self.results["rows"] = self._row_counts()
        self.plan = self.work / "plan.json"
        print(self.manage("bench_prepare", "--out", str(self.plan)).strip())
        self.manage("collectstatic", "--no-input")

    def _row_counts(self) -> dict[str, int]:
        tables = [
            "patients_patient",
            "patients_appointment",
            "assessments_screening",
            "assessments_evaluation",
            "programs_program",
            "programs_programitem",
            "programs_sessionlog",
            "programs_runlog",
            "dangpt_accesslog",
        ]
        with psycopg.connect(self.env["DATABASE_URL"]) as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608

    def serve(self) -> subprocess.Popen:
        log = open(self.work / "gunicorn.log", "w")  # noqa: SIM115 - closed with the process
        server = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "gunicorn",
                "dangpt.wiring.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(self.args.workers),
                "--threads",
                str(self.args.threads),
            ],  # fmt: skip
            env=self.env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=2) as reply:  # noqa: S310
                    if reply.status == 200:
                        return server
            except OSError:
                time.sleep(0.5)
        server.kill()
        raise SystemExit(f"gunicorn did not answer /healthz; see {self.work / 'gunicorn.log'}")

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def prime_program_cache(self) -> None:
        """Read every bench runner's program once, as the page mix visits most runners before
        the runner home's closed loops: those then measure the steady state, a runner reading
        an unchanged program again. How long the first reads took is reported too."""
        from concurrent.futures import ThreadPoolExecutor

        self.settle()
        tokens = json.loads(self.plan.read_text())["runner_tokens"]

        def read(token: str) -> bool:
            request = urllib.request.Request(  # noqa: S310 - our own server
                f"{self.base}/api/v1/me/program", headers={"Authorization": f"Bearer {token}"}
            )
            try:
                with urllib.request.urlopen(request, timeout=30) as reply:  # noqa: S310
                    return reply.status == 200
            except OSError:
                return False

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            ok = sum(pool.map(read, tokens))
        seconds = time.monotonic() - started
        self.results["primed"] = {"runners": len(tokens), "ok": ok, "seconds": round(seconds, 1)}
        print(f"primed the program cache of {ok}/{len(tokens)} runners in {seconds:.1f} s")

    def settle(self, limit: float = 120.0) -> None:
        """Wait until /healthz answers within a second: what the last run left queued is done,
        so no run pays for the one before it."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            started = time.monotonic()
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=10) as reply:  # noqa: S310
                    if reply.status == 200 and time.monotonic() - started < 1.0:
                        return
            except OSError:
                pass
            time.sleep(1)

    def locust(self, label: str, *, mix: str, seconds: int, rate=None, concurrency=None) -> dict:
        self.settle()
        samples = self.work / f"{label}.json"
        env = dict(
            self.env,
            BENCH_PLAN=str(self.plan),
            BENCH_MIX=mix,
            BENCH_MODE="closed" if concurrency else "open",
            BENCH_RATE=str(rate or 0),
            BENCH_CONCURRENCY=str(concurrency or 0),
            BENCH_SAMPLES=str(samples),
            BENCH_SECONDS=str(seconds),
        )
        cpu = CPU()
        cpu.start()
        started = time.monotonic()
        locust = subprocess.Popen(  # noqa: S603
            [
                PYTHON,
                "-m",
                "locust",
                "-f",
                str(Path(__file__).with_name("locustfile.py")),
                "--headless",
                "--users",
                "1",
                "--spawn-rate",
                "1",
                "--run-time",
                f"{seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                self.base,
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],  # fmt: skip
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=open(self.work / f"{label}.log", "w"),  # noqa: SIM115
        )
        _, _, usage = os.wait4(locust.pid, 0)
        wall = time.monotonic() - started
        machine = cpu.stop()
        rows = json.loads(samples.read_text())
        phase = {
            "seconds": seconds,
            "target_rate": rate,
            "concurrency": concurrency,
            "cpu_percent": round(machine, 1),
            "load_generator_cpu_percent": round(
                100 * (usage.ru_utime + usage.ru_stime) / wall / os.cpu_count(), 1
            ),
            "requests": {},
        }
        for name in sorted({r[0] for r in rows}):
            times = [r[1] for r in rows if r[0] == name]
            errors = sum(1 for r in rows if r[0] == name and not r[2])
            phase["requests"][name] = {
                "count": len(times),
                "errors": errors,
                "error_rate": errors / len(times),
                "rate": len(times) / seconds,
                "p50": percentile(times, 0.50),
                "p95": percentile(times, 0.95),
                "p99": percentile(times, 0.99),
            }
        phase["total_rate"] = len(rows) / seconds
        self.results["phases"][label] = phase
        print(f"{label}: " + ", ".join(_brief(n, r) for n, r in phase["requests"].items()))
        return phase

    @property
    def pages(self) -> bool:
        return self.args.only in ("all", "pages")

    @property
    def api(self) -> bool:
        return self.args.only in ("all", "api")

    def run_load(self) -> None:
        server = self.serve()
        try:
            seconds, rate = self.args.seconds, self.args.rate
            self.locust("warm-up", mix=WARM_UP[self.args.only], seconds=15, rate=20)
            if self.pages:
                self.locust("floor", mix="healthz=1", seconds=seconds, rate=rate)
                self.locust("mix", mix=MIX, seconds=seconds, rate=rate)
            if self.api:
                self.locust("api-mix", mix=API_MIX, seconds=seconds, rate=rate)
                self.locust(
                    "api-appointments", mix="api_appointments=1", seconds=seconds, rate=rate
                )
            cap = self.args.capacity_seconds
            self.locust("capacity-healthz", mix="healthz=1", seconds=cap, concurrency=16)
            if self.pages:
                self.locust(
                    "capacity-runner-home", mix="runner_home=1", seconds=cap, concurrency=16
                )
                # A small signed-in page (reminder preferences): what session, user, second-factor
                # and role checks alone leave of /healthz's rate, to read the runner home against.
                self.locust(
                    "capacity-signed-in", mix="runner_preferences=1", seconds=cap, concurrency=16
                )
            if self.api:
                self.prime_program_cache()
                self.locust(
                    "capacity-api-my-program", mix="api_my_program=1", seconds=cap, concurrency=16
                )
        finally:
            server.terminate()
            server.wait(timeout=30)

    def other_benchmarks(self) -> None:
        screening = subprocess.run(  # noqa: S603
            [PYTHON, "-m", "assessments.screening.bench", "--n", "20000"],
            env=self.env, cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        self.results["screening"] = json.loads(screening.stdout.strip().splitlines()[-1])
        if self.args.no_reminders:
            return
        out = self.manage("bench_reminders", "--count", "5000")
        self.results["reminders"] = json.loads(out.strip().splitlines()[-1])

    def api_verdicts(self) -> list[tuple[str, bool]]:
        phases = self.results["phases"]
        floor = phases["capacity-healthz"]["total_rate"]
        program = phases["capacity-api-my-program"]["total_rate"]
        self.results["api_capacity_share"] = program / floor if floor else 0.0
        return api_checks(phases, self.args.rate, self.results["api_capacity_share"])

    def save_api(self, directory: Path) -> Path:
        """The API figures of this run, kept for the growth table across scales."""
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / f"api-scale-{self.args.scale:g}.json"
        keep = ("api-mix", "api-appointments", "capacity-healthz", "capacity-api-my-program")
        saved = {
            "scale": self.args.scale,
            "rate": self.args.rate,
            "seconds": self.args.seconds,
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "rows": self.results["rows"],
            "api_capacity_share": self.results["api_capacity_share"],
            "primed": self.results.get("primed"),
            "phases": {label: self.results["phases"][label] for label in keep},
        }
        path.write_text(json.dumps(saved, indent=1, sort_keys=True) + "\n")
        return path

    def verdicts(self) -> list[tuple[str, bool]]:
        mix = self.results["phases"]["mix"]["requests"]
        floor = self.results["phases"]["capacity-healthz"]["total_rate"]
        home = self.results["phases"]["capacity-runner-home"]["total_rate"]
        self.results["capacity_share"] = home / floor if floor else 0.0
        checks = [
            (f"{name} p95 ≤ {limit:g} ms at {self.args.rate:g} req/s", mix[name]["p95"] <= limit)
            for name, limit in TARGETS.items()
        ]
        errors = sum(r["errors"] for r in mix.values())
        checks.append(("0 errors in the mix", errors == 0))
        achieved = self.results["phases"]["mix"]["total_rate"]
        checks.append(
            (f"achieved ≥ 95% of {self.args.rate:g} req/s", achieved >= 0.95 * self.args.rate)
        )
        checks.append(
            (
                f"runner home capacity ≥ {CAPACITY_SHARE:.0%} of /healthz",
                self.results["capacity_share"] >= CAPACITY_SHARE,
            )
        )
        return checks


def api_checks(phases: dict, rate: float, share: float) -> list[tuple[str, bool]]:
    """The issue-20 checks of one run's API phases."""
    alone = phases["api-appointments"]["requests"]
    checks = [
        (
            f"`GET /api/v1/appointments` alone at {rate:g} req/s: p95 ≤ {limit:g} ms",
            name in alone and alone[name]["p95"] <= limit,
        )
        for name, limit in API_TARGETS.items()
    ]
    errors = sum(r["errors"] for label in ("api-mix", "api-appointments")
                 for r in phases[label]["requests"].values())  # fmt: skip
    checks.append(("0 errors in the API runs", errors == 0))
    checks.append(
        (
            f"`GET /api/v1/me/program` capacity ≥ {CAPACITY_SHARE:.0%} of /healthz",
            share >= CAPACITY_SHARE,
        )
    )
    return checks


def _brief(name: str, r: dict) -> str:
    return f"{name} {r['rate']:.1f}/s p95 {r['p95']:.0f} ms, {r['errors']} errors"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_SCALE", 1)))
    parser.add_argument("--rate", type=float, default=50.0, help="arrivals per second")
    parser.add_argument("--seconds", type=int, default=60, help="length of the floor and mix runs")
    parser.add_argument("--capacity-seconds", type=int, default=30)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--no-reminders", action="store_true", help="skip bench_reminders")
    parser.add_argument("--report", type=Path, default=REPORT)
    parser.add_argument("--only", choices=("all", "pages", "api"), default="all")
    parser.add_argument("--port", type=int, default=0, help="gunicorn's port (default: a free one)")
    parser.add_argument("--results", type=Path, default=RESULTS, help="where API figures are kept")
    args = parser.parse_args(argv)
    bench = Bench(args)
    bench.load()
    bench.run_load()
    from dangpt.tooling.bench import report

    checks = []
    if bench.pages:
        bench.other_benchmarks()
        page_checks = bench.verdicts()
        report.write(args.report, START, END, bench, page_checks)
        checks += page_checks
    if bench.api:
        api_checks = bench.api_verdicts()
        bench.save_api(args.results)
        report.write_api(args.report, bench, api_checks, runs=report.load_runs(args.results))
        checks += api_checks
    for text, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    print(f"Report: {args.report}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
