"""Database connections of a real server process (PostgreSQL).

``manage.py runserver`` with the development settings serves each browser
connection in a thread of its own: it must not keep a database connection per
thread. Under gunicorn (DB_CONN_MAX_AGE, set by config/gunicorn.py) kept
connections are checked before use, so a database restart costs no request.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="counts connections in PostgreSQL's pg_stat_activity",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
APP_NAME = "briefing-runserver-under-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    d = connection.settings_dict
    host = d["HOST"] or "127.0.0.1"
    password = f":{d['PASSWORD']}" if d["PASSWORD"] else ""
    port = d["PORT"] or 5432
    return f"postgres://{d['USER']}{password}@{host}:{port}/{d['NAME']}"


@pytest.fixture
def runserver():
    """Start ``manage.py runserver`` (development settings) on the test database;
    yields a function that starts it with extra environment variables."""
    started = []

    def start(**extra_env):
        port = _free_port()
        env = {k: v for k, v in os.environ.items() if k != "DB_CONN_MAX_AGE"}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings.dev",
            DATABASE_URL=_database_url(),
            # libpq names the server's connections: only they are counted.
            PGAPPNAME=APP_NAME,
            **extra_env,
        )
        proc = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                f"127.0.0.1:{port}",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(proc)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return port
            except OSError:
                time.sleep(0.2)
        raise AssertionError("runserver 未能启动")

    yield start
    for proc in started:
        proc.terminate()
        proc.wait(10)


def _server_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APP_NAME],
        )
        return cursor.fetchone()[0]


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def test_runserver_keeps_no_database_connection_per_browser_connection(runserver):
    port = runserver()
    # Like browsers: each opens a keep-alive connection, loads a page that reads
    # the database, and leaves the connection open.
    browsers = []
    for _ in range(12):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        assert _get(conn, "/healthz") == 200
        browsers.append(conn)
    time.sleep(0.5)
    try:
        assert _server_connections() == 0
    finally:
        for conn in browsers:
            conn.close()


def test_a_kept_connection_broken_by_a_database_restart_costs_no_request(runserver):
    # As gunicorn runs it: connections kept between requests.
    port = runserver(DB_CONN_MAX_AGE="60")
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    assert _get(conn, "/healthz") == 200
    assert _server_connections() == 1
    with connection.cursor() as cursor:  # what a database restart does to it
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND application_name = %s",
            [APP_NAME],
        )
    # Same server thread (keep-alive), so the same kept connection object.
    assert _get(conn, "/healthz") == 200
    conn.close()
