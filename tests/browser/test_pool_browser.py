"""Issue 19, item 1, in Chromium: with no issue being composed, the editor
ticks two items in the inbox and adopts them into the pool (已采用，待编入),
finds 新建一期 on a pooled item's page, and on the new issue's compose page
places one of them into a section."""

import pytest
from playwright.sync_api import expect

from briefing import workflow
from briefing.models import Issue, Item
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRST = "开发区项目集中开工"
SECOND = "民政局冬季救助到位"
LEFT = "开发区招商引资签约"


def test_batch_adopt_into_the_pool_then_place_on_the_compose_page(
    browser_context, shot
):
    factories.make_publication(name="工作简报")
    factories.make_section(name="项目建设", order=1)
    factories.make_section(name="民生保障", order=2)
    factories.make_editor(username="bianji", first_name="张编辑")
    department = factories.make_department(short_name="开发区")
    for title in (FIRST, SECOND, LEFT):
        factories.make_item(
            department=department,
            title=title,
            body=f"<p>{title}的正文。</p>",
            status=Item.Status.SUBMITTED,
        )

    page = browser_context.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    login(page, "bianji", factories.PASSWORD)  # editors land on the inbox

    # Tick two rows, adopt them into the pool.
    page.get_by_role("checkbox", name=FIRST).check()
    page.get_by_role("checkbox", name=SECOND).check()
    shot(page, "inbox-ticked")
    page.get_by_role("button", name="采用（入待编池）").click()
    done = page.get_by_text("已采用 2 篇，进入待编池（组版时在组版页编入）：")
    expect(done).to_contain_text(f"《{FIRST}》")
    expect(done).to_contain_text(f"《{SECOND}》")
    shot(page, "inbox-adopted")
    page.set_viewport_size({"width": 375, "height": 800})
    shot(page, "inbox-adopted-375")
    page.set_viewport_size({"width": 1280, "height": 900})
    pooled = Item.objects.filter(title__in=[FIRST, SECOND])
    assert {workflow.state_of(item) for item in pooled} == {workflow.POOLED}
    assert Item.objects.get(title=LEFT).status == Item.Status.SUBMITTED

    # A pooled item's page says where it is and where an issue is made.
    page.get_by_role("navigation", name="按状态").get_by_role(
        "link", name="已采用"
    ).click()
    page.get_by_role("link", name=FIRST).click()
    expect(page.get_by_text("已采用，在待编池中（待编入）")).to_be_visible()
    expect(page.get_by_text("暂无组稿中的期，稿件在待编池中等候。")).to_be_visible()
    shot(page, "pooled-item")
    page.get_by_role("link", name="新建一期").click()
    page.get_by_label("印发日期").fill("2026-11-24")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_text("已新建一期")).to_be_visible()

    # The compose page lists the pool; place one item into 民生保障.
    pool = page.get_by_role("region", name="待编池（已采用，待编入 2 篇）")
    expect(pool.get_by_role("link", name=FIRST)).to_be_visible()
    expect(pool.get_by_role("link", name=SECOND)).to_be_visible()
    page.get_by_label(f"编入栏目《{SECOND}》").select_option(label="民生保障")
    shot(page, "compose-pool")
    page.get_by_role("button", name=f"编入本期《{SECOND}》").click()
    expect(page.get_by_text(f"《{SECOND}》已编入本期【民生保障】。")).to_be_visible()
    expect(page.get_by_role("heading", name="【民生保障】")).to_be_visible()
    expect(page.locator(".issue-item .item-title")).to_have_text([SECOND])
    expect(
        page.get_by_role("region", name="待编池（已采用，待编入 1 篇）")
    ).to_be_visible()
    shot(page, "compose-placed")

    issue = Issue.objects.get()
    placed = Item.objects.get(title=SECOND)
    assert (placed.issue, placed.section.name, placed.position) == (
        issue,
        "民生保障",
        1,
    )
    assert workflow.state_of(Item.objects.get(title=FIRST)) == workflow.POOLED
    assert list(placed.events.values_list("action", flat=True)) == ["adopt", "place"]
