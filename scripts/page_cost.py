#!/usr/bin/env python3
"""In-process cost of the reader's issue page, the editor inbox, the least a
signed-in page costs and /healthz.

    DATABASE_URL=… [REDIS_URL=…] .venv/bin/python scripts/page_cost.py
        [--requests N] [--queries] [--profile PAGE]

Runs in one process, through Django's WSGI handler as gunicorn calls it, with
config.settings.production (a temporary SECRET_KEY, no HTTPS redirect), on a
database scripts/load_test.py prepared (``--keep-db``). Logs in as leader and
editor through the login form, warms each page up, then prints each page's
median wall time, fastest time and median CPU time, and the multiples of
/healthz's and of the floor page's: CPU time holds steady when others load
the machine, wall time does not. ``--queries`` lists each page's queries
with their times and their sum; ``--profile reader|inbox|floor`` writes a
pyinstrument profile of N requests.
"""

import argparse
import gc
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
os.environ.setdefault("SECRET_KEY", "page-cost-" + "x" * 60)
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DB_CONN_MAX_AGE", "60")  # as config/gunicorn.py
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="briefing-cost-"))

DEMO_PASSWORD = "Jianbao@2026"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--queries", action="store_true")
    parser.add_argument("--profile", choices=["reader", "inbox", "floor", "healthz"])
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from briefing.models import Issue

    call_command("collectstatic", "--noinput", verbosity=0)
    app = WSGIHandler()

    def get(path, session=None):
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            "wsgi.version": (1, 0),
        }
        if session:
            environ["HTTP_COOKIE"] = f"sessionid={session}"
        status = []
        body = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        return status[0], body

    def login(username):
        client = Client(HTTP_HOST="127.0.0.1")
        response = client.post(
            "/login/", {"username": username, "password": DEMO_PASSWORD}
        )
        if response.status_code != 302:
            sys.exit(f"{username} 登录失败（HTTP {response.status_code}）")
        return client.cookies["sessionid"].value

    issue_id = (
        Issue.objects.filter(status="issued").values_list("pk", flat=True).first()
    )
    pages = {
        "reader": (f"/read/issues/{issue_id}/", login("leader")),
        "inbox": ("/inbox/", login("editor")),
        # The least a signed-in page costs: the session, the user, the header
        # and its bell, a line of text (密码已修改).
        "floor": ("/account/password/done/", login("editor")),
        "healthz": ("/healthz", None),
    }
    for path, session in pages.values():
        status, _ = get(path, session)
        if not status.startswith("200"):
            sys.exit(f"{path}: {status}")
        for _ in range(20):  # templates, connections, caches
            get(path, session)
    gc.freeze()  # as config/gunicorn.py

    if args.profile:
        from pyinstrument import Profiler

        path, session = pages[args.profile]
        profiler = Profiler(interval=0.0002)
        profiler.start()
        for _ in range(args.requests):
            get(path, session)
        profiler.stop()
        out = Path(tempfile.gettempdir()) / f"page_cost_{args.profile}.txt"
        out.write_text(profiler.output_text(unicode=True, color=False))
        print(f"写入 {out}")
        return

    if args.queries:
        for name, (path, session) in pages.items():
            queries = []

            def log(execute, sql, params, many, context, queries=queries):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    queries.append((time.perf_counter() - started, sql))

            with connection.execute_wrapper(log):
                get(path, session)
            total = sum(spent for spent, _ in queries) * 1000
            print(f"{name}：{len(queries)} 个查询，共 {total:.2f} ms")
            for spent, sql in queries:
                print(f"  {spent * 1000:6.2f} ms  {sql[:140]}")
        return

    results = {}
    for name, (path, session) in pages.items():
        wall, cpu = [], []
        for _ in range(args.requests):
            started, started_cpu = time.perf_counter(), time.process_time()
            get(path, session)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        results[name] = (statistics.median(wall), min(wall), statistics.median(cpu))
    load = os.getloadavg()[0]
    print(f"每页 {args.requests} 次请求，负载 {load:.1f}：")
    base_wall, _, base_cpu = results["healthz"]
    floor_wall = results["floor"][0]
    for name, (wall, fastest, cpu) in results.items():
        print(
            f"{name:<8} 中位 {wall:7.2f} ms  最快 {fastest:7.2f} ms  "
            f"CPU {cpu:6.2f} ms  {wall / base_wall:5.1f} × / "
            f"CPU {cpu / base_cpu:5.1f} × /healthz  {wall / floor_wall:4.1f} × floor"
        )


if __name__ == "__main__":
    main()
