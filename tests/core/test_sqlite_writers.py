"""The web server, the Celery worker and beat share one SQLite file in the
zero-set-up default: two processes that each read then write in a transaction
must both finish, neither with "database is locked"."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings

WRITER = """
import django
django.setup()
from django.db import connection, transaction
for _ in range(150):
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            (n,) = cursor.fetchone()
            cursor.execute("UPDATE counter SET n = %s", [n + 1])
"""


def test_two_processes_write_the_same_sqlite_file(tmp_path):
    path = tmp_path / "shared.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE counter (n INTEGER)")
        db.execute("INSERT INTO counter VALUES (0)")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": f"sqlite:///{path}",
    }
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER],
            cwd=Path(settings.BASE_DIR),
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    errors = [writer.communicate(timeout=120)[1] for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], errors
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT n FROM counter").fetchone() == (300,)
