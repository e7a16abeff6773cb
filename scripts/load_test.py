#!/usr/bin/env python3
"""Load test on 127.0.0.1: gunicorn as in production, wrk, logged-in sessions.

    .venv/bin/python scripts/load_test.py [--keep-db] [--reuse-db] [--workers N]
                                          [--no-redis]

Prepares a PostgreSQL database (LOAD_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/briefing_load; dropped and created again)
with the demo data and 10 000 submitted items, starts gunicorn with
config.settings.production (temporary SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no
HTTPS redirect; Redis as docker-compose runs it, or none with --no-redis) on a
free loopback port, logs in ONCE per role (the lockout is never tripped), then
runs wrk on the reader's issue page, the editor's inbox, the login page and
/healthz (the baseline) at 20 and 60 connections, 8 runs bounded to 60 s in
all, after a second of each page not counted (the workers' first requests).
Prints requests/s, p50/p95/p99 and errors per run; then each page's cost in
the process: its median time with one connection (no queueing), and that time
as a multiple of /healthz's.
"""

import argparse
import http.cookies
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/briefing_load"
DEMO_PASSWORD = "Jianbao@2026"
ITEMS = 10_000
CONNECTIONS = [20, 60]
TOTAL_SECONDS = 60
WARM_UP_SECONDS = 1
# One connection: each request's own time in the process, nothing queued.
SINGLE_SECONDS = 5

# wrk prints one JSON line at the end: the percentiles --latency leaves out (p95).
WRK_REPORT = r"""
done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f,'
    .. ' "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\n',
    summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
"""

SEED_ITEMS = f"""
import datetime, random
from django.utils import timezone
from briefing.models import Item
from departments.models import Department, Membership
clerks = {{m.department_id: m.user for m in Membership.objects.select_related("user")}}
units = list(Department.objects.all())
author = next(iter(clerks.values()))
now = timezone.now()
rows = []
for n in range({ITEMS}):
    unit = units[n % len(units)]
    rows.append(Item(
        department=unit, author=clerks.get(unit.pk, author),
        title=f"{{unit.short_name}}工作动态第{{n + 1}}号",
        body="<p>" + "推进重点项目建设，落实安全生产责任。" * 20 + "</p>",
        search_text="推进重点项目建设", status=Item.Status.SUBMITTED,
        submitted_at=now - datetime.timedelta(minutes=n),
    ))
Item.objects.bulk_create(rows, batch_size=1000)
# As autovacuum would soon after: the planner needs the new row counts, and
# counting from an index alone needs the visibility map.
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("VACUUM ANALYZE")
print(Item.objects.count())
"""


def say(message):
    print(message, flush=True)


def ensure_wrk():
    if shutil.which("wrk"):
        return
    say("安装 wrk（Debian 包）…")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        [*sudo, "apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env=env,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def recreate_database(url: str):
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return name


def item_count(url: str) -> int:
    """Items in the load database, 0 if it or its tables do not exist."""
    try:
        with psycopg2.connect(url) as conn, conn.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM briefing_item")
            return cursor.fetchone()[0]
    except psycopg2.Error:
        return 0


def drop_database(url: str):
    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def manage(env, *args, stdin=None):
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} 失败：\n{result.stderr[-3000:]}")
    return result.stdout


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base: str, username: str) -> str:
    """Log in once through the login form; returns the session id."""
    opener = urllib.request.build_opener(NoRedirect)
    page = opener.open(f"{base}/login/")
    cookies = http.cookies.SimpleCookie()
    for header in page.headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    csrf = cookies["csrftoken"].value
    data = urllib.parse.urlencode(
        {"username": username, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf}
    ).encode()
    request = urllib.request.Request(
        f"{base}/login/",
        data=data,
        headers={"Cookie": f"csrftoken={csrf}", "Referer": f"{base}/login/"},
    )
    try:
        response = opener.open(request)
        status = response.status
        headers = response.headers
    except urllib.error.HTTPError as exc:  # the 302 arrives as an "error"
        status, headers = exc.code, exc.headers
    if status != 302:
        sys.exit(f"{username} 登录失败（HTTP {status}）")
    cookies = http.cookies.SimpleCookie()
    for header in headers.get_all("Set-Cookie") or []:
        cookies.load(header)
    return cookies["sessionid"].value


def check(base, path, session):
    request = urllib.request.Request(
        base + path, headers={"Cookie": f"sessionid={session}"} if session else {}
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        status = opener.open(request).status
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 200:
        sys.exit(f"{path} 预检返回 HTTP {status}，不做压测。")


def settle(base, limit=15.0):
    """Wait until the workers are idle again (a slow page leaves a backlog that
    would be charged to the next run); not counted in the 60 s."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        started = time.monotonic()
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=limit)
        except OSError:
            pass
        if time.monotonic() - started < 0.05:
            return
        time.sleep(0.5)


def run_wrk(base, path, session, connections, seconds, script):
    command = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "5s",
        "-s",
        script,
    ]
    if session:
        command += ["-H", f"Cookie: sessionid={session}"]
    result = subprocess.run(
        [*command, base + path], capture_output=True, text=True, check=True
    )
    line = [x for x in result.stdout.splitlines() if x.startswith("{")][-1]
    report = json.loads(line)
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", result.stdout)
    report["non2xx"] = int(match.group(1)) if match else 0
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep-db", action="store_true", help="压测后保留数据库")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn 进程数")
    parser.add_argument(
        "--no-redis",
        action="store_true",
        help="不用 Redis（README 的默认配置：各进程本地内存缓存，会话存数据库）",
    )
    parser.add_argument(
        "--reuse-db",
        action="store_true",
        help="数据库已由上次 --keep-db 准备好时直接使用（代码有迁移时不要用）",
    )
    args = parser.parse_args()

    ensure_wrk()
    url = os.environ.get("LOAD_DATABASE_URL", DEFAULT_URL)
    if urllib.parse.urlsplit(url).hostname not in {"127.0.0.1", "localhost"}:
        sys.exit("只在本机（127.0.0.1）的数据库上压测。")
    reuse = args.reuse_db and item_count(url) >= ITEMS
    if not reuse:
        recreate_database(url)
    static_root = tempfile.mkdtemp(prefix="briefing-load-static-")
    media_root = tempfile.mkdtemp(prefix="briefing-load-media-")
    base_env = {
        **os.environ,
        "DATABASE_URL": url,
        "STATIC_ROOT": static_root,
        "MEDIA_ROOT": media_root,
        "LOG_LEVEL": "WARNING",
    }
    base_env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    dev_env = {**base_env, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    if reuse:
        say(f"沿用已准备的数据库（稿件 {item_count(url)} 篇）")
    else:
        say("准备数据库：迁移、演示数据、10 000 篇稿件…")
        manage(dev_env, "migrate", "--noinput")
        manage(dev_env, "load_demo")
        count = manage(dev_env, "shell", "-c", SEED_ITEMS).strip().splitlines()[-1]
        say(f"  稿件共 {count} 篇")
    prod_env = {
        **base_env,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "load-test-" + secrets.token_urlsafe(48),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        # As docker-compose runs it: cache and sessions in Redis.
        "REDIS_URL": ""
        if args.no_redis
        else os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/0"),
    }
    manage(prod_env, "collectstatic", "--noinput")
    issue_id = (
        manage(
            dev_env,
            "shell",
            "-c",
            "from briefing.models import Issue;"
            "print(Issue.objects.filter(status='issued').values_list('pk', flat=True)"
            ".first())",
        )
        .strip()
        .splitlines()[-1]
    )

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    gunicorn = subprocess.Popen(
        [
            GUNICORN,
            "-c",
            "config/gunicorn.py",  # as the Dockerfile runs it
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=prod_env,
    )
    script = Path(tempfile.mkstemp(suffix=".lua")[1])
    script.write_text(WRK_REPORT)
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:  # refused, reset or timed out while starting
                time.sleep(0.2)
        else:
            sys.exit("gunicorn 未能启动。")
        sessions = {name: login(base, name) for name in ["leader", "editor"]}
        targets = [
            ("领导读简报", f"/read/issues/{issue_id}/", sessions["leader"]),
            ("编辑收稿箱", "/inbox/", sessions["editor"]),
            ("登录页", "/login/", None),
            ("基线 /healthz", "/healthz", None),
        ]
        for _, path, session in targets:
            check(base, path, session)
        # Every worker's first requests load templates and open connections:
        # a second of each page first, not counted.
        for _, path, session in targets:
            run_wrk(base, path, session, CONNECTIONS[0], WARM_UP_SECONDS, str(script))
        seconds = TOTAL_SECONDS // (len(targets) * len(CONNECTIONS))
        cache = "无 Redis" if args.no_redis else "Redis"
        say(
            f"gunicorn {args.workers} 进程，{cache}，{base}；每轮 {seconds} 秒，"
            f"共 {seconds * len(targets) * len(CONNECTIONS)} 秒"
        )
        header = (
            f"{'页面':<14}{'连接':>4}{'请求/秒':>10}{'p50 ms':>9}{'p95 ms':>9}"
            f"{'p99 ms':>9}{'错误':>6}"
        )
        say(header)
        results = []
        for label, path, session in targets:
            for connections in CONNECTIONS:
                settle(base)
                r = run_wrk(base, path, session, connections, seconds, str(script))
                errors = (
                    r["connect"] + r["read"] + r["write"] + r["timeout"] + r["non2xx"]
                )
                rps = r["requests"] / r["seconds"]
                results.append({"page": label, "connections": connections, **r})
                say(
                    f"{label:<14}{connections:>4}{rps:>10.1f}{r['p50']:>9.1f}"
                    f"{r['p95']:>9.1f}{r['p99']:>9.1f}{errors:>6}"
                )
        say(f"进程内耗时（1 个连接，每页 {SINGLE_SECONDS} 秒，p50）：")
        single = {}
        for label, path, session in targets:
            settle(base)
            r = run_wrk(base, path, session, 1, SINGLE_SECONDS, str(script))
            single[label] = r["p50"]
        baseline = single[targets[-1][0]]
        for label, p50 in single.items():
            say(f"{label:<14}{p50:>9.2f} ms  {p50 / baseline:>5.1f} × /healthz")
            results.append({"page": label, "connections": 1, "p50": p50})
        # The sessions are still valid: the load did not log anyone out.
        for _, path, session in targets[:2]:
            check(base, path, session)
        print(json.dumps(results, ensure_ascii=False))
    finally:
        gunicorn.send_signal(signal.SIGTERM)
        gunicorn.wait(timeout=30)
        script.unlink(missing_ok=True)
        shutil.rmtree(static_root, ignore_errors=True)
        shutil.rmtree(media_root, ignore_errors=True)
        if not args.keep_db:
            drop_database(url)


if __name__ == "__main__":
    main()
