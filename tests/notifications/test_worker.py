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


class Workers:
    """Celery worker processes for one test, all on a queue of its own."""

    def __init__(self, tmp_path):
        self.queue = f"test-worker-{uuid.uuid4().hex[:8]}"
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.log_path = tmp_path / "worker.log"
        self.log = open(self.log_path, "a")
        self.processes = []

    def start(self) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.notifications.worker_settings",
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": BROKER,
            "CELERY_QUEUE": self.queue,
            "WORKER_MAIL_DIR": str(self.mail_dir),
            "NOTIFICATION_RETRY_SECONDS": "1",
            "EMAIL_TIMEOUT": "1",  # a claim on mail being sent lasts 10 s
        }
        name = f"{self.queue}-{len(self.processes)}@%h"
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker"]
            + ["--queues", self.queue, "--concurrency", "1", "--hostname", name]
            + ["--without-mingle", "--without-gossip", "--loglevel", "INFO"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, pool included
        )
        self.processes.append(process)
        return process

    def stop(self):
        # The test has checked what it came for: end each worker and its pool
        # at once (a warm or cold shutdown waits seconds on the pool); its
        # unacknowledged messages are deleted with the queue.
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        self.log.close()


@pytest.fixture
def workers(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the worker process cannot open the in-memory SQLite database")
    workers = Workers(tmp_path)
    # This process queues tasks for those workers, instead of running them itself.
    saved = {
        key: celery_app.conf[key]
        for key in ("broker_url", "task_default_queue", "task_always_eager")
    }
    celery_app.conf.update(
        broker_url=BROKER, task_default_queue=workers.queue, task_always_eager=False
    )
    try:
        yield workers
    finally:
        workers.stop()
        celery_app.conf.update(saved)
        redis.Redis.from_url(BROKER).delete(workers.queue, "unacked", "unacked_index")
        print(workers.log_path.read_text())  # shown when the test fails


@pytest.fixture
def worker(workers):
    workers.start()
    return workers.mail_dir


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


def test_mail_a_killed_worker_was_sending_goes_out_once(workers):
    (workers.mail_dir / "HANG").touch()  # the mail server never answers
    first = workers.start()
    user = make_user(email="signer@example.gov.cn")
    notify([user], title="有一期待签发")
    assert _wait_for(
        lambda: Delivery.objects.filter(claimed_until__isnull=False).exists()
    ), "the worker did not start sending"
    os.killpg(first.pid, signal.SIGKILL)  # the worker and its pool, mid-send
    first.wait()
    (workers.mail_dir / "HANG").unlink()
    # Another worker sweeps when it starts; the dead one's claim lapses in 10 s.
    workers.start()
    assert _wait_for(
        lambda: Delivery.objects.filter(emailed_at__isnull=False).exists(), 90
    ), "the mail was lost with the worker"
    assert _mail_text(workers.mail_dir).count("To: signer@example.gov.cn") == 1
