"""Measure the background mail: 签发 while the mail server hangs, and a reminder run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/briefing_bench_mail \\
        python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/briefing_bench_mail \\
        python manage.py bench_mail

Starts a real Celery worker (a queue of its own on the local Redis, database
14) whose SMTP server is a local socket that accepts connections and never
answers. Signs off an issue sent to 60 readers and times the call; then the
server starts answering (aiosmtpd on the same port) and the time until every
mail is out is printed. Then the 约稿 reminder job (send_due_reminders) over
200 units × 3 open 约稿 whose 24-hour reminder is due, run twice as a doubled
beat would, timed until every bell entry and mail is there.

Empties the database first: refuses one whose name does not contain "bench".
"""

import datetime
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pgtrigger
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from briefing.models import (
    DistributionList,
    DistributionRecipients,
    Issue,
    IssueSection,
    Item,
    Publication,
    Section,
)
from briefing.pdf import render_pdf
from briefing.selectors import issues as issue_selectors
from briefing.services import issues as issue_services
from commissions.models import Commission
from commissions.services import send_due_reminders
from config import celery_app
from core import roles
from departments.models import Department, Membership
from notifications.models import Delivery, Notification

BROKER = "redis://127.0.0.1:6379/14"


class Command(BaseCommand):
    help = "测量后台邮件：邮件服务器无响应时签发的耗时，以及 600 条催报的分发耗时。"

    def add_arguments(self, parser):
        parser.add_argument("--readers", type=int, default=60)
        parser.add_argument("--issues", type=int, default=3)
        parser.add_argument("--units", type=int, default=200)
        parser.add_argument("--requests", type=int, default=3)
        parser.add_argument("--hang-seconds", type=float, default=8)
        parser.add_argument("--email-timeout", type=int, default=3)

    def handle(self, *args, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(f"数据库 {name} 的名字不含 bench：本命令会清空它。")
        # The audit trail refuses TRUNCATE; a bench database may be emptied.
        with pgtrigger.ignore("audit.AuditEvent:no_truncate"):
            call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)  # the role groups come back
        hanging = socket.socket()
        hanging.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(128)  # the kernel accepts; nobody ever answers
        port = hanging.getsockname()[1]
        queue = f"bench-mail-{uuid.uuid4().hex[:8]}"
        worker = self._start_worker(queue, port, options["email_timeout"])
        celery_app.conf.update(broker_url=BROKER, task_default_queue=queue)
        smtp = None
        try:
            issues, signer = self._issues_for(options["readers"], options["issues"])
            expected = len(issues) * (options["readers"] + 1)
            self.stdout.write(
                f"数据库 {connection.vendor}；邮件服务器 127.0.0.1:{port} 接受连接但"
                f"不应答（EMAIL_TIMEOUT={options['email_timeout']} 秒）。"
            )
            # A running web server has its fonts loaded: preview once first.
            render_pdf(issue_selectors.issue_html(issues[0], preview=True))
            rendering = []

            def timed_render(*args, **kwargs):
                started = time.perf_counter()
                try:
                    return render_pdf(*args, **kwargs)
                finally:
                    rendering.append(time.perf_counter() - started)

            issue_services.render_pdf = timed_render
            try:
                for issue in issues:
                    started = time.perf_counter()
                    issue_services.sign_off_issue(issue, signer)
                    spent = time.perf_counter() - started
                    self.stdout.write(
                        f"签发（通知 {options['readers']} 位读者 + 签发人）："
                        f"{spent:.3f} 秒，"
                        f"其中生成 PDF {rendering[-1]:.3f} 秒，其余 "
                        f"{spent - rendering[-1]:.3f} 秒"
                    )
            finally:
                issue_services.render_pdf = render_pdf
            time.sleep(options["hang_seconds"])
            tried = Delivery.objects.filter(attempts__gt=0).count()
            sent = Delivery.objects.filter(emailed_at__isnull=False).count()
            self.stdout.write(
                f"{options['hang_seconds']:.0f} 秒后：站内通知 "
                f"{Notification.objects.count()} 条，邮件已发 {sent} 封，"
                f"{tried} 封已失败重试中"
            )
            hanging.close()
            smtp = self._answering_server(port)
            answered = time.perf_counter()
            self._wait(lambda: _sent() >= expected, "签发的邮件")
            self.stdout.write(
                f"邮件服务器开始应答后 {time.perf_counter() - answered:.1f} 秒，"
                f"{expected} 封（{len(issues)} 期）全部发出"
                f"（服务器收到 {len(smtp.handler.rcpts)} 封）"
            )
            self._reminder_run(options["units"], options["requests"], smtp)
        finally:
            hanging.close()
            if smtp is not None:
                smtp.stop()
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            import redis

            redis.Redis.from_url(BROKER).delete(queue)

    def _start_worker(self, queue, port, timeout):
        env = {
            **os.environ,
            "CELERY_BROKER_URL": BROKER,
            "CELERY_QUEUE": queue,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "EMAIL_TIMEOUT": str(timeout),
            "NOTIFICATION_RETRY_SECONDS": "1",
            "DJANGO_SETTINGS_MODULE": os.environ.get(
                "DJANGO_SETTINGS_MODULE", "config.settings.dev"
            ),
        }
        log = Path(settings.BASE_DIR) / "test-output" / "bench_mail_worker.log"
        log.parent.mkdir(exist_ok=True)
        self.stdout.write(f"Celery worker（2 个进程）日志：{log}")
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker"]
            + ["--queues", queue, "--concurrency", "2", "--loglevel", "INFO"]
            + ["--hostname", f"{queue}@%h", "--without-mingle", "--without-gossip"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
        )

    def _answering_server(self, port):
        from aiosmtpd.controller import Controller

        class Counter:
            def __init__(self):
                self.rcpts = []

            async def handle_DATA(self, server, session, envelope):  # noqa: N802
                self.rcpts.extend(envelope.rcpt_tos)
                return "250 OK"

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # every command
        controller = Controller(Counter(), hostname="127.0.0.1", port=port)
        controller.start()
        return controller

    def _wait(self, done, what, seconds=300):
        deadline = time.monotonic() + seconds
        while not done():
            if time.monotonic() > deadline:
                raise CommandError(f"{seconds} 秒内{what}没有全部发出。")
            time.sleep(0.1)

    def _issues_for(self, readers, count):
        users = get_user_model().objects
        reader_group = Group.objects.get(name=roles.READER)
        signer = users.create(username="bench_signer", email="signer@bench.gov.cn")
        signer.groups.add(Group.objects.get(name=roles.SIGNER))
        people = users.bulk_create(
            get_user_model()(
                username=f"bench_reader{n}",
                email=f"reader{n}@bench.gov.cn",
                password="!",
            )
            for n in range(readers)
        )
        reader_group.user_set.add(*people)
        distribution = DistributionList.objects.create(
            name="测试分发", lines="本期发：县委常委，副县长。"
        )
        online = DistributionRecipients.objects.create(distribution_list=distribution)
        online.users.add(*people)
        department = Department.objects.create(
            name="测试县民政局", short_name="民政局", kind=Department.Kind.COUNTY
        )
        clerk = users.create(username="bench_clerk", password="!")
        Membership.objects.create(
            user=clerk, department=department, role=Membership.Role.CLERK
        )
        publication = Publication.objects.create(
            name="工作简报", office_name="测试县人民政府办公室"
        )
        section = Section.objects.create(name="工作动态")
        issues = []
        for n in range(count):
            issue = Issue.objects.create(
                publication=publication,
                issue_date=timezone.localdate(),
                created_by=signer,
                distribution_list=distribution,
                status=Issue.Status.PENDING_SIGNOFF,
            )
            IssueSection.objects.create(issue=issue, section=section, position=1)
            Item.objects.create(
                department=department,
                author=clerk,
                title=f"民政局开展冬季救助之{n + 1}",
                body="<p>正文。</p>",
                status=Item.Status.ADOPTED,
                issue=issue,
                section=section,
                position=1,
            )
            issues.append(issue)
        return issues, signer

    def _reminder_run(self, units, requests, smtp):
        users = get_user_model().objects
        departments = Department.objects.bulk_create(
            Department(
                name=f"测试县单位{n}",
                short_name=f"单位{n}",
                kind=Department.Kind.COUNTY,
            )
            for n in range(units)
        )
        clerks = users.bulk_create(
            get_user_model()(
                username=f"bench_unit{n}", email=f"unit{n}@bench.gov.cn", password="!"
            )
            for n in range(units)
        )
        Membership.objects.bulk_create(
            Membership(user=u, department=d, role=Membership.Role.CLERK)
            for u, d in zip(clerks, departments, strict=True)
        )
        editor = users.create(username="bench_editor", password="!")
        editor.groups.add(Group.objects.get(name=roles.EDITOR))
        # 约稿 written two days ago, due in 23 hours: the 24-hour reminder is due.
        now = timezone.now()
        for n in range(requests):
            commission = Commission.objects.create(
                topic=f"约稿{n + 1}：冬季安全生产",
                deadline=now + datetime.timedelta(hours=23),
                created_by=editor,
            )
            commission.departments.set(departments)
        Commission.objects.update(created_at=now - datetime.timedelta(days=2))
        before_mail = _sent()
        before_bell = Notification.objects.count()
        total = units * requests

        started = time.perf_counter()
        reminded = send_due_reminders()
        run = time.perf_counter() - started
        again = send_due_reminders()  # beat doubled
        self._wait(lambda: _sent() - before_mail >= total, "催报邮件")
        done = time.perf_counter() - started
        time.sleep(2)  # anything the doubled run would add shows by now
        bell = Notification.objects.count() - before_bell
        mailed = _sent() - before_mail
        self.stdout.write(
            f"催报（send_due_reminders）{units} 个单位 × {requests} 个约稿："
            f"催报 {reminded} 个单位次，用时 {run:.2f} 秒（含审计事件）；"
            f"再跑一遍催报 {again} 个；站内通知与邮件全部完成 {done:.1f} 秒；"
            f"站内通知 {bell} 条、邮件 {mailed} 封"
        )


def _sent() -> int:
    return Delivery.objects.filter(emailed_at__isnull=False).count()
