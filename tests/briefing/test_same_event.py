"""疑似同一事件: two units tell one event in their own words; the editors get a
soft hint (the clerks none), on the item page, after 采用 and before 提交签发."""

import datetime
import re

import pytest
from django.urls import reverse

from briefing import same_event
from briefing.services import items as services
from tests import factories

from .issue_factories import composed_issue

pytestmark = pytest.mark.django_db

# 民政局's report, and 榆林乡's of the same event in other words.
MZJ = (
    "<p>11月18日，县民政局在榆林乡王庄村启动“冬季送温暖”专项行动，为全乡困难群众"
    "发放棉被、米面油等物资，共走访困难家庭326户，发放慰问资金48.6万元，惠及群众"
    "1200余名。</p><p>下一步，县民政局将持续做好困难群众冬季救助工作，确保困难群众"
    "温暖过冬。</p>"
)
YLX = (
    "<p>近日，榆林乡联合县民政局在王庄村开展“冬季送温暖”专项行动，乡村干部逐户走访"
    "困难家庭326户，送去慰问资金48.6万元和过冬物资，1200名群众受益。</p>"
    "<p>榆林乡将建立困难群众冬季帮扶台账，确保困难群众安全温暖过冬。</p>"
)
# Another town's campaign the same week: same topic, same campaign name.
DTZ = (
    "<p>11月19日，东屯镇开展“冬季送温暖”专项行动，走访困难家庭85户，发放慰问资金"
    "12万元，为困难群众送去米面油等物资，确保困难群众温暖过冬。</p>"
)


def plain(response) -> str:
    return re.sub(r"\s+", "", re.sub(r"<[^>]*>", "", response.content.decode()))


def submitted(short_name, body, title):
    unit = factories.make_department(short_name, name=f"延津县{short_name}")
    clerk = factories.make_clerk(unit)
    item = services.create_item(clerk, title=title, body=body)
    return services.submit_item(item, clerk)


def test_the_facts_of_an_event_are_read_as_written():
    assert same_event.facts(
        "10月12日，榆林乡在王屯村组织开展“金秋助学”主题活动，清理河道100余公里，"
        "投资5.60亿元，延津县华丰新材料有限公司参与。农业农村局完善社区食堂，"
        "司寨乡建立村规民约，新建3个点。"
    ) == {
        "日:10月12日",
        "地:王屯村",
        "名:金秋助学",
        "数:100公里",
        "数:5.6亿元",
        "企:延津县华丰新材料有限公司",
    }


@pytest.fixture
def week(time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 18, 9, tzinfo=datetime.UTC))
    mzj = submitted("民政局", MZJ, "我县启动冬季送温暖专项行动")
    time_machine.move_to(datetime.datetime(2026, 11, 20, 9, tzinfo=datetime.UTC))
    dtz = submitted("东屯镇", DTZ, "东屯镇冬季送温暖")
    ylx = submitted("榆林乡", YLX, "榆林乡温暖困难群众过冬")
    return mzj, ylx, dtz


def test_the_editor_sees_the_other_units_report_of_the_same_event(client, week):
    mzj, ylx, dtz = week
    editor = factories.make_editor()
    client.force_login(editor)
    page = plain(client.get(reverse("briefing:item_detail", args=[ylx.pk])))
    assert "疑似同一事件" in page
    assert (
        f"{mzj.title}（民政局，已报送）：都写到王庄村、“冬季送温暖”、1200名、326户、"
        "48.6万元比较"
    ) in page
    assert dtz.title not in page  # one campaign name in common is not an event
    page = plain(client.get(reverse("briefing:item_detail", args=[dtz.pk])))
    assert "疑似同一事件" not in page

    # The clerk is not told: the other unit's item is not theirs to see.
    client.force_login(ylx.author)
    page = plain(client.get(reverse("briefing:item_detail", args=[ylx.pk])))
    assert "疑似同一事件" not in page


def test_a_week_apart_or_the_same_unit_is_no_hint(client, time_machine):
    time_machine.move_to(datetime.datetime(2026, 11, 10, 9, tzinfo=datetime.UTC))
    submitted("民政局", MZJ, "我县启动冬季送温暖专项行动")  # 8 days before
    time_machine.move_to(datetime.datetime(2026, 11, 18, 10, tzinfo=datetime.UTC))
    later = submitted("榆林乡", YLX, "榆林乡温暖困难群众过冬")
    clerk = factories.make_clerk(later.department)
    same_unit = services.submit_item(
        services.create_item(clerk, title="榆林乡送温暖", body=MZJ), clerk
    )
    editor = factories.make_editor()
    client.force_login(editor)
    for item in (later, same_unit):
        page = plain(client.get(reverse("briefing:item_detail", args=[item.pk])))
        assert "疑似同一事件" not in page, item.title


def test_adopt_and_submit_for_signoff_name_the_other_report(client, week):
    mzj, ylx, _dtz = week
    editor = factories.make_editor()
    client.force_login(editor)
    issue = composed_issue(items=1, created_by=editor)
    section = issue.issue_sections.get().section
    response = client.post(
        reverse("briefing:item_move", args=[ylx.pk, "adopt"]),
        {"issue": issue.pk, "section": section.pk, "version": ylx.version},
        follow=True,
    )
    notes = [str(m) for m in response.context["messages"]]
    assert any(
        note.startswith(f"《{ylx.title}》疑似同一事件：民政局《{mzj.title}》")
        for note in notes
    ), notes
    page = plain(client.get(reverse("briefing:issue_detail", args=[issue.pk])))
    assert (
        f"《{ylx.title}》（榆林乡）：民政局《{mzj.title}》，已报送，都写到王庄村"
    ) in page

    # Decided “not a duplicate” on the comparison page: the hint goes.
    client.post(
        reverse("briefing:item_duplicate_proceed", args=[ylx.pk, mzj.pk]),
        {"reason": "两篇各写本单位的工作，分别采用"},
    )
    page = plain(client.get(reverse("briefing:item_detail", args=[ylx.pk])))
    assert "疑似同一事件" not in page
