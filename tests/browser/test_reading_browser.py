"""End to end in Chromium: a leader reads the latest issue on a phone and
writes a 批示 on the 民政局 item; the 民政局 clerk signs for it and files the
feedback; the leader sees the feedback. Screenshots at 375 px and desktop."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.management.commands.load_demo import DEMO_PASSWORD
from reading.models import Instruction
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
INSTRUCTION = "请民政局对照低保政策，再开展一次全面排查，确保应保尽保。"
FEEDBACK = "已组织各乡镇开展低保全面排查，新增纳入低保42户。"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def no_horizontal_scroll(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )


def open_latest_issue(page):
    page.goto("/")  # a leader lands on 阅读简报
    expect(page.get_by_role("heading", name="阅读简报")).to_be_visible()
    page.get_by_role("link", name="第12期（总第345期）").first.click()
    expect(page.get_by_role("heading", name="工作简报")).to_be_visible()


def test_leader_instructs_unit_signs_and_answers_leader_sees_feedback(
    browser_context, shot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)

    # 1. The leader, on a phone, opens the latest issue and writes a 批示.
    login(page, "leader", DEMO_PASSWORD)
    open_latest_issue(page)
    assert no_horizontal_scroll(page), "阅读页在 375 像素宽时出现横向滚动"
    shot(page, "phone-issue")
    item = page.locator(".reading-item", has_text="（民政局）")
    item.get_by_text("批示", exact=True).click()
    item.get_by_label(re.compile("的批示$")).fill(INSTRUCTION)
    item.get_by_role("button", name="提交批示").click()
    expect(page.get_by_text("批示已送民政局和编辑办理。")).to_be_visible()
    item = page.locator(".reading-item", has_text="（民政局）")
    expect(item.get_by_text("待签收")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "phone-instructed")
    logout(page)

    # 2. The 民政局 clerk signs for it and files the feedback.
    page.set_viewport_size(DESKTOP)
    login(page, "mzj_clerk", DEMO_PASSWORD)
    page.get_by_role("link", name="领导批示").click()
    page.get_by_role("link", name=re.compile("陈副县长批示")).click()
    expect(page.get_by_text(INSTRUCTION)).to_be_visible()
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_text("已签收。请落实后反馈落实情况。")).to_be_visible()
    page.locator(".ck-editor__editable").click()
    page.keyboard.type(FEEDBACK)
    shot(page, "clerk-feedback")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("落实情况已反馈。")).to_be_visible()
    assert Instruction.objects.get().status == Instruction.Status.ANSWERED
    logout(page)

    # 3. The leader sees the feedback on the item, on the phone and the desktop.
    page.set_viewport_size(PHONE)
    login(page, "leader", DEMO_PASSWORD)
    open_latest_issue(page)
    item = page.locator(".reading-item", has_text="（民政局）")
    expect(item.get_by_text(FEEDBACK)).to_be_visible()
    expect(item.get_by_text("已反馈")).to_be_visible()
    assert no_horizontal_scroll(page)
    shot(page, "phone-feedback")
    page.set_viewport_size(DESKTOP)
    assert no_horizontal_scroll(page)
    shot(page, "desktop-feedback")

    # 4. 我的批示 lists it, fed back, with the unit.
    page.set_viewport_size(PHONE)
    page.get_by_role("link", name="我的批示").click()
    row = page.locator("tr", has_text=INSTRUCTION[:20])
    expect(row.get_by_text("民政局", exact=True)).to_be_visible()
    # The unit's own state, beside its name.
    expect(row.get_by_role("listitem").filter(has_text="民政局")).to_contain_text(
        "已反馈"
    )
    assert no_horizontal_scroll(page), "我的批示在 375 像素宽时出现横向滚动"
    shot(page, "phone-my-instructions")
    page.close()


def test_unit_clerk_reads_the_issue_sent_to_every_unit_and_counts_as_read(
    browser_context, shot, settings, tmp_path
):
    """The seed's 本期发 names 县直各单位: the 民政局 clerk reads the issue from
    the menu, without a 批示 box, and the editor sees them under 民政局."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    page = browser_context.new_page()
    page.set_viewport_size(PHONE)

    login(page, "mzj_clerk", DEMO_PASSWORD)
    page.get_by_role("link", name="阅读简报").first.click()
    expect(page.get_by_role("heading", name="阅读简报")).to_be_visible()
    page.get_by_role("link", name="第12期（总第345期）").first.click()
    item = page.locator(".reading-item", has_text="（民政局）")
    expect(item).to_be_visible()
    expect(item.get_by_text("批示", exact=True)).to_have_count(0)
    assert no_horizontal_scroll(page), "信息员阅读页在 375 像素宽时出现横向滚动"
    shot(page, "phone-clerk-reads")
    logout(page)

    page.set_viewport_size(DESKTOP)
    login(page, "editor", DEMO_PASSWORD)
    page.goto("/read/")
    page.get_by_role("link", name="第12期（总第345期）").first.click()
    page.get_by_role("link", name="阅读情况").click()
    unit = page.get_by_role("region", name=re.compile("民政局"))
    expect(unit.get_by_role("heading", level=2)).to_contain_text("已阅 1 / 1")
    expect(unit.locator(".names.read")).to_contain_text("赵敏")
    shot(page, "desktop-receipts-by-unit")
    page.close()
