"""Two gunicorn workers sharing Redis and PostgreSQL, as in production: a
change made in another process shows on the very next request, whichever
worker answers it. Skipped on SQLite (the test database is not shared) and
when no Redis answers (TEST_REDIS_URL, default a spare database on 127.0.0.1)."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.urls import reverse

from briefing.services.issues import issue_correction
from core import roles
from reading.services import write_instruction
from tests import factories
from tests.reading.factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/12")
# Enough requests that both workers answer some (gunicorn gives each new
# connection to whichever worker accepts it first).
REQUESTS = 8


def _redis_answers() -> bool:
    parts = urlsplit(REDIS_URL)
    try:
        socket.create_connection((parts.hostname, parts.port or 6379), 1).close()
    except OSError:
        return False
    return True


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture(scope="module")
def workers(django_db_setup, django_db_blocker):
    """The base address of gunicorn, two workers, on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: another process cannot see SQLite's test db")
    if not _redis_answers():
        pytest.skip(f"no Redis at {REDIS_URL}")
    db = connection.settings_dict
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        "REDIS_URL": REDIS_URL,
    }
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "config/gunicorn.py",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def get(base, path, session) -> tuple[int, str]:
    request = urllib.request.Request(
        base + path, headers={"Cookie": f"sessionid={session}"}
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as exc:  # 302 and 404 arrive as errors
        return exc.code, exc.headers.get("Location", "")
    return response.status, response.read().decode()


def every(base, path, session) -> list[tuple[int, str]]:
    return [get(base, path, session) for _ in range(REQUESTS)]


INBOX = reverse("briefing:inbox")


def test_a_removed_role_ends_access_in_every_worker(workers):
    editor = factories.make_editor()
    session = session_of(editor)
    assert {status for status, _ in every(workers, INBOX, session)} == {200}
    editor.groups.remove(Group.objects.get(name=roles.EDITOR))
    assert {status for status, _ in every(workers, INBOX, session)} == {404}


@pytest.mark.parametrize("change", ["disable", "new password"])
def test_a_disabled_account_or_new_password_logs_out_in_every_worker(workers, change):
    editor = factories.make_editor()
    session = session_of(editor)
    assert {status for status, _ in every(workers, INBOX, session)} == {200}
    if change == "disable":
        editor.is_active = False
    else:
        editor.set_password("Xinmima@2027")
    editor.save()
    answers = every(workers, INBOX, session)
    assert {status for status, _ in answers} == {302}
    assert all(location.startswith(reverse("login")) for _, location in answers)


def test_a_new_instruction_a_rename_and_a_correction_show_in_every_worker(
    workers,
):
    reader, editor = factories.make_reader(), factories.make_editor()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    item = issue.items.select_related("department").get()
    path = reverse("reading:issue", args=[issue.pk])
    reader_session, editor_session = session_of(reader), session_of(editor)
    for _, text in every(workers, path, editor_session):
        assert "批示 1 条" not in text

    write_instruction(item, issue, reader, "请抓好落实。")
    for status, text in every(workers, path, editor_session):
        assert status == 200 and "批示 1 条" in text
    for _, text in every(workers, path, reader_session):
        assert "请抓好落实。" in text

    item.department.short_name = "新名称局"
    item.department.save()
    for _, text in every(workers, path, reader_session):
        assert "（新名称局）" in text

    issue.refresh_from_db()
    issue_correction(
        issue,
        factories.make_signer(),
        reason="数字有误",
        version=issue.version,
        items={item.pk: {"title": item.title, "body": "<p>更正后的第一段。</p>"}},
    )
    for _, text in every(workers, path, reader_session):
        assert "更正后的第一段。" in text
