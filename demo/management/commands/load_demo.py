"""Load demo units, sections, users per role and the seed issue (idempotent)."""

import datetime
import html

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.roles import AUDITOR
from briefing.hygiene import char_count
from briefing.models import (
    DistributionList,
    Issue,
    IssueSection,
    Item,
    ItemEvent,
    ItemRevision,
    Publication,
    Section,
)
from briefing.seed import load_seed
from briefing.services.items import index_for_duplicates
from commissions.demo import load_commission_demo
from core import roles
from departments.models import Department, Membership
from planning.demo import load_planning_demo
from reading.demo import load_reading_demo

DEMO_PASSWORD = "Jianbao@2026"

PUBLICATION = {"name": "工作简报", "office_name": "延津县人民政府办公室"}
SECTIONS = ["项目建设", "质量强县", "交通治理", "民生保障", "便民服务", "社会稳定"]
Kind = Department.Kind
# (full name, short name printed in （）, kind, needs unit review)
DEPARTMENTS = [
    ("延津县经济技术开发区管理委员会", "开发区", Kind.ZONE, True),
    ("延津县市场监督管理局", "市场监督管理局", Kind.COUNTY, False),
    ("延津县教育体育局", "教体局", Kind.COUNTY, False),
    ("延津县民政局", "民政局", Kind.COUNTY, False),
    ("延津县马庄乡人民政府", "马庄乡", Kind.TOWNSHIP, False),
    ("延津县司寨乡人民政府", "司寨乡", Kind.TOWNSHIP, False),
    ("延津县发展和改革委员会", "发改委", Kind.COUNTY, False),
    ("延津县财政局", "财政局", Kind.COUNTY, False),
    ("延津县住房和城乡建设局", "住建局", Kind.COUNTY, False),
    ("延津县农业农村局", "农业农村局", Kind.COUNTY, False),
    ("延津县卫生健康委员会", "卫健委", Kind.COUNTY, False),
    ("延津县东屯镇人民政府", "东屯镇", Kind.TOWNSHIP, False),
    ("延津县城关镇人民政府", "城关镇", Kind.TOWNSHIP, False),
    ("延津县文岩街道办事处", "文岩街道", Kind.SUBDISTRICT, False),
]
DISTRIBUTION_NAME = "县领导及县直各单位、各乡镇（街道）"
SEED_ISSUE = {"number": 12, "total_number": 345, "date": datetime.date(2026, 11, 24)}
SEED_COPIES = 60

# (username, full name, group or None, unit short name or None, unit role)
USERS = [
    ("kfq_clerk", "王晓丽", None, "开发区", Membership.Role.CLERK),
    ("kfq_reviewer", "李建国", None, "开发区", Membership.Role.REVIEWER),
    ("mzj_clerk", "赵敏", None, "民政局", Membership.Role.CLERK),
    ("editor", "张编辑", roles.EDITOR, None, None),
    ("signer", "刘主任", roles.SIGNER, None, None),
    ("leader", "陈副县长", roles.READER, None, None),
    ("admin", "系统管理员", roles.ADMIN, None, None),
    ("auditor", "孙审计", AUDITOR, None, None),
]


class Command(BaseCommand):
    help = "载入演示数据：单位、栏目、各角色用户和样例简报（可重复运行）。"

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError("生产环境禁止载入演示数据（演示账号使用公开的密码）。")
        with transaction.atomic():
            publication = self.load_publication()
            sections = self.load_sections()
            departments = self.load_departments()
            distribution = self.load_distribution()
            users = self.load_users(departments)
            self.load_seed_issue(
                publication, sections, departments, distribution, users
            )
            self.load_seed_document(publication, users)
            load_demo_items(sections, users)
            load_reading_demo(users)
            load_commission_demo(users)
            load_planning_demo(publication)
        self.stdout.write(
            self.style.SUCCESS("演示数据已就绪。演示账号（开发用密码）：")
        )
        for username, full_name, group, unit, role in USERS:
            label = group or f"{unit}{Membership.Role(role).label}"
            self.stdout.write(
                f"  {username:<14} {DEMO_PASSWORD}  {full_name}（{label}）"
            )

    def load_publication(self):
        publication, _ = Publication.objects.get_or_create(
            name=PUBLICATION["name"],
            defaults={"office_name": PUBLICATION["office_name"]},
        )
        return publication

    def load_sections(self):
        return {
            name: Section.objects.get_or_create(
                name=name, defaults={"order": (index + 1) * 10}
            )[0]
            for index, name in enumerate(SECTIONS)
        }

    def load_departments(self):
        departments = {}
        for index, (name, short, kind, review) in enumerate(DEPARTMENTS):
            departments[short], _ = Department.objects.get_or_create(
                name=name,
                defaults={
                    "short_name": short,
                    "kind": kind,
                    "order": (index + 1) * 10,
                    "requires_unit_review": review,
                },
            )
        return departments

    def load_distribution(self):
        seed = load_seed()
        distribution, _ = DistributionList.objects.get_or_create(
            name=DISTRIBUTION_NAME,
            defaults={"lines": seed["distribution"], "default_copies": SEED_COPIES},
        )
        return distribution

    def load_users(self, departments):
        User = get_user_model()
        users = {}
        for username, full_name, group, unit, role in USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": full_name, "is_staff": group == roles.ADMIN},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
            if group:
                user.groups.add(Group.objects.get(name=group))
            if unit:
                Membership.objects.get_or_create(
                    user=user, defaults={"department": departments[unit], "role": role}
                )
            users[username] = user
        return users

    def load_seed_issue(self, publication, sections, departments, distribution, users):
        if Issue.objects.filter(
            publication=publication, total_number=SEED_ISSUE["total_number"]
        ).exists():
            return
        seed = load_seed()
        signed_at = timezone.make_aware(
            datetime.datetime.combine(SEED_ISSUE["date"], datetime.time(9, 0))
        )
        issue = Issue.objects.create(
            publication=publication,
            issue_date=SEED_ISSUE["date"],
            status=Issue.Status.ISSUED,
            year=SEED_ISSUE["date"].year,
            number=SEED_ISSUE["number"],
            total_number=SEED_ISSUE["total_number"],
            distribution_list=distribution,
            distribution_text=distribution.lines,
            copies=SEED_COPIES,
            created_by=users["editor"],
            signed_by=users["signer"],
            signed_at=signed_at,
        )
        for position, seed_section in enumerate(seed["sections"], start=1):
            section = sections[seed_section["name"]]
            IssueSection.objects.create(issue=issue, section=section, position=position)
            for item_position, seed_item in enumerate(seed_section["items"], start=1):
                self.load_seed_item(
                    issue, section, item_position, seed_item, departments, users
                )
        publication.number_year = max(publication.number_year or 0, issue.year)
        publication.last_number = max(publication.last_number, issue.number)
        publication.last_total_number = max(
            publication.last_total_number, issue.total_number
        )
        publication.save(
            update_fields=["number_year", "last_number", "last_total_number"]
        )

    def load_seed_item(self, issue, section, position, seed_item, departments, users):
        body = "".join(
            f"<p>{html.escape(paragraph)}</p>"
            for paragraph in seed_item["body"].split("\n")
            if paragraph.strip()
        )
        item = Item.objects.create(
            department=departments[seed_item["unit"]],
            author=users["editor"],
            title=seed_item["headline"],
            body=body,
            search_text=f"{seed_item['headline']}\n{seed_item['body']}",
            char_count=char_count(seed_item["body"]),
            suggested_section=section,
            status=Item.Status.PUBLISHED,
            submitted_at=issue.signed_at,
            issue=issue,
            section=section,
            position=position,
        )
        index_for_duplicates(item)  # a resubmitted copy is 疑似重复
        ItemRevision.objects.create(
            item=item,
            number=1,
            title=item.title,
            body=body,
            author=users["editor"],
            note="样例数据",
        )
        ItemEvent.objects.create(
            item=item,
            actor=users["signer"],
            action="publish",
            to_status=Item.Status.PUBLISHED,
            comment=f"随{issue.number_label}签发",
        )

    def load_seed_document(self, publication, users):
        """The seed issue's stored PDF (原版, with its SHA-256), rendered once."""
        from briefing.services.errors import WorkflowError
        from briefing.services.issues import store_original_document

        issue = Issue.objects.get(
            publication=publication, total_number=SEED_ISSUE["total_number"]
        )
        try:
            store_original_document(issue, users["signer"])
        except WorkflowError as exc:
            # No Chinese font here: the rest of the demo is still usable.
            self.stderr.write(self.style.WARNING(f"样例简报的 PDF 未生成：{exc}"))


# Items in various states, so that the inbox and 我的稿件 are not empty.
# (title, author, paragraphs, suggested section, moves after saving)
DEMO_ITEMS = [
    (
        "开发区新签约亿元以上项目3个",
        "kfq_clerk",
        ["今年以来，县开发区坚持把招商引资作为“一号工程”。",
         "截至目前，新签约亿元以上项目3个，总投资12.6亿元。"],
        "项目建设",
        [],
    ),
    (
        "开发区开展重点项目“百日攻坚”行动",
        "kfq_clerk",
        ["县开发区围绕全年目标任务，开展重点项目“百日攻坚”行动。",
         "建立“一个项目、一名领导、一个专班”推进机制，倒排工期、挂图作战。"],
        "项目建设",
        [("submit", "kfq_clerk")],
    ),
    (
        "开发区优化营商环境推行“拿地即开工”",
        "kfq_clerk",
        ["县开发区推行“拿地即开工”审批模式，项目审批时间压缩60%以上。",
         "今年已有5个项目实现“拿地即开工”。"],
        "便民服务",
        [("submit", "kfq_clerk"), ("approve", "kfq_reviewer"), ("claim", "editor")],
    ),
    (
        "县民政局开展困难群众走访慰问",
        "mzj_clerk",
        ["县民政局组织开展困难群众走访慰问活动，共走访慰问困难群众1200余户。",
         "发放慰问金及物资折合人民币86万元。"],
        "民生保障",
        [("submit", "mzj_clerk")],
    ),
    (
        "县民政局推进养老服务体系建设",
        "mzj_clerk",
        ["县民政局加快推进县乡村三级养老服务网络建设。"],
        "民生保障",
        [("submit", "mzj_clerk"), ("return", "editor")],
    ),
]  # fmt: skip


def load_demo_items(sections, users):
    """A few items in various states, made through the workflow services."""
    from briefing.services import items as item_services

    moves = {
        "submit": item_services.submit_item,
        "approve": item_services.approve_item,
        "claim": item_services.claim_item,
        "return": lambda item, actor: item_services.return_item(
            item, actor, "请补充具体数据和典型事例。"
        ),
    }
    for title, author, paragraphs, section, steps in DEMO_ITEMS:
        if Item.objects.filter(title=title).exists():
            continue
        clerk = users[author]
        item = item_services.create_item(
            clerk,
            title=title,
            body="".join(f"<p>{html.escape(p)}</p>" for p in paragraphs),
            suggested_section=sections[section],
            contact_name=clerk.get_full_name(),
            contact_phone="0373-7000000",
        )
        for move, actor in steps:
            item = moves[move](item, users[actor])
