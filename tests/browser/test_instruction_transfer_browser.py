"""批示 with a 办理时限 and 转办, in Chromium: the leader writes a 批示 on the
民政局 item with a time limit and sends it on to 开发区 too; the 开发区 clerk
finds it under 领导批示 and signs for it; the leader's 我的批示 shows each
unit's state."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from demo.management.commands.load_demo import DEMO_PASSWORD
from reading.models import Instruction
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

INSTRUCTION = "请民政局会同开发区，摸清园区困难职工底数，一周内报送救助方案。"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def test_leader_sends_a_limited_instruction_on_and_the_second_unit_signs(
    browser_context, shot, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", stdout=open("/dev/null", "w"))
    limit = timezone.localdate() + datetime.timedelta(days=7)
    page = browser_context.new_page()

    # 1. The leader writes the 批示 with a 办理时限 and 转办 to 开发区.
    login(page, "leader", DEMO_PASSWORD)
    page.get_by_role("link", name="第12期（总第345期）").first.click()
    item = page.locator(".reading-item", has_text="（民政局）")
    item.get_by_text("批示", exact=True).click()
    item.get_by_label(re.compile("的批示$")).fill(INSTRUCTION)
    item.get_by_label("办理时限").fill(limit.isoformat())
    item.get_by_label("转办单位").select_option(label="开发区")
    shot(page, "leader-writes")
    item.get_by_role("button", name="提交批示").click()
    expect(page.get_by_text("批示已送民政局、开发区和编辑办理。")).to_be_visible()
    item = page.locator(".reading-item", has_text="（民政局）")
    expect(item.get_by_text(f"办理时限 {limit.isoformat()}")).to_be_visible()
    expect(item.get_by_text("（转办）")).to_be_visible()
    logout(page)

    # 2. The 开发区 clerk signs for it.
    login(page, "kfq_clerk", DEMO_PASSWORD)
    page.get_by_role("link", name="领导批示").click()
    expect(page.get_by_text("（转办）")).to_be_visible()
    page.get_by_role("link", name=re.compile("陈副县长批示")).click()
    expect(page.get_by_text(INSTRUCTION)).to_be_visible()
    page.get_by_role("button", name="签收").click()
    expect(page.get_by_text("已签收。请落实后反馈落实情况。")).to_be_visible()
    expect(page.get_by_role("button", name="提交反馈")).to_be_visible()
    shot(page, "second-unit-signed")
    states = dict(
        Instruction.objects.get().units.values_list("department__short_name", "status")
    )
    assert states == {"民政局": "pending", "开发区": "signed"}
    logout(page)

    # 3. 我的批示: each unit with its own state.
    login(page, "leader", DEMO_PASSWORD)
    page.get_by_role("link", name="我的批示").click()
    row = page.locator("tr", has_text=INSTRUCTION[:20])
    units = row.locator(".unit-states li")
    expect(units.filter(has_text="民政局")).to_contain_text("待签收")
    expect(units.filter(has_text="开发区")).to_contain_text("（转办） 已签收")
    expect(row).to_contain_text(limit.isoformat())
    shot(page, "leader-my-instructions")
    page.close()
