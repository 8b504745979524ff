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


@pytest.fixture
def celery_worker_queue(transactional_db):
    """Start `celery worker` on a queue of its own; yield the queue name; stop it afterwards."""
    queue = f"test-{uuid.uuid4().hex[:10]}"
    env = dict(os.environ, DATABASE_URL=test_database_url(), CELERY_QUEUE=queue)
    log = open(ROOT / ".data" / f"worker-{queue}.log", "w+")  # noqa: SIM115 - closed below
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "dangpt",
            "worker",
            "--pool",
            "solo",
            "--queues",
            queue,
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--hostname",
            f"{queue}@localhost",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_for_ready(worker, log)
        yield queue
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        log.close()
        os.unlink(log.name)


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
