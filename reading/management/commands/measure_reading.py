"""Time the reader's issue page: queries per request and median response time.

    python manage.py measure_reading --user leader --requests 50

Uses Django's test client in process (no network, no web server), logged in
as ``--user``, on the newest issue that user may read.
"""

import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from briefing.selectors.issues import readable_issues


class Command(BaseCommand):
    help = "测量领导阅读页：每次请求的查询数与响应时间中位数。"

    def add_arguments(self, parser):
        parser.add_argument("--user", default="leader")
        parser.add_argument("--requests", type=int, default=50)

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"没有用户 {options['user']}（先运行 load_demo）。")
        issue = readable_issues(user).order_by("-issue_date", "-id").first()
        if issue is None:
            raise CommandError(f"{user} 没有可阅读的简报。")
        url = reverse("reading:issue", args=[issue.pk])
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            client = Client()
            client.force_login(user)
            client.get(url)  # the first read writes a receipt; not measured
            queries = []

            def log(execute, sql, params, many, context):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    queries.append((time.perf_counter() - started, sql))

            with connection.execute_wrapper(log):
                response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} 返回 {response.status_code}。")
            times = []
            for _ in range(options["requests"]):
                started = time.perf_counter()
                client.get(url)
                times.append((time.perf_counter() - started) * 1000)
        times.sort()
        self.stdout.write(
            f"{url}（{issue}，{connection.vendor}）：每次 {len(queries)} 个查询，"
            f"{len(times)} 次请求中位数 {statistics.median(times):.1f} ms，"
            f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms，"
            f"页面 {len(response.content) // 1024} KB"
        )
        for spent, sql in queries:
            self.stdout.write(f"  {spent * 1000:6.2f} ms  {sql[:140]}")
