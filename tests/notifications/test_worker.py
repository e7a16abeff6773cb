"""A real Celery worker process against the local Redis: a queued e-mail is
delivered, and a task that failed is retried.

The worker reads the test database, so it must be one another process can
open: PostgreSQL (the SQLite test database lives in this process's memory).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from config import celery_app
from notifications.models import Delivery
from notifications.services import notify
from tests.factories import make_user

BROKER = "redis://127.0.0.1:6379/15"  # a database of its own on the local Redis


def _redis_answers() -> bool:
    try:
        return redis.Redis.from_url(BROKER, socket_timeout=1).ping()
    except redis.RedisError:
        return False


pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379"),
]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{auth}@{host}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process cannot open the in-memory SQLite database")
    queue = f"test-worker-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER,
        "CELERY_QUEUE": queue,
        "WORKER_MAIL_DIR": str(mail_dir),
        "NOTIFICATION_RETRY_SECONDS": "1",
    }
    log = open(tmp_path / "worker.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker"]
        + ["--queues", queue, "--concurrency", "1", "--hostname", f"{queue}@%h"]
        + ["--without-mingle", "--without-gossip", "--loglevel", "INFO"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    # This process queues tasks for that worker, instead of running them itself.
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_default_queue", "task_always_eager")
    }
    celery_app.conf.update(
        broker_url=BROKER, task_default_queue=queue, task_always_eager=False
    )
    try:
        yield mail_dir
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        celery_app.conf.update(saved)
        redis.Redis.from_url(BROKER).delete(queue)
        print((tmp_path / "worker.log").read_text())  # shown when the test fails


def _wait_for(check, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.2)
    return False


def _mail_text(mail_dir: Path) -> str:
    return "".join(path.read_text() for path in mail_dir.glob("*.log"))


def test_a_queued_email_is_delivered_by_the_worker(worker):
    users = [make_user(email=f"reader{n}@example.gov.cn") for n in range(3)]
    notify(users, title="第5期已签发", url="/read/issues/5/")
    assert _wait_for(
        lambda: Delivery.objects.filter(emailed_at__isnull=False).count() == 3
    ), "the worker did not send the mail"
    text = _mail_text(worker)
    for user in users:
        assert f"To: {user.email}" in text
        assert user.notifications.get().url == "/read/issues/5/"


def test_a_failed_task_is_retried_by_the_worker(worker):
    (worker / "DOWN").touch()  # the mail server refuses connections
    user = make_user(email="leader@example.gov.cn")
    notify([user], title="有新的批示")
    assert _wait_for(lambda: Delivery.objects.filter(attempts__gte=1).exists()), (
        "the worker did not try"
    )
    assert "leader@example.gov.cn" not in _mail_text(worker)
    (worker / "DOWN").unlink()  # the server is back
    assert _wait_for(
        lambda: Delivery.objects.filter(emailed_at__isnull=False).exists()
    ), "the worker did not retry"
    delivery = Delivery.objects.get()
    assert delivery.attempts >= 1 and "Connection refused" in delivery.last_error
    assert "To: leader@example.gov.cn" in _mail_text(worker)
