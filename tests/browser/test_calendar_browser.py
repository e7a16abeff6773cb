"""出刊日历 in Chromium, by visible labels: the editor moves a planned issue's
截稿, opens it for composing and cancels another (desktop, 1280 px); the
开发区 clerk sees the next 截稿 on 我的稿件 and the calendar on a phone (375 px).

The whole clock is moved (server and test alike) to Monday 4 March 2030, 09:00;
the demo's weekly schedule plans Fridays 8, 15, 22 and 29 March."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.management.commands.load_demo import DEMO_PASSWORD
from planning.models import PlannedIssue
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SH = ZoneInfo("Asia/Shanghai")
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def test_editor_plans_and_clerk_sees_the_deadline(browser_context, shot, time_machine):
    time_machine.move_to(datetime.datetime(2030, 3, 4, 9, 0, tzinfo=SH), tick=False)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    context = browser_context
    page = context.new_page()
    page.set_viewport_size(DESKTOP)

    # 1. The editor opens the calendar from the menu: four planned Fridays.
    login(page, "editor", DEMO_PASSWORD)
    page.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="出刊日历"
    ).click()
    expect(page.get_by_role("heading", name="出刊日历")).to_contain_text("2030年3月")
    planned = page.get_by_role("link", name="《工作简报》计划出刊", exact=True)
    expect(planned).to_have_count(4)
    assert no_horizontal_scroll(page), "出刊日历在 1280 像素宽时出现横向滚动"
    shot(page, "editor-month")

    # 2. This week's 截稿 moves to Thursday noon; then composing begins.
    planned.first.click()
    expect(
        page.get_by_role("heading", name="《工作简报》3月8日（星期五）")
    ).to_be_visible()
    page.get_by_label("截稿时间").fill("2030-03-07T12:00")
    page.get_by_role("button", name="保存调整").click()
    expect(page.get_by_text("已调整印发日期和截稿时间。")).to_be_visible()
    expect(page.get_by_text("截稿 3月7日（星期四）12:00")).to_be_visible()
    shot(page, "editor-moved")
    page.get_by_role("button", name="开始组稿").click()
    expect(page.get_by_text("已开始组稿，请在下方组版")).to_be_visible()

    # 3. The calendar shows it composing, with the new 截稿; the 22 March issue
    #    is cancelled for a holiday.
    page.get_by_role("navigation", name="主菜单").get_by_role(
        "link", name="出刊日历"
    ).click()
    expect(page.get_by_role("link", name="《工作简报》组稿中")).to_be_visible()
    expect(page.get_by_text("12:00 《工作简报》截稿")).to_be_visible()
    planned.nth(1).click()
    expect(
        page.get_by_role("heading", name="《工作简报》3月22日（星期五）")
    ).to_be_visible()
    page.get_by_label("取消原因").fill("清明前停刊一期")
    page.get_by_role("button", name="取消这一期").click()
    expect(page.get_by_text("已取消这一期计划。")).to_be_visible()
    page.get_by_role("link", name="← 返回出刊日历").click()
    expect(
        page.get_by_role("link", name="《工作简报》计划出刊（已取消）")
    ).to_be_visible()
    page.get_by_role("link", name="下个月").click()
    expect(page.get_by_role("heading", name="出刊日历")).to_contain_text("2030年4月")
    page.get_by_role("link", name="上个月").click()
    expect(page.get_by_role("heading", name="出刊日历")).to_contain_text("2030年3月")
    shot(page, "editor-after")
    statuses = dict(PlannedIssue.objects.values_list("issue_date", "status"))
    assert statuses[datetime.date(2030, 3, 8)] == "opened"
    assert statuses[datetime.date(2030, 3, 22)] == "cancelled"

    # 4. The 开发区 clerk, on a phone: the next 截稿 on 我的稿件, then the
    #    calendar with the 截稿 and the unit's 约稿 only.
    context.clear_cookies()
    page.set_viewport_size(PHONE)
    login(page, "kfq_clerk", DEMO_PASSWORD)
    block = page.get_by_role("region", name="下次截稿")
    expect(block).to_contain_text("《工作简报》3月7日（星期四）12:00截稿")
    expect(block).to_contain_text("还剩3天3小时")
    shot(page, "clerk-home")
    block.get_by_role("link", name="出刊日历").click()
    expect(page.get_by_role("heading", name="出刊日历")).to_contain_text("2030年3月")
    expect(page.get_by_text("3月7日（星期四）")).to_be_visible()
    expect(
        page.get_by_role("link", name="约稿截止：冬季安全生产和民生保障工作情况")
    ).to_be_visible()
    expect(page.get_by_text("计划出刊")).to_have_count(0)
    assert no_horizontal_scroll(page), "出刊日历在 375 像素宽时出现横向滚动"
    shot(page, "clerk-phone-month")
