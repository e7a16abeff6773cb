"""In Chromium: the reading side's forms say what is wrong where the person is
looking: an empty 落实情况 under the editor, a 批示 error inside the item the
leader wrote it on (on a phone, far down the page); and print leaves forms out."""

import re

import pytest
from playwright.sync_api import expect

from reading.models import Instruction
from reading.services import sign_instruction, write_instruction
from tests import factories
from tests.conftest import login
from tests.reading.factories import make_distribution, make_group, make_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}
LONG_BODY = "<p>" + "全县各乡镇按照统一部署，扎实推进各项重点工作。" * 40 + "</p>"


def issue_for(leader, items=1, unit=None):
    issue = make_issue(
        make_distribution(groups=[make_group(leader)]), items=items, department=unit
    )
    issue.items.update(body=LONG_BODY)
    return issue


def test_empty_feedback_shows_a_chinese_error_and_the_editor_speaks_chinese(
    browser_context, shot
):
    unit = factories.make_department(short_name="民政局")
    leader = factories.make_reader(first_name="陈副县长")
    clerk = factories.make_clerk(unit, username="mzj")
    issue = issue_for(leader, unit=unit)
    instruction = write_instruction(issue.items.get(), issue, leader, "请抓好落实。")
    sign_instruction(instruction, clerk)

    page = browser_context.new_page()
    login(page, "mzj", factories.PASSWORD)
    page.goto(f"/read/instructions/{instruction.pk}/")
    editable = page.locator(".ck-editor__editable")
    expect(editable).to_be_visible()
    counter = page.locator(".word-count")
    expect(counter).to_contain_text("字符数：0")
    expect(counter).not_to_contain_text("Words")
    expect(page.get_by_role("button", name="加粗")).to_be_visible()  # zh-cn toolbar

    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("请填写落实情况。")).to_be_visible()
    shot(page, "empty-feedback")
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.SIGNED

    # The editor still works after the error page: type and file it.
    page.locator(".ck-editor__editable").click()
    page.keyboard.type("已走访低保户1200户。")
    expect(page.locator(".word-count")).to_contain_text("字符数：12")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("落实情况已反馈。")).to_be_visible()
    instruction.refresh_from_db()
    assert instruction.status == Instruction.Status.ANSWERED
    assert "已走访低保户1200户。" in instruction.units.get().feedback.body


def test_instruction_error_on_a_phone_lands_on_the_item(browser_context, shot):
    leader = factories.make_reader(username="chen", first_name="陈副县长")
    issue = issue_for(leader, items=6)
    last = issue.items.order_by("pk").last()

    page = browser_context.new_page()
    page.set_viewport_size(PHONE)
    login(page, "chen", factories.PASSWORD)
    page.goto(f"/read/issues/{issue.pk}/")
    item = page.locator(f"#item-{last.pk}")
    item.get_by_text("批示", exact=True).click()
    item.get_by_role("textbox", name=re.compile("的批示$")).fill("   ")
    item.get_by_role("button", name="提交批示").click()
    page.wait_for_load_state()

    assert page.url.endswith(f"#item-{last.pk}-instruct")
    item = page.locator(f"#item-{last.pk}")
    error = item.locator("details[open] .errorlist")
    expect(error).to_have_text("请填写批示内容。")
    expect(error).to_be_in_viewport()
    assert page.evaluate("window.scrollY") > 2000  # not left at the top
    shot(page, "phone-instruction-error")
    assert not Instruction.objects.exists()


def test_print_keeps_headings_with_their_text_and_leaves_forms_out(
    browser_context,
):
    leader = factories.make_reader(username="chen")
    issue = issue_for(leader, items=2)
    write_instruction(issue.items.first(), issue, leader, "请抓好落实。")

    page = browser_context.new_page()
    login(page, "chen", factories.PASSWORD)
    page.goto(f"/read/issues/{issue.pk}/")
    expect(page.locator("details.instruct").first).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator(".reading form").first).to_be_hidden()
    expect(page.locator("details.instruct").first).to_be_hidden()
    expect(page.get_by_text("请抓好落实。")).to_be_visible()  # the 批示 itself stays
    for selector in (".section-name", ".item-headline"):
        style = page.eval_on_selector(
            selector,
            "e => [getComputedStyle(e).breakAfter, getComputedStyle(e).breakInside]",
        )
        assert style == ["avoid", "avoid"], selector
