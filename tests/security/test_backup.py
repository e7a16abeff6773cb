"""Backup and restore: every row, every PDF and attachment, the audit trigger."""

import hashlib
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from briefing.models import Attachment, Issue, IssueDocument, Item
from core import backup

ROOT = Path(__file__).resolve().parents[2]
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_dump/pg_restore need PostgreSQL"
)


def manage(*args, **env):
    full_env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev", **env}
    full_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
    )


def issued_issue_with_files():
    """The demo's issued issue, with its PDF stored as sign-off stores it, and
    an attachment on one of its items."""
    from briefing.pdf import render_pdf
    from briefing.selectors.issues import issue_html

    call_command("load_demo", stdout=open(os.devnull, "w"))
    issue = Issue.objects.get(status=Issue.Status.ISSUED)
    pdf = render_pdf(issue_html(issue))
    document = IssueDocument(
        issue=issue,
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
        created_by=issue.signed_by,
    )
    document.file.save("issue-backup-test.pdf", ContentFile(pdf), save=False)
    document.save()
    item = Item.objects.filter(issue=issue).first()
    attachment = Attachment(
        item=item,
        original_name="附件.docx",
        size=5,
        content_type="application/octet-stream",
        uploaded_by=item.author,
    )
    attachment.file.save("backup-test.bin", ContentFile(b"\x00\x01\x02\x03\x04"))
    return document, attachment


def admin_connection(dbname="postgres"):
    params = connection.get_connection_params()
    params["dbname"] = dbname
    params.pop("database", None)
    raw = psycopg2.connect(**params)
    raw.autocommit = True
    return raw


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_backup_restore_into_a_new_database(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    document, attachment = issued_issue_with_files()
    started = time.monotonic()
    call_command(
        "backup", output=str(tmp_path / "backup"), stdout=open(os.devnull, "w")
    )
    backup_seconds = time.monotonic() - started
    manifest_files = (tmp_path / "backup" / "manifest.json").read_text()
    assert document.file.name in manifest_files

    target = f"restore_{uuid.uuid4().hex[:10]}"
    admin = admin_connection()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target}"')
    restored_media = tmp_path / "restored-media"
    try:
        settings_dict = connection.settings_dict
        url = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT'] or 5432}/{target}"
        )
        started = time.monotonic()
        result = manage(
            "restore",
            "--input",
            str(tmp_path / "backup"),
            DATABASE_URL=url,
            MEDIA_ROOT=str(restored_media),
        )
        restore_seconds = time.monotonic() - started
        assert result.returncode == 0, result.stderr
        assert "恢复完成" in result.stdout

        restored = admin_connection(target)
        try:
            with connection.cursor() as source, restored.cursor() as copy:
                tables = connection.introspection.table_names(source)
                rows = 0
                for table in tables:
                    source.execute(f'SELECT COUNT(*) FROM "{table}"')
                    copy.execute(f'SELECT COUNT(*) FROM "{table}"')
                    expected = source.fetchone()[0]
                    assert copy.fetchone()[0] == expected, table
                    rows += expected
                # The restored PDFs match the SHA-256 stored at sign-off.
                copy.execute("SELECT file, sha256 FROM briefing_issuedocument")
                for name, sha in copy.fetchall():
                    assert backup.sha256_of(restored_media / name) == sha
                copy.execute("SELECT file FROM briefing_attachment")
                for (name,) in copy.fetchall():
                    original = Path(settings.MEDIA_ROOT) / name
                    assert (restored_media / name).read_bytes() == (
                        original.read_bytes()
                    )
                # The audit trail is still append-only in the restored copy.
                copy.execute("SELECT COUNT(*) FROM audit_auditevent")
                assert copy.fetchone()[0] > 0
                with pytest.raises(psycopg2.Error, match="Cannot update or delete"):
                    copy.execute("UPDATE audit_auditevent SET reason = 'x'")
                with pytest.raises(psycopg2.Error, match="Cannot update or delete"):
                    copy.execute("DELETE FROM audit_auditevent")
        finally:
            restored.close()
        print(
            f"\n备份/恢复：{len(tables)} 张表，{rows} 行，"
            f"{sum(1 for p in restored_media.rglob('*') if p.is_file())} 个媒体文件；"
            f"备份 {backup_seconds:.2f} 秒，恢复 {restore_seconds:.2f} 秒"
        )
    finally:
        with admin.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [target],
            )
            cursor.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.close()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_tampered_backup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "issues").mkdir(parents=True)
    (tmp_path / "media" / "issues" / "a.pdf").write_bytes(b"%PDF-1.4 original")
    call_command(
        "backup", output=str(tmp_path / "backup"), stdout=open(os.devnull, "w")
    )
    pdf = tmp_path / "backup" / "media" / "issues" / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 tampered")
    settings.MEDIA_ROOT = tmp_path / "restored-media"
    with pytest.raises(CommandError, match="SHA-256 不符"):
        call_command("restore", input=str(tmp_path / "backup"))
    assert not (tmp_path / "restored-media").exists()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    call_command(
        "backup", output=str(tmp_path / "backup"), stdout=open(os.devnull, "w")
    )
    settings.MEDIA_ROOT = tmp_path / "other-media"
    with pytest.raises(CommandError, match="不是空的"):
        call_command("restore", input=str(tmp_path / "backup"))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite path")
@pytest.mark.django_db(transaction=True)
def test_sqlite_backup_restores_into_a_new_file(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    document, _ = issued_issue_with_files()
    call_command(
        "backup", output=str(tmp_path / "backup"), stdout=open(os.devnull, "w")
    )
    target = tmp_path / "restored.sqlite3"
    result = manage(
        "restore",
        "--input",
        str(tmp_path / "backup"),
        DATABASE_URL=f"sqlite:///{target}",
        MEDIA_ROOT=str(tmp_path / "restored-media"),
    )
    assert result.returncode == 0, result.stderr
    restored = tmp_path / "restored-media" / document.file.name
    assert backup.sha256_of(restored) == document.sha256
