"""End to end in Chromium: compose an issue, reorder by keyboard, preview,
submit; the signer signs; the PDF downloads with the stored hash; the signer
corrects one sentence and the 更正版 becomes the default download."""

import hashlib
import re

import pdfplumber
import pytest
from playwright.sync_api import expect

from briefing.models import Issue, Item
from briefing.services.items import adopt_item
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def titles_in_order(page):
    return page.locator(".issue-item .item-title").all_inner_texts()


def test_compose_reorder_preview_submit_sign_and_download(browser_context, shot):
    publication = factories.make_publication(
        name="工作简报",
        office_name="测试县人民政府办公室",
        number_year=2026,
        last_number=11,
        last_total_number=344,
    )
    factories.make_distribution(
        name="县领导", lines="本期发：县委常委，县人大正副主任，副县长。"
    )
    section = factories.make_section(name="项目建设")
    editor = factories.make_editor(username="bianji", first_name="张编辑")
    factories.make_signer(username="qianfa", first_name="刘主任")
    department = factories.make_department(short_name="开发区")
    submitted = [
        factories.make_item(
            department=department,
            title=title,
            body=f"<p>{title}的正文。</p>",
            status=Item.Status.SUBMITTED,
        )
        for title in ("开发区项目集中开工", "开发区招商引资签约")
    ]

    page = browser_context.new_page()
    login(page, "bianji", factories.PASSWORD)
    page.goto("/issues/")
    page.get_by_role("link", name="新建一期").click()
    page.get_by_label("印发日期").fill("2026-11-24")
    page.get_by_label("分发范围").select_option(label="县领导")
    shot(page, "new-issue")
    page.get_by_role("button", name="新建").click()
    expect(page.get_by_text("已新建一期")).to_be_visible()
    issue = Issue.objects.get(publication=publication)

    # The editor adopts the two items into this issue (from the inbox).
    for item in submitted:
        adopt_item(item, issue, section, editor)
    page.reload()
    expect(page.get_by_role("heading", name="【项目建设】")).to_be_visible()
    assert titles_in_order(page) == ["开发区项目集中开工", "开发区招商引资签约"]
    expect(page.get_by_text("签发后为第12期（总第345期）")).to_be_visible()
    shot(page, "composed")

    # Reorder with the keyboard: focus 下移 on the first item, press Enter.
    down = page.get_by_role("button", name="下移《开发区项目集中开工》")
    down.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("《开发区项目集中开工》已下移。")).to_be_visible()
    assert titles_in_order(page) == ["开发区招商引资签约", "开发区项目集中开工"]
    # Focus comes back to the moved item's button, so it can be pressed again.
    expect(
        page.get_by_role("button", name="上移《开发区项目集中开工》")
    ).to_be_focused()
    shot(page, "reordered")

    # Drag and drop works too: drag it back to the top; the order is saved.
    first_id = Item.objects.get(title="开发区项目集中开工").pk
    second_id = Item.objects.get(title="开发区招商引资签约").pk
    page.locator(f"#item-{first_id}").drag_to(
        page.locator(f"#item-{second_id}"), target_position={"x": 40, "y": 5}
    )
    expect(page.get_by_text("稿件顺序已保存")).to_be_visible()
    page.reload()
    assert titles_in_order(page) == ["开发区项目集中开工", "开发区招商引资签约"]
    shot(page, "dragged")

    # Preview in the browser: the number it will get, marked 预览.
    with browser_context.expect_page() as preview_info:
        page.get_by_role("link", name="预览（网页）").click()
    preview = preview_info.value
    preview.wait_for_load_state()
    expect(preview.get_by_text("第12期（总第345期）")).to_be_visible()
    expect(preview.get_by_text("预览（未签发）")).to_be_visible()
    body_text = preview.locator("main").inner_text()
    assert body_text.index("项目集中开工") < body_text.index("招商引资签约")
    shot(preview, "preview-html")
    preview.close()
    pdf_preview = page.request.get(f"/issues/{issue.pk}/preview.pdf")
    assert pdf_preview.ok and pdf_preview.body().startswith(b"%PDF")

    page.get_by_role("button", name="提交签发").click()
    expect(page.get_by_text("已提交签发，等待签发人签发。")).to_be_visible()
    shot(page, "submitted")
    page.get_by_role("button", name="退出").click()

    # The signer lands on the issue list, pending issues first.
    login(page, "qianfa", factories.PASSWORD)
    expect(page).to_have_url(re.compile(r"/issues/$"))
    expect(page.get_by_role("heading", name="待签发")).to_be_visible()
    shot(page, "signer-list")
    page.get_by_role("link", name="审阅并签发").click()
    expect(page.get_by_text("签发后将编为第12期（总第345期）")).to_be_visible()
    shot(page, "signer-review")
    expect(page.get_by_label("签发意见")).to_have_value("同意印发")
    page.once("dialog", lambda dialog: dialog.accept())  # 确定签发吗？
    page.get_by_role("button", name="签发", exact=True).click()
    expect(page.get_by_text("已签发，第12期（总第345期）已生成 PDF。")).to_be_visible()
    shot(page, "signed")

    document = issue.documents.get()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载原版 PDF").click()
    download = download_info.value
    assert download.suggested_filename == "工作简报第12期.pdf"
    data = open(download.path(), "rb").read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.sha256
    issue.refresh_from_db()
    assert issue.status == Issue.Status.ISSUED
    assert set(Item.objects.filter(issue=issue).values_list("status", flat=True)) == {
        Item.Status.PUBLISHED
    }
    shot(page, "downloaded")

    # 更正: the signer changes one sentence; the same number is printed again,
    # marked 更正版, and it becomes the default download; the original stays.
    page.get_by_role("link", name="发布更正版…").click()
    item = page.get_by_role("group", name="《开发区项目集中开工》（开发区）")
    editable = item.locator(".ck-editor__editable")
    editable.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("开发区十二个项目集中开工，总投资八亿元。")
    page.get_by_label("更正原因").fill("第一条投资额有误。")
    shot(page, "correction-form")
    page.get_by_role("button", name="发布更正版").click()
    expect(page.get_by_text("已发布更正版（更正了 1 篇稿件）")).to_be_visible()
    shot(page, "corrected")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载当前版本 PDF").click()
    download = download_info.value
    assert download.suggested_filename == "工作简报第12期（更正版）.pdf"
    corrected = issue.documents.get(is_correction=True)
    data = open(download.path(), "rb").read()
    assert hashlib.sha256(data).hexdigest() == corrected.sha256
    with pdfplumber.open(download.path()) as pdf:
        text = "".join(p.extract_text() for p in pdf.pages).replace("\n", "")
    assert "总投资八亿元" in text and "第12期（总第345期）" in text
    assert "项目集中开工的正文" not in text
    with document.file.open("rb") as original:
        assert hashlib.sha256(original.read()).hexdigest() == document.sha256
