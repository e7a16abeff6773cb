"""Issue 4 end to end in Chromium: write, unit sign-off, return, revise, diff, adopt."""

import pytest
from playwright.sync_api import expect

from briefing.models import Item, Publication
from tests.conftest import login
from tests.factories import make_issue

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jianbao@2026"
TITLE = "开发区铆足干劲抓项目建设"
KEYWORD = "铆足干劲"


def logout(page):
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()


def open_item(page, menu):
    page.get_by_role("link", name=menu, exact=True).first.click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()


def test_workflow_in_the_browser(demo, browser_context, shot):
    from django.contrib.auth import get_user_model

    editor = get_user_model().objects.get(username="editor")
    issue = make_issue(
        publication=Publication.objects.get(name="工作简报"), created_by=editor
    )
    page = browser_context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    # 1. The 开发区 clerk writes an item with two paragraphs and submits it.
    login(page, "kfq_clerk", PASSWORD)
    page.get_by_role("link", name="写新稿件").click()
    page.get_by_label("标题").fill(TITLE)
    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.type("县开发区铆足干劲抓项目，千方百计赶进度。")
    page.keyboard.press("Enter")
    page.keyboard.type("截至目前，共谋划项目77个。")
    page.get_by_label("联系人").fill("王晓丽")
    page.get_by_label("电话").fill("0373-1234567")
    shot(page, "clerk-writes")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("待单位审核").first).to_be_visible()
    item = Item.objects.get(title=TITLE)
    assert item.body == (
        "<p>县开发区铆足干劲抓项目，千方百计赶进度。</p><p>截至目前，共谋划项目77个。</p>"
    )
    shot(page, "clerk-submitted")
    logout(page)

    # 2. The unit reviewer approves.
    login(page, "kfq_reviewer", PASSWORD)
    open_item(page, "我的稿件")
    page.get_by_role("button", name="审核通过").click()
    expect(page.get_by_text("已审核通过")).to_be_visible()
    shot(page, "reviewer-approved")
    logout(page)

    # 3. The editor finds it by keyword and returns it with a comment.
    login(page, "editor", PASSWORD)
    page.get_by_label("关键词").fill(KEYWORD)
    page.get_by_role("button", name="筛选").click()
    shot(page, "editor-inbox-search")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_label("退回意见").fill("请补充投资数据")
    page.get_by_role("button", name="退回").click()
    expect(page.get_by_text("已退回，并已通知信息员")).to_be_visible()
    shot(page, "editor-returned")
    logout(page)

    # 4. The clerk sees the comment, revises and resubmits.
    login(page, "kfq_clerk", PASSWORD)
    open_item(page, "我的稿件")
    expect(page.get_by_text("请补充投资数据").first).to_be_visible()
    page.get_by_role("link", name="修改稿件").click()
    expect(page.get_by_text("请补充投资数据").first).to_be_visible()
    editable = page.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.press("Control+End")
    page.keyboard.type("总投资369.95亿元。")
    shot(page, "clerk-revises")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_text("待单位审核").first).to_be_visible()
    logout(page)
    login(page, "kfq_reviewer", PASSWORD)
    open_item(page, "我的稿件")
    page.get_by_role("button", name="审核通过").click()
    logout(page)

    # 5. The editor sees the diff and adopts it into 【项目建设】 of the open issue.
    login(page, "editor", PASSWORD)
    page.get_by_label("关键词").fill(KEYWORD)
    page.get_by_role("button", name="筛选").click()
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="比较修订稿").click()
    expect(page.locator("table.diff ins")).to_have_text("总投资369.95亿元。")
    shot(page, "editor-diff")
    page.get_by_role("link", name="返回稿件").click()
    # Each open issue is named with the number it will get.
    adopt_to = page.get_by_label("采用到期")
    [label] = [
        text
        for text in adopt_to.locator("option").all_inner_texts()
        if text.startswith("工作简报 第") and "（2026-11-24，组稿中）" in text
    ]
    adopt_to.select_option(label=label)
    page.get_by_label("栏目").select_option(label="项目建设")
    page.get_by_role("button", name="采用", exact=True).click()
    expect(page.get_by_text("采用于")).to_be_visible()
    shot(page, "editor-adopted")
    logout(page)

    # 6. The clerk sees 已采用 and a notification.
    login(page, "kfq_clerk", PASSWORD)
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row.get_by_text("已采用")).to_be_visible()
    bell = page.get_by_role("link", name="通知")
    expect(bell.locator(".badge")).to_be_visible()
    bell.click()
    expect(page.get_by_text(f"稿件已采用：{TITLE}")).to_be_visible()
    shot(page, "clerk-sees-adopted")

    item.refresh_from_db()
    assert item.status == Item.Status.ADOPTED and item.issue == issue
    assert item.section.name == "项目建设"
    assert item.revisions.count() == 2
    assert dialogs == []
