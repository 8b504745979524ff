"""A real Celery worker process on the real Redis, reading the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def test_database_url() -> str:
    """DATABASE_URL of the database this test run uses (the test_ one, not the dev one)."""
    s = connection.settings_dict
    host = quote(s["HOST"], safe="") if s["HOST"].startswith("/") else s["HOST"]
    auth = quote(s["USER"]) + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{s['NAME']}"


class Worker:
    """A `celery worker` subprocess consuming one queue of its own."""

    def __init__(self, queue: str, env: dict[str, str], pool: str = "solo", concurrency: int = 1):
        self.queue = queue
        name = f"worker-{queue}-{uuid.uuid4().hex[:6]}.log"
        self.log = open(ROOT / ".data" / name, "w+")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "dangpt",
                "worker",
                "--pool",
                pool,
                "--concurrency",
                str(concurrency),
                "--queues",
                queue,
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--hostname",
                f"{queue}-{uuid.uuid4().hex[:4]}@localhost",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        _wait_for_ready(self.process, self.log)

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read()

    def stop(self, *, kill: bool = False) -> None:
        if self.process.poll() is None:
            if kill:
                self.process.kill()
            else:
                self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def start_worker(transactional_db):
    """Start real workers on the test database; all are stopped and their logs removed after."""
    workers: list[Worker] = []

    def start(queue: str | None = None, *, env: dict | None = None, **options) -> Worker:
        queue = queue or f"test-{uuid.uuid4().hex[:10]}"
        full_env = dict(os.environ, DATABASE_URL=test_database_url(), CELERY_QUEUE=queue)
        full_env.update(env or {})
        worker = Worker(queue, full_env, **options)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()
        worker.log.close()
        os.unlink(worker.log.name)


@pytest.fixture
def celery_worker_queue(start_worker):
    """The queue of one real worker process."""
    return start_worker().queue


def _wait_for_ready(worker: subprocess.Popen, log, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log.seek(0)
        text = log.read()
        if "ready." in text:
            return
        if worker.poll() is not None:
            raise RuntimeError(f"celery worker exited early:\n{text}")
        time.sleep(0.2)
    log.seek(0)
    raise RuntimeError(f"celery worker not ready after {timeout}s:\n{log.read()}")
