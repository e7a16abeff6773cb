"""紧急信息 end to end in Chromium: the 开发区 clerk reports a fire as urgent
(it skips the unit's review), the editor finds it on top of the inbox in red
with the time since the event, makes it a 专报 in one click and the signer
signs it: 信息专报 第1期, numbered apart from 工作简报.

The whole clock (server and test) is moved to a fixed day ahead of today."""

import datetime
import os
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from briefing.models import Issue, Item
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jianbao@2026"
SH = ZoneInfo("Asia/Shanghai")
TITLE = "开发区一企业仓库发生火灾"


def as_user(context, page, username):
    context.clear_cookies()
    login(page, username, PASSWORD)


def test_urgent_item_to_special_issue(browser_context, shot, time_machine):
    time_machine.move_to(datetime.datetime(2030, 6, 3, 10, 20, tzinfo=SH), tick=False)
    # Loaded on the moved clock: its passwords are not 4 years old.
    call_command("load_demo", stdout=open(os.devnull, "w"))
    context = browser_context
    page = context.new_page()

    # 1. The clerk writes it, marks it 紧急 (突发事件, 10:00) and submits.
    as_user(context, page, "kfq_clerk")
    page.get_by_role("link", name="写新稿件").click()
    page.get_by_label("标题").fill(TITLE)
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("今日10时许，开发区一企业仓库起火，消防已到场处置，无人员伤亡。")
    page.get_by_label("紧急信息", exact=True).check()
    page.get_by_label("紧急信息类别").select_option(label="突发事件")
    page.get_by_label("事件发生时间").fill("2030-06-03T10:00")
    shot(page, "clerk-marks-urgent")
    page.get_by_role("button", name="提交").click()
    # 开发区 reviews its items, but lets urgent ones go straight to the editors.
    expect(page.get_by_text("已提交，当前状态：已报送。")).to_be_visible()
    expect(page.get_by_role("note", name="紧急信息")).to_contain_text(
        "事发后 20分钟，符合1小时内书面报告的要求"
    )
    shot(page, "clerk-submitted")

    # 2. Ten minutes later the editor has it on top of the inbox, in red.
    time_machine.move_to(datetime.datetime(2030, 6, 3, 10, 30, tzinfo=SH), tick=False)
    as_user(context, page, "editor")
    page.get_by_role("link", name="收稿箱").first.click()
    first = page.get_by_role("row").nth(1)
    expect(first).to_contain_text(TITLE)
    expect(first).to_contain_text("紧急·突发事件")
    expect(first).to_contain_text("距事发 30分钟")
    expect(first.get_by_role("cell").first).to_have_css(
        "background-color", "rgb(253, 236, 234)"
    )
    expect(page.get_by_role("row").nth(2)).not_to_contain_text("紧急")
    shot(page, "editor-inbox")

    # 3. It goes out alone, as a 专报.
    first.get_by_role("link", name=TITLE).click()
    page.get_by_role("button", name="作为专报编发").click()
    expect(
        page.get_by_text(
            "已作为专报编入《信息专报》新的一期，请核对分发范围后提交签发。"
        )
    ).to_be_visible()
    expect(page.get_by_role("heading", name="信息专报")).to_contain_text(
        "第1期（总第1期）"
    )
    page.get_by_label("分发范围").select_option(index=1)
    page.get_by_role("button", name="保存设置").click()
    page.get_by_role("button", name="提交签发").click()
    expect(page.get_by_text("已提交签发，等待签发人签发。")).to_be_visible()
    shot(page, "editor-special-issue")

    # 4. The signer signs it as any issue.
    as_user(context, page, "signer")
    page.get_by_role("link", name="审阅并签发").click()
    page.once("dialog", lambda dialog: dialog.accept())  # 确定签发吗？
    page.get_by_role("button", name="签发", exact=True).click()
    # Rendering the PDF takes a few seconds on a busy machine.
    expect(page.get_by_text("已签发，第1期（总第1期）已生成 PDF。")).to_be_visible(
        timeout=30_000
    )
    shot(page, "signer-signed")
    issue = Issue.objects.get(publication__name="信息专报")
    assert [item.title for item in issue.items.all()] == [TITLE]
    assert Item.objects.get(title=TITLE).status == Item.Status.PUBLISHED
    # 工作简报's numbering is untouched: its seed issue is still its last.
    assert not Issue.objects.filter(
        publication__name="工作简报", status=Issue.Status.ISSUED, number=13
    ).exists()
