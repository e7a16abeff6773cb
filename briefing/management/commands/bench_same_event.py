"""Measure “疑似同一事件” (briefing.same_event) on a generated set.

    python manage.py bench_same_event --events 600 --single 2000 --plain 2000

Generates events over ``--days`` days: each of ``--events`` is reported by two
different units, each in its own words (its own sentence templates and
stock sentences; the second report leaves out some facts, says 近日 for the
day or “1200余名” for 1200名); ``--single`` events are reported by one unit
only, and ``--plain`` items are the stock same-topic articles of
bench_duplicates. The facts are drawn from small pools (32 villages, 30
campaign names, 20 firms, round figures half the time, every day of the
period), so unrelated items of one week share some of them, as they do.

Every pair of items of different units submitted within the window
(briefing.same_event.WINDOW) is a candidate; a pair is right when both report
the same event. Prints recall and precision for rules on the shared facts
(count and rarity), with and without a floor on the text similarity of
briefing.duplicates, and how many single-unit items would carry a false hint.
No database is used.
"""

import datetime
import math
import random
import statistics
import time
from collections import Counter, defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from briefing import duplicates, same_event
from briefing.management.commands.bench_duplicates import TOPICS, UNITS, article
from briefing.models import Item, ItemFingerprint
from briefing.selectors.items import same_event_items
from core import roles
from departments.models import Department

START = datetime.date(2026, 9, 1)
VILLAGES = [f"{a}{b}村" for a in "王李张刘陈杨赵黄" for b in "庄寨营屯"]
COMMUNITIES = ["文明路社区", "人民路社区", "东关社区", "西关社区", "北街社区"]
CAMPAIGNS = [
    f"{a}{b}"
    for a in [
        "冬季送温暖",
        "助企纾困",
        "百日攻坚",
        "清河净水",
        "平安校园",
        "金秋助学",
        "春风行动",
        "暖心助老",
        "安全生产大排查",
        "人居环境整治",
    ]
    for b in ["专项行动", "集中行动", "主题活动"]
]
FIRMS = [
    f"延津县{a}{b}有限公司"
    for a in ["金麦", "丰源", "克明", "中鹤", "华丰"]
    for b in ["食品", "纺织", "新材料", "机械"]
]
# A figure of the event and how a report may put it ({n}: the number).
FIGURES = {
    "群众": (
        "名",
        ["惠及群众{n}{u}", "服务群众{n}{u}", "{n}{u}群众受益", "覆盖{n}{u}群众"],
    ),
    "家庭": ("户", ["走访困难家庭{n}{u}", "入户走访{n}{u}", "涉及家庭{n}{u}"]),
    "站点": ("个", ["设立服务点{n}{u}", "新建站点{n}{u}", "布设点位{n}{u}"]),
    "资金": ("万元", ["投入资金{n}{u}", "发放资金{n}{u}", "落实资金{n}{u}"]),
    "投资": ("亿元", ["总投资{n}{u}", "计划投资{n}{u}", "项目投资{n}{u}"]),
    "人次": ("人次", ["服务{n}{u}", "累计服务{n}{u}", "开展服务{n}{u}"]),
    "企业": ("家", ["走访企业{n}{u}", "帮扶企业{n}{u}", "对接企业{n}{u}"]),
    "问题": ("件", ["解决问题{n}{u}", "办结诉求{n}{u}", "整改问题{n}{u}"]),
    "河道": ("公里", ["清理河道{n}{u}", "整治河段{n}{u}", "巡查河道{n}{u}"]),
    "土地": ("亩", ["流转土地{n}{u}", "盘活土地{n}{u}", "整理土地{n}{u}"]),
    "人员": ("人", ["出动人员{n}{u}", "组织干部{n}{u}", "抽调人员{n}{u}"]),
}
ROUND = [10, 20, 30, 50, 60, 80, 100, 120, 150, 200, 300, 500, 800, 1000, 2000]
LEADS = [
    "{date}，{unit}{where}组织开展{campaign}，",
    "{date}，{campaign}在{where2}启动，{unit}",
    "为做好相关工作，{unit}于{date}{where}开展{campaign}，",
    "{date}，记者从{unit}获悉，{where2}{campaign}取得实效，",
]


def figure_number(rng, kind) -> str:
    if kind == "投资":
        return f"{rng.randint(5, 99) / 10:g}"
    if rng.random() < 0.5:
        return str(rng.choice(ROUND))
    return str(rng.randint(11, 3000))


def make_event(rng, day: int) -> dict:
    topic = rng.choice(list(TOPICS))
    return {
        "topic": topic,
        "day": day,
        "date": START + datetime.timedelta(days=day),
        "place": rng.choice(VILLAGES + COMMUNITIES) if rng.random() < 0.7 else "",
        "campaign": rng.choice(CAMPAIGNS) if rng.random() < 0.6 else "",
        "firm": rng.choice(FIRMS) if rng.random() < 0.25 else "",
        "figures": {
            kind: figure_number(rng, kind)
            for kind in rng.sample(list(FIGURES), rng.randint(3, 5))
        },
    }


def report(rng, event: dict, unit: str, *, second: bool) -> str:
    """One unit's report of ``event``; the second leaves facts out and says
    them differently."""
    keep = 0.65 if second else 1.0
    date = event["date"]
    date_text = f"{date.month}月{date.day}日" if rng.random() < 0.8 * keep else "近日"
    place = event["place"] if rng.random() < keep else ""
    campaign = event["campaign"] if rng.random() < keep + 0.1 else ""
    firm = event["firm"] if rng.random() < keep + 0.1 else ""
    kinds = list(event["figures"])
    if second:
        kinds = rng.sample(kinds, rng.randint(2, len(kinds)))
    rng.shuffle(kinds)
    phrases = []
    for kind in kinds:
        unit_word, templates = FIGURES[kind]
        number = event["figures"][kind]
        if rng.random() < 0.3 and "." not in number:
            unit_word = "余" + unit_word
        phrases.append(rng.choice(templates).format(n=number, u=unit_word))
    lead = rng.choice(LEADS).format(
        date=date_text,
        unit=unit,
        where=f"在{place}" if place else "",
        where2=place or "全县",
        campaign=f"“{campaign}”" if campaign else "专项工作",
    )
    text = [lead + "，".join(phrases[:2]) + "。"]
    if firm:
        text.append(f"其中，{firm}积极参与，" + "，".join(phrases[2:3]) + "。")
    elif phrases[2:]:
        text.append("活动中，" + "，".join(phrases[2:]) + "。")
    stock = article(rng, event["topic"])[: rng.randint(3, 6)]
    text += stock
    if rng.random() < 0.5:
        text.insert(rng.randrange(1, len(text) + 1), text.pop(0))
    return "".join(text)


class Command(BaseCommand):
    help = (
        "测量“疑似同一事件”：不同单位改写的同一事件与同主题无关稿件的召回率、精确率。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--events", type=int, default=600)
        parser.add_argument("--single", type=int, default=2000)
        parser.add_argument("--plain", type=int, default=2000)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument(
            "--check",
            type=int,
            default=0,
            help="把生成的稿件存入数据库（名字须含 bench），再计时这么多次编辑页的检查",
        )

    def handle(self, *args, events, single, plain, days, seed, check, **options):
        rng = random.Random(seed)
        items = []  # (day, unit, event id or None, text)
        for number in range(events):
            event = make_event(rng, rng.randrange(days))
            first, second = rng.sample(UNITS, 2)
            # The second unit writes up to 3 days later.
            items.append(
                (event["day"], first, number, report(rng, event, first, second=False))
            )
            later = min(days - 1, event["day"] + rng.randint(0, 3))
            items.append(
                (later, second, number, report(rng, event, second, second=True))
            )
        for number in range(events, events + single):
            event = make_event(rng, rng.randrange(days))
            unit = rng.choice(UNITS)
            items.append(
                (event["day"], unit, number, report(rng, event, unit, second=False))
            )
        for _ in range(plain):
            text = "".join(article(rng, rng.choice(list(TOPICS))))
            items.append((rng.randrange(days), rng.choice(UNITS), None, text))

        started = time.perf_counter()
        found = [same_event.facts(text) for *_, text in items]
        per_item_ms = (time.perf_counter() - started) * 1000 / len(items)
        shingles = [duplicates.shingles(text) for *_, text in items]
        per_day = defaultdict(list)
        for index, (day, *_rest) in enumerate(items):
            per_day[day].append(index)
        window = same_event.WINDOW.days
        # Rarity (tried, see the figures): idf of a fact among the items
        # within the window of a day.
        day_counts = {
            day: Counter(fact for i in per_day[day] for fact in found[i])
            for day in range(days)
        }
        rarity = {}
        for day in range(days):
            counts, n = Counter(), 0
            for other in range(day - window, day + window + 1):
                counts.update(day_counts.get(other, {}))
                n += len(per_day.get(other, []))
            rarity[day] = {
                fact: math.log((n + 1) / (df + 1)) + 1 for fact, df in counts.items()
            }

        pairs = []  # (i, j, shared facts, their rarity, text similarity, right)
        candidates = 0
        for i, (day, unit, event, _text) in enumerate(items):
            for other_day in range(day, day + window + 1):
                for j in per_day.get(other_day, []):
                    if (other_day == day and j <= i) or items[j][1] == unit:
                        continue
                    candidates += 1
                    shared = found[i] & found[j]
                    if len(shared) < 2:
                        continue
                    pairs.append(
                        (
                            i,
                            j,
                            len(shared),
                            sum(rarity[day][fact] for fact in shared),
                            duplicates.similarity(shingles[i], shingles[j]),
                            event is not None and items[j][2] == event,
                        )
                    )
        self.stdout.write(
            f"{len(items)} items over {days} days ({len(items) * 7 // days} a week): "
            f"{events} events told by two units, {single} told by one, {plain} "
            f"stock same-topic items; {candidates} candidate pairs (other unit, "
            f"within {window} days); facts of one item {per_item_ms:.2f} ms"
        )
        shipped = (same_event.MIN_SHARED, 0, same_event.MIN_SIMILARITY)
        rules = [
            (count, weight, similarity)
            for count in (2, 3, 4)
            for weight in ((0, 12, 14, 16) if count == 2 else (0,))
            for similarity in (0.0, 0.1, 0.2, 0.3)
        ]
        alone = sum(1 for *_, event, _text in items if event is None or event >= events)
        for rule in rules:
            count, weight, similarity = rule
            hits = [
                pair
                for pair in pairs
                if pair[2] >= count and pair[3] >= weight and pair[4] >= similarity
            ]
            right = sum(1 for pair in hits if pair[5])
            wrong = len(hits) - right
            # Items told by one unit that would still carry a (wrong) hint.
            hinted = {
                index
                for i, j, *_rest, truth in hits
                if not truth
                for index in (i, j)
                if items[index][2] is None or items[index][2] >= events
            }
            precision = right / len(hits) if hits else 1.0
            self.stdout.write(
                f"shared facts ≥ {count}"
                + (f", rarity ≥ {weight}" if weight else "")
                + f", text similarity ≥ {similarity:.1f}: recall "
                f"{right / events:.3f}, precision {precision:.3f} ({right} right, "
                f"{wrong} wrong; single-unit items hinted {len(hinted)}/{alone})"
                + ("  ← shipped" if rule == shipped else "")
            )
        if check:
            self.time_check(items, check, rng)

    def time_check(self, items, runs, rng):
        """Store the items (submitted on their day, with their fingerprints) and
        time ``same_event_items`` as the editor's item page calls it."""
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(f"只在名字含 bench 的数据库上运行（当前：{name}）。")
        call_command("migrate", verbosity=0)
        units = {
            unit: Department.objects.get_or_create(
                name=f"延津县{unit}",
                defaults={"short_name": unit, "kind": Department.Kind.COUNTY},
            )[0]
            for unit in UNITS
        }
        author, _ = get_user_model().objects.get_or_create(username="bench_clerk")
        editor, _ = get_user_model().objects.get_or_create(username="bench_editor")
        editor.groups.add(Group.objects.get(name=roles.EDITOR))
        start = timezone.make_aware(datetime.datetime.combine(START, datetime.time(9)))
        with transaction.atomic():
            ItemFingerprint.objects.all().delete()
            Item.objects.all().delete()
            stored = Item.objects.bulk_create(
                Item(
                    department=units[unit],
                    author=author,
                    title=f"{unit}工作信息",
                    body=text,
                    search_text=f"标题\n{text}",
                    status=Item.Status.SUBMITTED,
                    submitted_at=start + datetime.timedelta(days=day),
                )
                for day, unit, _event, text in items
            )
            ItemFingerprint.objects.bulk_create(
                ItemFingerprint(
                    item=item,
                    shingles=duplicates.pack(duplicates.shingles(text)),
                    facts="\n".join(sorted(same_event.facts(text))),
                )
                for item, (*_rest, text) in zip(stored, items, strict=True)
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (Item, ItemFingerprint):
                    cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        times = []
        for item in rng.sample(stored, min(runs, len(stored))):
            begun = time.perf_counter()
            same_event_items(editor, item)
            times.append((time.perf_counter() - begun) * 1000)
        times.sort()
        self.stdout.write(
            f"check on {connection.vendor} ({len(stored)} items): "
            f"p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms"
        )
