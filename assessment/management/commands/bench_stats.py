"""Time the statistics page for a year of 100 units and 20 000 items.

    python manage.py bench_stats            # builds the data once, then reuses it
    python manage.py bench_stats --runs 15

The data (units named “压测单位…”, items of 2025) is made with bulk inserts and
kept, so a second run only measures. Not for production databases.
"""

import datetime
import os
import random
import statistics
import time
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessment.models import (
    AdoptionLevel,
    HigherAdoption,
    InstructionRecord,
    ItemCredit,
)
from briefing.models import Item, ItemEvent
from core import roles
from departments.models import Department
from submissions.models import Submission, SubmissionItem

PREFIX = "压测单位"
YEAR = 2025
S = Item.Status


class Command(BaseCommand):
    help = "测量统计页面在 100 个单位、2 万条稿件时的响应时间和查询次数。"

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--items", type=int, default=20_000)
        parser.add_argument("--runs", type=int, default=9)

    def handle(self, *args, units, items, runs, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("生产配置下不能生成压测数据（DEMO_DATA_ALLOWED 为假）。")
        editor = self._editor()
        if Department.objects.filter(name__startswith=PREFIX).count() < units:
            started = time.perf_counter()
            self._build(units, items, editor)
            # Fresh planner statistics, as autovacuum would have them in production.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(
                f"已生成压测数据，用时 {time.perf_counter() - started:.1f} 秒"
            )
        else:
            self.stdout.write("沿用已有的压测数据")
        self.stdout.write(
            f"单位 {Department.objects.count()} 个，稿件 {Item.objects.count()} 条，"
            f"稿件记录 {ItemEvent.objects.count()} 条"
        )

        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
        client.force_login(editor)
        url = f"/stats/?period=year&year={YEAR}"
        client.get(url)  # warm up caches, template loading
        load_before = os.getloadavg()
        timings, counts = [], []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise CommandError(f"统计页面返回 {response.status_code}")
            counts.append(len(queries.captured_queries))
        self.stdout.write(
            f"统计页面 {url}（{connection.vendor}）："
            f"中位数 {statistics.median(timings):.0f} ms，"
            f"最快 {min(timings):.0f} ms，最慢 {max(timings):.0f} ms，"
            f"查询 {sorted(set(counts))} 次（{runs} 次请求）"
        )
        # Other people's test runs on the same machine slow every figure down.
        self.stdout.write(
            f"机器负载（1/5/15 分钟平均，{os.cpu_count()} 核）："
            f"测量前 {_load(load_before)}，测量后 {_load(os.getloadavg())}"
        )

    def _editor(self):
        User = get_user_model()
        user, created = User.objects.get_or_create(username="bench_editor")
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(Group.objects.get(name=roles.EDITOR))
        return user

    @transaction.atomic
    def _build(self, unit_count, item_count, editor):
        rng = random.Random(2025)
        tz = ZoneInfo(settings.TIME_ZONE)
        existing = Department.objects.filter(name__startswith=PREFIX).count()
        Department.objects.bulk_create(
            Department(
                name=f"{PREFIX}{n:03d}",
                short_name=f"压测{n:03d}",
                kind=Department.Kind.COUNTY,
                order=1000 + n,
            )
            for n in range(existing, unit_count)
        )
        units = list(Department.objects.filter(name__startswith=PREFIX))
        User = get_user_model()
        author, _ = User.objects.get_or_create(username="bench_clerk")

        start = datetime.datetime(YEAR, 1, 1, 8, tzinfo=tz)
        seconds = 365 * 24 * 3600 - 10 * 24 * 3600
        new_items = []
        for n in range(item_count):
            when = start + datetime.timedelta(seconds=rng.randrange(seconds))
            new_items.append(
                Item(
                    department=units[n % len(units)],
                    author=author,
                    title=f"压测稿件{n}",
                    body="<p>正文。</p>",
                    status=S.SUBMITTED,
                    submitted_at=when,
                )
            )
        created = Item.objects.bulk_create(new_items, batch_size=2000)

        events, statuses = [], {}
        for item in created:
            t = item.submitted_at
            events.append(_event(item, "submit", S.DRAFT, S.SUBMITTED, t))
            roll = rng.random()
            if roll < 0.1:
                events.append(
                    _event(item, "return", S.SUBMITTED, S.RETURNED, t + _h(5))
                )
                events.append(
                    _event(item, "submit", S.RETURNED, S.SUBMITTED, t + _h(30))
                )
                t += _h(30)
            if roll < 0.45:
                events.append(_event(item, "claim", S.SUBMITTED, S.EDITING, t + _h(2)))
                events.append(_event(item, "adopt", S.EDITING, S.ADOPTED, t + _h(3)))
                statuses[item.pk] = S.ADOPTED
                if roll < 0.4:
                    events.append(
                        _event(item, "publish", S.ADOPTED, S.PUBLISHED, t + _h(50))
                    )
                    statuses[item.pk] = S.PUBLISHED
            elif roll < 0.7:
                events.append(
                    _event(item, "not_use", S.SUBMITTED, S.NOT_USED, t + _h(4))
                )
                statuses[item.pk] = S.NOT_USED
        # created_at is auto_now_add; the bench needs the dates of a whole year.
        field = ItemEvent._meta.get_field("created_at")
        field.auto_now_add = False
        try:
            ItemEvent.objects.bulk_create(events, batch_size=5000)
        finally:
            field.auto_now_add = True
        for status in (S.ADOPTED, S.PUBLISHED, S.NOT_USED):
            ids = [pk for pk, value in statuses.items() if value == status]
            for chunk in range(0, len(ids), 900):
                Item.objects.filter(pk__in=ids[chunk : chunk + 900]).update(
                    status=status
                )

        adopted = [item for item in created if statuses.get(item.pk) == S.PUBLISHED]
        levels = list(AdoptionLevel.objects.filter(is_county=False))
        all_levels = list(AdoptionLevel.objects.all())
        sent = rng.sample(adopted, min(400, len(adopted)))
        briefed = rng.sample(adopted, min(300, len(adopted)))
        submission_of = _sent_up({*sent, *briefed}, editor)
        HigherAdoption.objects.bulk_create(
            HigherAdoption(
                submission=submission_of[item.pk],
                item=item,
                level=rng.choice(levels),
                adopted_on=(item.submitted_at + _h(24 * 7)).astimezone(tz).date(),
                publication=f"《上级信息》第{n}期",
                created_by=editor,
            )
            for n, item in enumerate(sent)
        )
        InstructionRecord.objects.bulk_create(
            InstructionRecord(
                submission=submission_of[item.pk],
                item=item,
                level=rng.choice(all_levels),
                instructed_on=(item.submitted_at + _h(24 * 5)).astimezone(tz).date(),
                leader="领导",
                created_by=editor,
            )
            for item in briefed
        )
        joint = rng.sample(created, len(created) // 50)
        credits = []
        for item in joint:
            partner = rng.choice(units)
            if partner.pk == item.department_id:
                continue
            credits.append(
                ItemCredit(
                    item=item, department_id=item.department_id, share=Decimal("0.5")
                )
            )
            credits.append(
                ItemCredit(item=item, department=partner, share=Decimal("0.5"))
            )
        ItemCredit.objects.bulk_create(credits, batch_size=2000)


def _load(averages) -> str:
    return " / ".join(f"{value:.2f}" for value in averages)


def _h(hours):
    return datetime.timedelta(hours=hours)


def _event(item, action, from_status, to_status, when):
    return ItemEvent(
        item=item,
        action=action,
        from_status=from_status,
        to_status=to_status,
        created_at=when,
    )


def _sent_up(items, editor) -> dict:
    """One 上报 per item, as the records answer one: {item id: submission}."""
    items = list(items)
    submissions = Submission.objects.bulk_create(
        Submission(
            recipient="市委办信息科",
            office_name="测试县委办公室",
            sent_at=item.submitted_at + _h(24 * 2),
            created_by=editor,
        )
        for item in items
    )
    SubmissionItem.objects.bulk_create(
        SubmissionItem(
            submission=submission,
            item=item,
            position=1,
            title=item.title,
            body=item.body,
            unit_name=item.department.name,
        )
        for submission, item in zip(submissions, items, strict=True)
    )
    return {item.pk: s for s, item in zip(submissions, items, strict=True)}
