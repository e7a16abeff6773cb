import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import override_settings

from briefing.models import (
    DistributionList,
    Issue,
    IssueSection,
    Item,
    ItemEvent,
    Publication,
    Section,
)
from departments.models import Department, Membership

MODELS = [
    Publication,
    Section,
    Department,
    Membership,
    DistributionList,
    Issue,
    IssueSection,
    Item,
    ItemEvent,
    get_user_model(),
]

SEED_ITEMS = [
    ("项目建设", "县开发区铆足干劲抓项目千方百计赶进度", "开发区"),
    (
        "质量强县",
        "我县成功创建“河南省质量强县示范县”再添“省”字号荣誉称号",
        "市场监督管理局",
    ),
    ("交通治理", "县教体局开展校园周边交通治理护航学生“平安路”", "教体局"),
    ("民生保障", "县民政局提升兜底保障精准性促进社会救助工作提质增效", "民政局"),
    ("便民服务", "马庄乡坚守便民“小窗口”服务群众“大民生”", "马庄乡"),
    ("社会稳定", "司寨乡深入推进矛盾纠纷化解工作", "司寨乡"),
]
DISTRIBUTION = (
    "本期发：县委常委，县人大正副主任，副县长，县政协正副主席，人武部长，法院院长，"
    "检察院检察长，县直各单位负责人，各乡（镇）政府、街道办事处主要领导。"
)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing():
    call_command("load_demo", stdout=io.StringIO())
    first = counts()
    call_command("load_demo", stdout=io.StringIO())
    assert counts() == first
    assert first["Department"] >= 12
    assert first["Section"] == 6


@pytest.mark.django_db
def test_load_demo_loads_the_seed_issue_faithfully(demo):
    issue = Issue.objects.get(total_number=345)
    assert issue.status == Issue.Status.ISSUED
    assert issue.number_label == "第12期（总第345期）"
    assert issue.copies == 60
    sections = [s.section.name for s in issue.issue_sections.all()]
    assert sections == [section for section, _, _ in SEED_ITEMS]
    placed = [
        (item.section.name, item.title, item.department.short_name)
        for item in issue.items.order_by("section__order", "position")
    ]
    assert placed == SEED_ITEMS
    assert issue.distribution_text == DISTRIBUTION


@pytest.mark.django_db
def test_seed_bodies_are_joined_paragraphs(demo):
    item = Item.objects.get(department__short_name="开发区", issue__total_number=345)
    # Hard line breaks of the printed page are undone; real spaces stay.
    assert "产业集群和产业链发展方向" in item.body
    assert "共谋划项目 77 个，总投资 369.95 亿元" in item.body
    assert item.body.startswith("<p>按照“食品加工、节能环保、现代化工”主导产业")
    assert "（开发区）" not in item.body


@pytest.mark.django_db
def test_load_demo_creates_one_user_per_role(demo):
    User = get_user_model()
    assert User.objects.get(username="kfq_clerk").membership.role == "clerk"
    assert User.objects.get(username="kfq_reviewer").membership.role == "reviewer"
    for username, group in [
        ("editor", "编辑"),
        ("signer", "签发人"),
        ("leader", "领导"),
        ("admin", "管理员"),
        ("auditor", "审计员"),
    ]:
        assert User.objects.get(username=username).groups.filter(name=group).exists()


@pytest.mark.django_db
def test_load_demo_has_one_open_commission_to_every_unit(time_machine):
    import datetime

    from commissions.models import Commission
    from commissions.selectors import open_for_unit

    time_machine.move_to(
        datetime.datetime(2026, 12, 1, 9, tzinfo=datetime.UTC), tick=False
    )
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    commission = Commission.objects.get()
    assert commission.departments.count() == Department.objects.count()
    shanghai = datetime.timezone(datetime.timedelta(hours=8))
    assert commission.deadline == datetime.datetime(2026, 12, 4, 17, tzinfo=shanghai)
    kfq = Department.objects.get(short_name="开发区")
    assert [c.commission for c in open_for_unit(kfq)] == [commission]


@pytest.mark.django_db
@override_settings(DEMO_DATA_ALLOWED=False)
def test_load_demo_refuses_in_production():
    with pytest.raises(CommandError, match="生产环境禁止"):
        call_command("load_demo", stdout=io.StringIO())
    assert get_user_model().objects.count() == 0
