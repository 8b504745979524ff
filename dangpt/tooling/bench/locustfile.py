"""Locust load for make bench: an open model (arrivals on a clock) or a closed loop (capacity).

Configured by environment (`python -m dangpt.tooling.bench` sets it):
  BENCH_PLAN      JSON from bench_prepare (session keys, tokens, schedule days, free slots)
  BENCH_MODE      "open": requests arrive as a Poisson process at BENCH_RATE per second,
                  whatever the server's speed (a slow reply does not slow the arrivals);
                  "closed": BENCH_CONCURRENCY loops, each sending its next request on a reply
  BENCH_SECONDS   how long arrivals (or loops) go on; the run ends once the last reply is in
  BENCH_MIX       comma list of name=weight, names: runner_home, day_schedule, booking, healthz,
                  runner_preferences (a small signed-in page, for reference), and the API's
                  api_my_program, api_appointments, api_appointments_day, api_patient_search
  BENCH_SAMPLES   where to write every request's (name, milliseconds, ok) as JSON at the end

Each request carries its own session cookie or token (no shared cookie jar), so a thousand runner
sessions and the front desk's are exercised side by side. Locust's own statistics get every
request too; the exact percentiles in the report come from BENCH_SAMPLES.
"""

import json
import os
import random
import time
from urllib.parse import urlencode, urlsplit

import gevent
from geventhttpclient import HTTPClient
from locust import User, constant, events, task

PLAN = json.loads(open(os.environ["BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
MODE = os.environ.get("BENCH_MODE", "open")
RATE = float(os.environ.get("BENCH_RATE", "50"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "60"))
DRAIN_SECONDS = 30  # how long requests still in flight at the end may take before being dropped
MIX = [
    (name, float(weight))
    for name, weight in (part.split("=") for part in os.environ["BENCH_MIX"].split(","))
]
SAMPLES: list[tuple[str, float, bool]] = []
_bookings = iter(PLAN["bookings"])
_rng = random.Random(20261128)  # noqa: S311 - load mix, not secrets


def _cookie(key: str) -> dict:
    return {"Cookie": f"{PLAN['session_cookie']}={key}"}


def _request(name: str) -> tuple[str, str, bytes | None, dict, int]:
    """method, path, body, headers and the status that counts as success for one request."""
    if name == "runner_home":
        return "GET", "/me/", None, _cookie(_rng.choice(PLAN["runner_cookies"])), 200
    if name == "day_schedule":
        location, day = _rng.choice(PLAN["schedule_days"])
        path = "/desk/schedule/?" + urlencode({"location": location, "date": day})
        return "GET", path, None, _cookie(_rng.choice(PLAN["desk_cookies"])), 200
    if name == "booking":
        slot = next(_bookings)
        headers = {
            "Authorization": f"Bearer {_rng.choice(PLAN['desk_tokens'])}",
            "Content-Type": "application/json",
        }
        return "POST", "/api/v1/appointments", json.dumps(slot).encode(), headers, 201
    if name == "runner_preferences":  # a small signed-in page, for comparison
        return "GET", "/me/reminders/", None, _cookie(_rng.choice(PLAN["runner_cookies"])), 200
    if name == "healthz":
        return "GET", "/healthz", None, {}, 200
    if name.startswith("api_"):
        return _api_request(name)
    raise ValueError(f"unknown request {name}")


def _bearer(tokens: str) -> dict:
    return {"Authorization": f"Bearer {_rng.choice(PLAN[tokens])}"}


def _api_request(name: str) -> tuple[str, str, bytes | None, dict, int]:
    """The API mix: the runner's program, the front desk's lists and search."""
    if name == "api_my_program":
        return "GET", "/api/v1/me/program", None, _bearer("runner_tokens"), 200
    if name == "api_appointments":  # no filter: the list's own default
        return "GET", "/api/v1/appointments", None, _bearer("desk_tokens"), 200
    if name == "api_appointments_day":
        _, day = _rng.choice(PLAN["schedule_days"])
        path = "/api/v1/appointments?" + urlencode({"date": day})
        return "GET", path, None, _bearer("desk_tokens"), 200
    if name == "api_patient_search":
        path = "/api/v1/patients?" + urlencode({"q": _rng.choice(PLAN["search_terms"])})
        return "GET", path, None, _bearer("desk_tokens"), 200
    raise ValueError(f"unknown request {name}")


class Bench(User):
    """One Locust user that drives every request of the run (see the module docstring)."""

    wait_time = constant(0)

    def on_start(self):
        url = urlsplit(self.host)
        self.http = HTTPClient(
            url.hostname,
            url.port,
            concurrency=400,
            connection_timeout=10,
            network_timeout=30,
        )
        self.names = [name for name, _ in MIX]
        self.weights = [weight for _, weight in MIX]

    def send(self, name: str) -> None:
        try:
            method, path, body, headers, expected = _request(name)
        except StopIteration:
            return  # out of free slots: end of the plan, not a server error
        started = time.perf_counter()
        error = None
        length = 0
        try:
            response = self.http.request(method, path, body=body or b"", headers=headers)
            length = len(response.read())
            if response.status_code != expected:
                error = RuntimeError(f"{method} {path.split('?')[0]}: {response.status_code}")
        except Exception as exc:  # noqa: BLE001 - a timeout or reset is a failed request
            error = exc
        elapsed = (time.perf_counter() - started) * 1000
        SAMPLES.append((name, elapsed, error is None))
        self.environment.events.request.fire(
            request_type=method,
            name=name,
            response_time=elapsed,
            response_length=length,
            exception=error,
            context={},
        )

    def pick(self) -> str:
        return _rng.choices(self.names, self.weights)[0]

    @task
    def drive(self):
        """Send for SECONDS, let what is in flight finish, then end the Locust run."""
        deadline = time.perf_counter() + SECONDS
        if MODE == "closed":
            workers = [gevent.spawn(self._loop, deadline) for _ in range(CONCURRENCY)]
        else:
            workers = []
            next_at = time.perf_counter() + _rng.expovariate(RATE)
            while next_at < deadline:
                gevent.sleep(max(0.0, next_at - time.perf_counter()))
                workers.append(gevent.spawn(self.send, self.pick()))
                next_at += _rng.expovariate(RATE)
        gevent.joinall(workers, timeout=DRAIN_SECONDS)
        self.environment.runner.quit()

    def _loop(self, deadline: float):
        while time.perf_counter() < deadline:
            self.send(self.pick())


@events.quitting.add_listener
def _write_samples(environment, **kwargs):
    with open(os.environ["BENCH_SAMPLES"], "w", encoding="utf-8") as handle:
        json.dump(SAMPLES, handle)
