"""Measure Chinese search: build (or reuse) N realistic items, run 200 queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench \
        python manage.py bench_search --items 100000

Runs the migrations on the bench database, loads the items once (bulk, with
the bigram index dropped during the load and built afterwards), then times
``reading.search.search`` for a reader (only the issues distributed to them)
and for an editor (every item), and prints p50 / p95 / max and the index size.
``--concurrency 20``: twenty searchers at once, each on its own connection;
``--best-of 3``: each term three times in a row, the fastest counted (on a busy
machine, closer to what the query itself costs). Prints the load average.
Refuses a database whose name does not contain "bench".
"""

import datetime
import html
import os
import random
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections, transaction
from django.utils import timezone

from briefing.models import (
    DistributionList,
    DistributionRecipients,
    Issue,
    IssueSection,
    Item,
    Publication,
    RecipientGroup,
    Section,
)
from briefing.seed import load_seed
from core import roles
from departments.models import Department
from reading import search

PUBLICATION = "基准测试简报"
ITEMS_PER_ISSUE = 25
BATCH = 5000
UNITS = [
    "开发区",
    "市场监督管理局",
    "教体局",
    "民政局",
    "马庄乡",
    "司寨乡",
    "发改委",
    "财政局",
    "住建局",
    "农业农村局",
    "卫健委",
    "东屯镇",
    "城关镇",
    "文岩街道",
    "公安局",
    "应急管理局",
    "生态环境分局",
    "人社局",
    "医保局",
    "自然资源局",
]
SECTIONS = ["项目建设", "质量强县", "交通治理", "民生保障", "便民服务", "社会稳定"]
# Terms from very frequent to rare; weights make a long tail like real text.
VOCABULARY = [
    "项目建设", "营商环境", "乡村振兴", "安全生产", "基层治理", "低保", "纠纷",
    "窗口", "护学岗", "疾控", "河长制", "秸秆禁烧", "防汛", "招商引资", "一网通办",
    "人居环境", "高标准农田", "冬春训练", "食品安全", "养老服务", "义务教育",
    "医共体", "网格员", "信访", "双减", "退役军人", "就业创业", "电商直播",
    "小麦良种", "质量强县", "文明城市", "平安建设", "污染防治", "集体经济",
    "残疾人", "留守儿童", "消防安全", "燃气安全", "校园周边", "延津小麦",
]  # fmt: skip
VERBS = ["扎实推进", "深入开展", "全力做好", "持续深化", "创新推行", "强化", "聚焦"]
NOUNS = ["工作", "专项行动", "攻坚行动", "长效机制", "试点工作", "百日行动"]
# Village names made of two of these characters: rare terms, a few dozen items each.
PLACE_CHARS = (
    "柳园杨庄李屯王楼张营刘寨赵堂孙桥周集吴店郑湾冯岗陈坡褚沟卫台蒋井沈河韩林秦固尤圈许"
)
NO_HIT = ["量子纠缠", "火星基地", "潜水艇", "企鹅", "冰川融化", "深海探测"]


class Command(BaseCommand):
    help = (
        "检索性能测试：造 N 篇稿件（可重用），跑 200 次检索，"
        "给出 p50/p95/最大耗时与索引大小。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--concurrency",
            type=int,
            default=1,
            help="同时检索的人数（每人一个数据库连接，各跑全部检索词）",
        )
        parser.add_argument("--repeat", type=int, default=1, help="每种身份重复跑几轮")
        parser.add_argument(
            "--best-of",
            type=int,
            default=1,
            help="每个词连跑几次、取最快一次（机器繁忙时看查询本身的耗时）",
        )

    def handle(self, *args, **options):
        name = str(connection.settings_dict.get("NAME", ""))
        if "bench" not in name:
            raise CommandError(
                f"数据库“{name}”名称中没有 bench：性能测试只在专用数据库上运行，"
                "如 DATABASE_URL=postgres://postgres@127.0.0.1:5432/search_bench。"
            )
        call_command("migrate", verbosity=0)
        self.best_of = options["best_of"]
        rng = random.Random(options["seed"])
        reader, editor = self.people()
        have = Item.objects.filter(issue__publication__name=PUBLICATION).count()
        wanted = options["items"]
        if have < wanted:
            self.stdout.write(f"已有 {have} 篇，补造 {wanted - have} 篇…")
            started = time.perf_counter()
            self.load(have, wanted, rng)
            spent = time.perf_counter() - started
            self.stdout.write(f"造数据与建索引用时 {spent:.0f} 秒。")
        else:
            self.stdout.write(f"重用已有的 {have} 篇稿件。")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # as autovacuum would after a load
        terms = self.terms(rng, options["queries"])
        total = Item.objects.count()
        self.stdout.write(
            f"数据库 {connection.vendor}，共 {total} 篇稿件，{len(terms)} 个检索词"
            f"（{min(map(len, terms))}–{max(map(len, terms))} 字）。"
        )
        with open("/proc/loadavg") as f:
            self.stdout.write(f"负载（1/5/15 分钟）：{' '.join(f.read().split()[:3])}")
        for _ in range(options["repeat"]):
            for label, user in [
                ("领导（按分发范围）", reader),
                ("编辑（全部稿件）", editor),
            ]:
                if options["concurrency"] > 1:
                    self.run_together(label, user, terms, options["concurrency"])
                else:
                    self.run(label, user, terms)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_relation_size('reading_item_bigrams'), "
                    "pg_relation_size('briefing_item')"
                )
                index, table = cursor.fetchone()
            self.stdout.write(
                f"二元组索引 reading_item_bigrams：{index / 1024 / 1024:.1f} MB"
                f"（稿件表 {table / 1024 / 1024:.1f} MB）"
            )

    # --- data ------------------------------------------------------------------

    def people(self):
        User = get_user_model()
        reader, created = User.objects.get_or_create(username="bench_reader")
        if created:
            reader.groups.add(Group.objects.get(name=roles.READER))
        editor, created = User.objects.get_or_create(username="bench_editor")
        if created:
            editor.groups.add(Group.objects.get(name=roles.EDITOR))
        return reader, editor

    def load(self, have, wanted, rng):
        User = get_user_model()
        author = User.objects.get(username="bench_editor")
        reader = User.objects.get(username="bench_reader")
        publication, _ = Publication.objects.get_or_create(
            name=PUBLICATION, defaults={"office_name": "基准县人民政府办公室"}
        )
        units = [
            Department.objects.get_or_create(
                name=f"基准县{u}", defaults={"short_name": u, "kind": "county"}
            )[0]
            for u in UNITS
        ]
        sections = [Section.objects.get_or_create(name=s)[0] for s in SECTIONS]
        # Two distributions: the reader receives every other issue.
        group, _ = RecipientGroup.objects.get_or_create(name="基准副县长")
        group.members.add(reader)
        theirs, _ = DistributionList.objects.get_or_create(
            name="基准·领导", defaults={"lines": "本期发：县领导。"}
        )
        others, _ = DistributionList.objects.get_or_create(
            name="基准·单位", defaults={"lines": "本期发：各单位。"}
        )
        recipients, _ = DistributionRecipients.objects.get_or_create(
            distribution_list=theirs
        )
        recipients.groups.add(group)
        DistributionRecipients.objects.get_or_create(distribution_list=others)

        sentences = self.sentences()
        self.drop_index()
        first_issue = have // ITEMS_PER_ISSUE
        last_issue = (wanted + ITEMS_PER_ISSUE - 1) // ITEMS_PER_ISSUE
        start = datetime.date(2016, 1, 4)
        for batch_start in range(first_issue, last_issue, BATCH // ITEMS_PER_ISSUE):
            batch_end = min(last_issue, batch_start + BATCH // ITEMS_PER_ISSUE)
            with transaction.atomic():
                self.load_issues(
                    publication, units, sections, author, (theirs, others),
                    range(batch_start, batch_end), start, have, wanted, sentences,
                    rng,
                )  # fmt: skip
            self.stdout.write(f"  已造 {min(wanted, batch_end * ITEMS_PER_ISSUE)} 篇")
        publication.number_year = start.year + last_issue // 300
        publication.last_number = last_issue
        publication.last_total_number = last_issue
        publication.save()
        self.create_index()

    def load_issues(
        self, publication, units, sections, author, lists, numbers, start, have,
        wanted, sentences, rng,
    ):  # fmt: skip
        issues = []
        for n in numbers:
            day = start + datetime.timedelta(days=n * 3650 // 4000)
            issues.append(
                Issue(
                    publication=publication,
                    issue_date=day,
                    status=Issue.Status.ISSUED,
                    year=day.year,
                    number=n + 1,
                    total_number=n + 1,
                    distribution_list=lists[n % 2],
                    created_by=author,
                    signed_by=author,
                    signed_at=timezone.make_aware(
                        datetime.datetime.combine(day, datetime.time(9))
                    ),
                )
            )
        Issue.objects.bulk_create(issues)
        issues = list(
            Issue.objects.filter(
                publication=publication, total_number__in=[n + 1 for n in numbers]
            )
        )
        IssueSection.objects.bulk_create(
            IssueSection(issue=issue, section=section, position=p)
            for issue in issues
            for p, section in enumerate(sections, start=1)
        )
        items = []
        for issue in issues:
            for k in range(ITEMS_PER_ISSUE):
                if (issue.total_number - 1) * ITEMS_PER_ISSUE + k >= wanted:
                    break
                if (issue.total_number - 1) * ITEMS_PER_ISSUE + k < have:
                    continue
                unit = rng.choice(units)
                title, paragraphs = self.text(unit.short_name, sentences, rng)
                body = "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
                items.append(
                    Item(
                        department=unit,
                        author=author,
                        title=title,
                        body=body,
                        search_text=title + "\n" + "\n".join(paragraphs),
                        status=Item.Status.PUBLISHED,
                        submitted_at=issue.signed_at,
                        issue=issue,
                        section=sections[k % len(sections)],
                        position=k // len(sections) + 1,
                    )
                )
        Item.objects.bulk_create(items, batch_size=1000)

    def sentences(self):
        seed = load_seed()
        text = "".join(
            item["body"] for section in seed["sections"] for item in section["items"]
        )
        return [s + "。" for s in re.split(r"[。；]", text.replace("\n", "")) if s]

    def text(self, unit, sentences, rng):
        term = self.term(rng)
        title = f"{unit}{rng.choice(VERBS)}{term}{rng.choice(NOUNS)}"
        length = rng.randint(200, 950)
        paragraphs, size = [], 0
        while size < length:
            parts = []
            for _ in range(rng.randint(2, 4)):
                if rng.random() < 0.35:
                    parts.append(
                        f"{unit}围绕{self.term(rng)}，{rng.choice(VERBS)}"
                        f"{self.term(rng)}{rng.choice(NOUNS)}。"
                    )
                else:
                    parts.append(rng.choice(sentences))
            if rng.random() < 0.5:
                who = rng.choice(["群众", "党支部", "网格员"])
                parts.append(f"{self.place(rng)}村{who}反映的问题已全部办结。")
            paragraph = "".join(parts)
            paragraphs.append(paragraph)
            size += len(paragraph)
        return title, paragraphs

    def place(self, rng):
        return rng.choice(PLACE_CHARS) + rng.choice(PLACE_CHARS)

    def term(self, rng):
        # Zipf-like: early terms are common, later ones rare.
        index = min(int(rng.paretovariate(1.1)) - 1, len(VOCABULARY) - 1)
        return VOCABULARY[index]

    def terms(self, rng, count):
        """2–6 characters, from very frequent to none: the vocabulary, pieces of
        the seed text, village names (rare) and words that occur nowhere."""
        text = "".join(self.sentences())
        pieces = []
        while len(pieces) < count // 4:
            size = rng.choice([2, 2, 3, 4, 5, 6])
            start = rng.randrange(0, len(text) - size)
            piece = text[start : start + size]
            if not re.search(r"[\s，。、“”（）：；0-9.%]", piece):
                pieces.append(piece)
        fixed = VOCABULARY + NO_HIT + pieces
        places = [
            self.place(rng) + rng.choice(["", "村"])
            for _ in range(max(0, count - len(fixed)))
        ]
        terms = fixed + places
        rng.shuffle(terms)
        return terms[:count]

    # --- the index ---------------------------------------------------------------

    def drop_index(self):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX IF EXISTS reading_item_bigrams")

    def create_index(self):
        if connection.vendor != "postgresql":
            return
        self.stdout.write("建二元组索引…")
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS reading_item_bigrams ON briefing_item "
                "USING gin (reading_bigrams(search_text))"
            )
            # As migration reading 0008 sets it on the index it replaces.
            cursor.execute(
                "ALTER INDEX reading_item_bigrams ALTER COLUMN 1 SET STATISTICS 200"
            )
            cursor.execute("ANALYZE")

    # --- the run -----------------------------------------------------------------

    def run(self, label, user, terms):
        search.search(user, terms[0])  # warm up
        started = self.cpu()
        times, counts = self.timed(user, terms)
        searches = len(times) * self.best_of
        spent = [(b - a) / searches for a, b in zip(started, self.cpu(), strict=True)]
        # CPU time depends little on what else the machine runs; wall time does.
        cpu = f"；每次 CPU：数据库 {spent[0]:.1f} ms，Python {spent[1]:.1f} ms"
        self.report(label, times, counts, cpu if spent[0] >= 0 else "")

    def cpu(self):
        """CPU milliseconds used so far by this connection's server process (-1
        if it is not on this machine) and by this process."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            ticks = int(fields[11]) + int(fields[12])  # utime + stime
            server = ticks * 1000 / os.sysconf("SC_CLK_TCK")
        except OSError:
            server = -1e9
        return server, time.process_time() * 1000

    def timed(self, user, terms):
        times, counts = [], []
        for term in terms:
            spent = []
            for _ in range(self.best_of):
                started = time.perf_counter()
                result = search.search(user, term)
                spent.append((time.perf_counter() - started) * 1000)
            times.append((min(spent), term))
            counts.append(result.count)
        return times, counts

    def run_together(self, label, user, terms, people):
        """``people`` searchers at once, each on its own connection, each running
        every term (in its own order): latency per search and searches a second."""
        start = threading.Barrier(people)

        def searcher(n):
            mine = terms[n % len(terms) :] + terms[: n % len(terms)]
            try:
                search.search(user, mine[0])  # warm up the connection
                start.wait()
                return self.timed(user, mine)
            finally:
                connections.close_all()

        started = time.perf_counter()
        with ThreadPoolExecutor(people) as pool:
            results = list(pool.map(searcher, range(people)))
        spent = time.perf_counter() - started
        times = [t for mine, _ in results for t in mine]
        counts = [c for _, mine in results for c in mine]
        self.report(
            f"{label}，{people} 人同时",
            times,
            counts,
            f"；每秒 {len(times) / spent:.0f} 次",
        )

    def report(self, label, times, counts, extra=""):
        if self.best_of > 1:
            label += f"，每词 {self.best_of} 次取最快"
        times.sort()
        slowest = "、".join(f"{term} {ms:.0f} ms" for ms, term in times[-3:])
        times = [ms for ms, _ in times]
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        capped = sum(1 for c in counts if c > search.COUNT_CAP)
        empty = sum(1 for c in counts if c == 0)
        self.stdout.write(
            f"{label}：p50 {statistics.median(times):.1f} ms，p95 {p95:.1f} ms，"
            f"最大 {times[-1]:.1f} ms（{capped} 个词超过 {search.COUNT_CAP} 篇，"
            f"{empty} 个词无结果）；最慢：{slowest}{extra}"
        )
