"""我的批示: a leader's own 批示 with the unit, 待签收/已签收/已反馈 and the days
open, overdue ones first."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from reading import services
from tests import factories

from .factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(time_machine, day, hour=9):
    time_machine.move_to(datetime.datetime(2026, 11, day, hour, tzinfo=TZ), tick=False)


def rows(response):
    page = lxml_html.fromstring(response.content.decode())
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in page.xpath("//table[contains(@class,'instructions')]/tbody/tr")
    ]


def test_a_leader_sees_their_own_instructions_overdue_first(client, time_machine):
    unit = factories.make_department(short_name="民政局")
    other_unit = factories.make_department(short_name="教体局")
    clerk = factories.make_clerk(unit)
    other_clerk = factories.make_clerk(other_unit)
    leader = factories.make_reader(first_name="陈副县长")
    colleague = factories.make_reader(first_name="李副县长")
    distribution = make_distribution(groups=[make_group(leader, colleague)])
    issue = make_issue(distribution, department=unit, items=2)
    first, second = issue.items.order_by("position")
    other_issue = make_issue(distribution, department=other_unit)
    third = other_issue.items.get()

    at(time_machine, 1)
    answered = services.write_instruction(first, issue, leader, "请抓好冬季救助。")
    at(time_machine, 2)
    services.write_instruction(second, issue, leader, "请核实数据。")
    at(time_machine, 3)
    services.sign_instruction(answered, clerk)
    services.file_feedback(answered, clerk, "<p>已落实。</p>")
    at(time_machine, 15)
    signed = services.write_instruction(third, other_issue, leader, "请总结经验。")
    services.sign_instruction(signed, other_clerk)
    services.write_instruction(third, other_issue, colleague, "别人的批示。")

    at(time_machine, 20, hour=10)
    client.force_login(leader)
    response = client.get(reverse("reading:my_instructions"))
    assert response.status_code == 200
    table = rows(response)
    assert [row[0] for row in table] == [
        "请核实数据。",
        "请总结经验。",
        "请抓好冬季救助。",
    ]
    assert [row[3] for row in table] == [
        "民政局 待签收 逾期",
        "教体局 已签收",
        "民政局 已反馈",
    ]
    assert [row[4] for row in table] == ["—", "—", "—"]
    assert [row[6] for row in table] == ["待签收 逾期", "已签收", "已反馈"]
    assert [row[7] for row in table] == ["18 天", "5 天", "2 天"]
    assert "别人的批示" not in response.content.decode()
    # The editors' address sends a leader here; the menu has the page.
    assert client.get(reverse("reading:instruction_list"))["Location"] == reverse(
        "reading:my_instructions"
    )
    assert "我的批示</a>" in response.content.decode()


def test_a_leader_with_none_is_told_how_to_write_one(client):
    client.force_login(factories.make_reader())
    page = client.get(reverse("reading:my_instructions")).content.decode()
    assert "您还没有作出批示" in page


@pytest.mark.parametrize("make", [factories.make_editor, factories.make_signer])
def test_who_may_not_write_one_gets_404(client, make):
    client.force_login(make())
    assert client.get(reverse("reading:my_instructions")).status_code == 404
