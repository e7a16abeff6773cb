"""Back up and restore the database and the media files (attachments, PDFs).

A backup is a folder:
    database.dump        PostgreSQL, pg_dump custom format (or database.sqlite3)
    media/…              a copy of MEDIA_ROOT
    manifest.json        what was backed up, with the SHA-256 of every file
Restore checks every SHA-256 first and only writes into an empty database and
an empty media folder, so it never mixes a backup with live data.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import connection

MANIFEST = "manifest.json"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the operator."""


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args(settings_dict) -> tuple[list[str], dict]:
    args = []
    if settings_dict.get("HOST"):
        args += ["-h", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        args += ["-p", str(settings_dict["PORT"])]
    if settings_dict.get("USER"):
        args += ["-U", settings_dict["USER"]]
    env = {**os.environ}
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return args, env


def _run(command, env):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{result.stderr.strip()[-2000:]}")


def _count_rows(cursor, tables, quote) -> dict[str, int]:
    counts = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _table_counts() -> dict[str, int]:
    """Rows per table of the current database (to compare after a restore)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        return _count_rows(cursor, tables, connection.ops.quote_name)


def _dump_postgresql(path: Path) -> dict[str, int]:
    """pg_dump into ``path``; returns the row counts of the very same snapshot.

    The counts and the dump share one exported snapshot, so a site that keeps
    working during the backup cannot make them disagree.
    """
    settings_dict = connection.settings_dict
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with raw.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            args, env = _pg_args(settings_dict)
            _run(
                [
                    "pg_dump",
                    *args,
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(path),
                    settings_dict["NAME"],
                ],
                env,
            )
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            )
            tables = [row[0] for row in cursor.fetchall()]
            counts = _count_rows(cursor, tables, connection.ops.quote_name)
        raw.rollback()
    finally:
        raw.close()
    return counts


def _copy_sqlite(path: Path) -> dict[str, int]:
    # SQLite's backup API gives a consistent copy even while the site runs.
    source = sqlite3.connect(connection.settings_dict["NAME"])
    target = sqlite3.connect(path)
    try:
        with target:
            source.backup(target)
        cursor = target.cursor()
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%'"
        )
        tables = [row[0] for row in cursor.fetchall()]
        return _count_rows(cursor, tables, connection.ops.quote_name)
    finally:
        source.close()
        target.close()


def backup(output: Path) -> dict:
    """Write a backup folder at ``output`` (which must not exist or be empty)."""
    output = Path(output)
    if output.exists() and any(output.iterdir()):
        raise BackupError(f"备份目录 {output} 不是空的。")
    output.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        database_file = "database.dump"
        counts = _dump_postgresql(output / database_file)
    elif vendor == "sqlite":
        database_file = "database.sqlite3"
        counts = _copy_sqlite(output / database_file)
    else:
        raise BackupError(f"不支持的数据库：{vendor}")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists():
        shutil.copytree(media_root, output / "media", symlinks=False)
    else:
        (output / "media").mkdir()
    files = {
        path.relative_to(output).as_posix(): sha256_of(path)
        for path in sorted(output.rglob("*"))
        if path.is_file()
    }
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": {"vendor": vendor, "file": database_file},
        "tables": counts,
        "files": files,
    }
    (output / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


def verify(folder: Path) -> dict:
    """Check every file of the backup against its SHA-256; return the manifest."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"无法读取 {folder / MANIFEST}：{exc}") from exc
    problems = []
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            problems.append(f"缺少文件 {name}")
        elif sha256_of(path) != expected:
            problems.append(f"SHA-256 不符 {name}")
    listed = set(manifest["files"])
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name != MANIFEST and name not in listed:
            problems.append(f"清单外的文件 {name}")
    if problems:
        raise BackupError("备份校验失败：" + "；".join(problems[:20]))
    return manifest


def restore(folder: Path) -> dict:
    """Restore the backup at ``folder`` into the (empty) database and MEDIA_ROOT."""
    folder = Path(folder)
    manifest = verify(folder)
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(f"备份来自 {vendor}，当前数据库是 {connection.vendor}。")
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"目标数据库 {connection.settings_dict['NAME']} 不是空的"
            f"（已有 {len(existing)} 张表），请恢复到新建的空数据库。"
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.exists() and any(media_root.iterdir()):
        raise BackupError(f"媒体目录 {media_root} 不是空的。")
    dump = folder / manifest["database"]["file"]
    settings_dict = connection.settings_dict
    if vendor == "postgresql":
        connection.close()
        args, env = _pg_args(settings_dict)
        _run(
            [
                "pg_restore",
                *args,
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                settings_dict["NAME"],
                str(dump),
            ],
            env,
        )
    else:
        connection.close()
        shutil.copyfile(dump, settings_dict["NAME"])
    media_root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(folder / "media", media_root, dirs_exist_ok=True)
    counts = _table_counts()
    if counts != manifest["tables"]:
        differing = sorted(
            table
            for table in set(counts) | set(manifest["tables"])
            if counts.get(table) != manifest["tables"].get(table)
        )
        raise BackupError(f"恢复后行数与备份不符：{differing[:20]}")
    # Cached users, pages and counts were built from the rows just replaced.
    cache.clear()
    return manifest
