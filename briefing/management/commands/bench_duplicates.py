"""Measure the near-duplicate check (briefing.duplicates) on a generated corpus.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/duplicates_bench \\
        python manage.py bench_duplicates --items 100000

Loads ``--items`` generated items (six topics, sentences built from shared
phrases, so unrelated items on one topic share wording but not sentences) with
their band keys, then checks ``--copies`` edited copies of stored items
(sentences cut, added and reordered, figures changed, a new title) and
``--unrelated`` new items on the same topics. Prints recall and precision at
several thresholds (the shipped one marked) and the time of one check.
Refuses a database whose name does not contain "bench".
"""

import random
import statistics
import time

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from briefing import duplicates
from briefing.models import Item, ItemBandKey, ItemFingerprint
from briefing.selectors.items import duplicates_of_text
from departments.models import Department

UNITS = [
    "民政局", "教体局", "卫健委", "住建局", "交通局", "农业农村局", "水利局", "财政局",
    "人社局", "市场监管局", "应急局", "自然资源局", "生态环境局", "商务局", "文广旅局",
    "开发区", "城关镇", "东屯镇", "丰庄镇", "小潭乡", "石婆固镇", "王楼镇", "位邱乡",
    "司寨乡", "马庄乡", "胙城乡", "榆林乡", "魏邱乡",
]  # fmt: skip
OPENERS = [
    "今年以来，", "近日，", "近年来，", "截至目前，", "为进一步做好相关工作，",
    "下一步，", "自专项行动开展以来，", "本月，", "上半年，", "入冬以来，",
]  # fmt: skip
TOPICS = {
    "项目建设": (
        [
            "谋划",
            "推进",
            "签约",
            "开工",
            "建成",
            "盯紧",
            "服务",
            "调度",
            "督导",
            "储备",
        ],
        [
            "重点项目",
            "产业集群",
            "招商引资项目",
            "标准化厂房",
            "基础设施项目",
            "食品加工项目",
            "节能环保项目",
            "现代化工项目",
            "专项债项目",
            "技改项目",
        ],
        [
            "总投资{n}亿元",
            "完成投资{n}亿元",
            "新开工项目{n}个",
            "签约项目{n}个",
            "新增规上企业{n}家",
            "解决用地{n}亩",
            "协调问题{n}个",
            "到位资金{n}万元",
        ],
    ),
    "民生保障": (
        [
            "提升",
            "完善",
            "落实",
            "排查",
            "走访",
            "救助",
            "保障",
            "覆盖",
            "发放",
            "核查",
        ],
        [
            "养老服务",
            "低保对象",
            "特困人员",
            "临时救助",
            "残疾人补贴",
            "社区食堂",
            "居家上门服务",
            "困难群众",
            "留守儿童",
            "兜底保障",
        ],
        [
            "惠及群众{n}人次",
            "发放资金{n}万元",
            "新建服务站点{n}个",
            "走访家庭{n}户",
            "核查对象{n}人",
            "覆盖乡镇{n}个",
            "培训人员{n}人次",
            "解决诉求{n}件",
        ],
    ),
    "基层治理": (
        [
            "化解",
            "调解",
            "排查",
            "走访",
            "建立",
            "健全",
            "推行",
            "规范",
            "跟进",
            "防范",
        ],
        [
            "矛盾纠纷",
            "信访事项",
            "网格管理",
            "村规民约",
            "平安建设",
            "法律服务",
            "治安隐患",
            "多元调解机制",
            "乡村振兴",
            "人居环境",
        ],
        [
            "化解纠纷{n}起",
            "排查隐患{n}处",
            "配备网格员{n}名",
            "开展宣传{n}场次",
            "走访群众{n}户",
            "办结事项{n}件",
            "调解成功率{n}%",
            "整改问题{n}个",
        ],
    ),
    "教育卫生": (
        [
            "开展",
            "整治",
            "提升",
            "改善",
            "推进",
            "组织",
            "培训",
            "建设",
            "优化",
            "保障",
        ],
        [
            "校园周边交通",
            "医共体",
            "家庭医生签约",
            "义务教育",
            "健康体检",
            "护学岗",
            "课后服务",
            "疫苗接种",
            "村卫生室",
            "教师队伍",
        ],
        [
            "覆盖学校{n}所",
            "签约居民{n}人",
            "体检群众{n}人次",
            "培训教师{n}人",
            "设置接送点{n}个",
            "新增学位{n}个",
            "接诊患者{n}人次",
            "投入资金{n}万元",
        ],
    ),
    "营商环境": (
        [
            "优化",
            "压缩",
            "推行",
            "服务",
            "帮扶",
            "减免",
            "办理",
            "走访",
            "解决",
            "落实",
        ],
        [
            "政务服务",
            "一网通办",
            "企业开办",
            "惠企政策",
            "助企纾困",
            "周六不休",
            "审批流程",
            "融资对接",
            "用工保障",
            "诉求办理",
        ],
        [
            "办理事项{n}件",
            "走访企业{n}家",
            "减免税费{n}万元",
            "帮助融资{n}亿元",
            "压缩时限{n}%",
            "解决难题{n}个",
            "发放贷款{n}万元",
            "新增市场主体{n}户",
        ],
    ),
    "生态环保": (
        [
            "治理",
            "整治",
            "推进",
            "开展",
            "巡查",
            "修复",
            "管控",
            "监测",
            "植树",
            "清理",
        ],
        [
            "大气污染",
            "秸秆禁烧",
            "河道",
            "黑臭水体",
            "扬尘",
            "土壤",
            "农村厕所",
            "垃圾分类",
            "绿化",
            "河长制",
        ],
        [
            "清理河道{n}公里",
            "巡查点位{n}个",
            "整改问题{n}个",
            "植树{n}万株",
            "改厕{n}户",
            "优良天数{n}天",
            "下降{n}个百分点",
            "出动人员{n}人次",
        ],
    ),
}


def sentence(rng, topic) -> str:
    verbs, objects, measures = TOPICS[topic]
    parts = [
        rng.choice(OPENERS),
        rng.choice(UNITS),
        rng.choice(verbs) + rng.choice(objects),
        "，" + rng.choice(verbs) + rng.choice(objects),
    ]
    for measure in rng.sample(measures, rng.randint(1, 3)):
        parts.append("，" + measure.format(n=rng.randint(2, 3000)))
    return "".join(parts) + "。"


def article(rng, topic) -> list[str]:
    return [sentence(rng, topic) for _ in range(rng.randint(6, 12))]


def edited(rng, sentences, topic) -> list[str]:
    """A near copy: 2–4 of cut, added, reordered, figures changed."""
    text = list(sentences)
    for edit in rng.sample(["cut", "add", "reorder", "figures"], rng.randint(2, 4)):
        if edit == "cut":
            for _ in range(rng.randint(1, max(1, len(text) // 5))):
                text.pop(rng.randrange(len(text)))
        elif edit == "add":
            for _ in range(rng.randint(1, max(1, len(text) // 4))):
                text.insert(rng.randrange(len(text) + 1), sentence(rng, topic))
        elif edit == "reorder":
            rng.shuffle(text)
        else:
            text = [
                "".join(
                    str(rng.randint(2, 3000)) if char.isdigit() else char
                    for char in line
                )
                for line in text
            ]
    return text


class Command(BaseCommand):
    help = "测量疑似重复检查：召回率、精确率（多个阈值）与单次检查耗时。"

    def add_arguments(self, parser):
        parser.add_argument("--items", type=int, default=100_000)
        parser.add_argument("--copies", type=int, default=2000)
        parser.add_argument("--unrelated", type=int, default=2000)
        parser.add_argument("--seed", type=int, default=7)

    def handle(self, *args, items, copies, unrelated, seed, **options):
        name = str(connection.settings_dict["NAME"])
        if "bench" not in name:
            raise CommandError(f"只在名字含 bench 的数据库上运行（当前：{name}）。")
        if copies > items:
            raise CommandError("--copies 不能大于 --items。")
        call_command("migrate", verbosity=0)
        rng = random.Random(seed)
        corpus = self.load(items, rng)
        queries = []  # (text, the id it copies or None)
        for item_id, topic, sentences in rng.sample(corpus, copies):
            queries.append(("".join(edited(rng, sentences, topic)), item_id))
        for _ in range(unrelated):
            queries.append(("".join(article(rng, rng.choice(list(TOPICS)))), None))

        thresholds = sorted({0.3, 0.4, 0.5, 0.6, duplicates.THRESHOLD, 0.8, 0.9})
        hits = {t: [0, 0] for t in thresholds}  # threshold → [true, false]
        # Unrelated items that would show a warning at all (a lower "same
        # event" threshold must not flag most of them).
        flagged = dict.fromkeys(thresholds, 0)
        times = []
        everything = Item.objects.all()
        for text, original in queries:
            start = time.perf_counter()
            found = duplicates_of_text(everything, text, limit=None, threshold=0.0)
            times.append((time.perf_counter() - start) * 1000)
            for t in thresholds:
                for suspect in found:
                    if suspect.similarity >= t:
                        hits[t][0 if suspect.item.pk == original else 1] += 1
                if original is None and any(s.similarity >= t for s in found):
                    flagged[t] += 1

        self.stdout.write(
            f"{connection.vendor}, {Item.objects.count()} items, "
            f"{copies} edited copies, {unrelated} unrelated items on the same topics"
        )
        for t in thresholds:
            true, false = hits[t]
            precision = true / (true + false) if true + false else 1.0
            mark = "  ← shipped" if t == duplicates.THRESHOLD else ""
            self.stdout.write(
                f"threshold {t:.2f}: recall {true / copies:.3f}, "
                f"precision {precision:.3f}, unrelated items flagged "
                f"{flagged[t]}/{unrelated}{mark}"
            )
        times.sort()
        self.stdout.write(
            f"check: p50 {statistics.median(times):.1f} ms, "
            f"p95 {times[int(len(times) * 0.95) - 1]:.1f} ms, max {times[-1]:.1f} ms"
        )

    def load(self, count: int, rng) -> list[tuple[int, str, list[str]]]:
        """The generated items, stored once per database (same seed, same text)."""
        units = [
            Department.objects.get_or_create(
                name=f"延津县{unit}",
                defaults={"short_name": unit, "kind": Department.Kind.COUNTY},
            )[0]
            for unit in UNITS
        ]
        author, _ = get_user_model().objects.get_or_create(username="bench_clerk")
        topics = list(TOPICS)
        corpus = []
        for index in range(count):
            topic = topics[index % len(topics)]
            corpus.append((topic, article(rng, topic)))
        stored = list(Item.objects.order_by("pk").values_list("pk", flat=True)[:count])
        if len(stored) < count:
            self.stdout.write(f"loading {count - len(stored)} items …")
            for start in range(len(stored), count, 2000):
                with transaction.atomic():
                    batch = [
                        Item(
                            department=units[n % len(units)],
                            author=author,
                            title=f"{units[n % len(units)].short_name}{topic}工作信息",
                            body="".join(f"<p>{s}</p>" for s in sentences),
                            search_text=f"标题\n{''.join(sentences)}",
                            status=Item.Status.PUBLISHED,
                        )
                        for n, (topic, sentences) in enumerate(
                            corpus[start : start + 2000], start
                        )
                    ]
                    Item.objects.bulk_create(batch)  # ids come back (RETURNING)
                    hashes = {
                        item: duplicates.shingles(
                            duplicates.body_text(item.search_text)
                        )
                        for item in batch
                    }
                    ItemBandKey.objects.bulk_create(
                        ItemBandKey(item=item, key=key, item_created_at=item.created_at)
                        for item, shingles in hashes.items()
                        for key in set(duplicates.band_keys(shingles))
                    )
                    ItemFingerprint.objects.bulk_create(
                        ItemFingerprint(item=item, shingles=duplicates.pack(shingles))
                        for item, shingles in hashes.items()
                    )
            stored = list(
                Item.objects.order_by("pk").values_list("pk", flat=True)[:count]
            )
            if connection.vendor == "postgresql":
                # As autovacuum soon would: statistics, and the visibility map
                # that lets the band-key lookup read the index alone.
                with connection.cursor() as cursor:
                    for model in (Item, ItemBandKey, ItemFingerprint):
                        cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
        return [
            (pk, topic, sentences)
            for pk, (topic, sentences) in zip(stored, corpus, strict=False)
        ]
