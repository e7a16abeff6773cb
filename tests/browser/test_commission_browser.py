"""约稿 end to end in Chromium: the editor asks two units, one answers in time,
the other is late, is reminded (催报) and answers; the table shows each.

The whole clock is moved (server and the test alike) to a fixed day ahead of
today, so the session cookies the browser keeps do not expire at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from commissions.models import Commission
from commissions.services import send_due_reminders
from notifications.models import Notification
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jianbao@2026"
SH = ZoneInfo("Asia/Shanghai")
TOPIC = "春耕备耕工作进展"


def as_user(context, page, username):
    context.clear_cookies()
    login(page, username, PASSWORD)


def write_answer(page, title, text):
    page.get_by_role("button", name="写稿件回应约稿").click()
    page.get_by_label("标题").fill(title)
    page.locator(".ck-editor__editable").click()
    page.keyboard.type(text)
    page.get_by_role("button", name="提交").click()


def test_commission_from_request_to_late_answer(browser_context, shot, time_machine):
    time_machine.move_to(datetime.datetime(2030, 3, 1, 9, 0, tzinfo=SH), tick=False)
    call_command("load_demo", stdout=open("/dev/null", "w"))
    context = browser_context
    page = context.new_page()

    # 1. The editor asks 开发区 and 民政局 for items by 3月2日 17:00.
    as_user(context, page, "editor")
    page.get_by_role("link", name="约稿催报").click()
    page.get_by_role("link", name="新建约稿").click()
    page.get_by_label("约稿主题").fill(TOPIC)
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("请写清面积、农资储备和技术服务。")
    page.get_by_label("指定单位", exact=True).check()
    page.get_by_label("开发区", exact=True).check()
    page.get_by_label("民政局", exact=True).check()
    page.get_by_label("截止时间").fill("2030-03-02T17:00")
    shot(page, "editor-writes")
    page.get_by_role("button", name="发出约稿").click()
    expect(page.get_by_text("已约稿，已通知 2 个单位。")).to_be_visible()
    expect(page.get_by_text("2 个单位，2 个尚未报送。")).to_be_visible()
    commission = Commission.objects.get(topic=TOPIC)

    # 2. 民政局 sees it on top of 我的稿件 with the time left and answers in time.
    as_user(context, page, "mzj_clerk")
    block = page.get_by_role("region", name="约稿")
    expect(block.get_by_text("还剩1天8小时").first).to_be_visible()
    shot(page, "clerk-sees-request")
    block.get_by_role("link", name=TOPIC).click()
    write_answer(page, "民政局春耕期间做好困难群众帮扶", "为困难农户发放种子化肥。")
    expect(page.get_by_text("已提交").first).to_be_visible()

    # 3. After the deadline 开发区 has not answered: the reminder job reminds it
    #    once, and the editor sees it late and chases it by hand as well.
    time_machine.move_to(datetime.datetime(2030, 3, 2, 18, 0, tzinfo=SH), tick=False)
    assert send_due_reminders() == 1
    assert send_due_reminders() == 0
    as_user(context, page, "editor")
    page.goto(f"/commissions/{commission.pk}/")
    row = page.get_by_role("row").filter(has_text="开发区")
    expect(row.get_by_role("cell").nth(1)).to_contain_text("逾期未报")
    in_time = page.get_by_role("row").filter(has_text="民政局")
    expect(in_time.get_by_role("cell").nth(1)).to_contain_text("已报送")
    page.get_by_role("button", name="催报未报送的单位").click()
    expect(page.get_by_text("已催报 1 个尚未报送的单位。")).to_be_visible()
    shot(page, "editor-reminds")
    assert (
        Notification.objects.filter(
            recipient__username="kfq_clerk", title=f"催报：{TOPIC}"
        ).count()
        == 2
    )

    # 4. The 开发区 clerk follows the reminder and answers; the reviewer approves.
    as_user(context, page, "kfq_clerk")
    page.get_by_role("link", name="通知").click()
    expect(page.get_by_text(f"催报：{TOPIC}").first).to_be_visible()
    page.get_by_role("button", name="查看").first.click()
    expect(page.get_by_role("heading", name=f"约稿：{TOPIC}")).to_be_visible()
    write_answer(page, "开发区春耕备耕有序推进", "组织农技人员下田指导。")
    expect(page.get_by_text("待单位审核").first).to_be_visible()
    as_user(context, page, "kfq_reviewer")
    page.get_by_role("link", name="开发区春耕备耕有序推进").click()
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()

    # 5. The editor's table: 民政局 in time, 开发区 late, with their items.
    as_user(context, page, "editor")
    page.goto(f"/commissions/{commission.pk}/")
    late = page.get_by_role("row").filter(has_text="开发区")
    expect(late.get_by_role("cell").nth(1)).to_contain_text("迟报")
    expect(late.get_by_role("link", name="开发区春耕备耕有序推进")).to_be_visible()
    expect(page.get_by_text("2 个单位，0 个尚未报送。")).to_be_visible()
    shot(page, "editor-table")
