"""Text copied from a PDF (a hard break after every printed line) is joined into
paragraphs when pasted into the editor, and the clerk can undo the joining; the
editor shows a live 字数; saving reports what the paste hygiene removed."""

import pytest
from playwright.sync_api import expect

from briefing.models import Item
from tests import factories
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "开发区“周六不休”服务专班助企纾困"
# Two paragraphs as a PDF copy gives them: lines of 20 characters, the
# paragraph's last line shorter and ending a sentence.
PDF_COPY = (
    "今年以来，开发区成立“周六不休”服务专班，聚\n"
    "焦企业生产经营中的堵点难点，主动上门服务，\n"
    "帮助企业解决用工、融资等难题。\n"
    "截至目前，专班已走访企业三十一家，收集问题\n"
    "五十六个，已解决四十九个，企业满意度明显提\n"
    "升。\n"
)
JOINED = [
    "今年以来，开发区成立“周六不休”服务专班，聚焦企业生产经营中的堵点难点，"
    "主动上门服务，帮助企业解决用工、融资等难题。",
    "截至目前，专班已走访企业三十一家，收集问题五十六个，已解决四十九个，"
    "企业满意度明显提升。",
]

PASTE = """([text]) => {
  const target = document.querySelector('.ck-editor__editable');
  const data = new DataTransfer();
  data.setData('text/plain', text);
  target.dispatchEvent(new ClipboardEvent('paste', {
    clipboardData: data, bubbles: true, cancelable: true}));
}"""


def test_pasted_hard_line_breaks_are_joined_with_an_undo(browser_context, shot):
    department = factories.make_department("开发区", name="延津县开发区")
    clerk = factories.make_clerk(department)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, clerk.username, factories.PASSWORD)
    page.goto("/items/new/")
    # The panel for .docx import and pasted text is in sight, not folded away.
    expect(page.get_by_label("导入Word（.docx）")).to_be_visible()
    expect(page.get_by_text("正文 0 字")).to_be_visible()

    page.get_by_label("标题").fill(TITLE)
    page.locator(".ck-editor__editable").click()
    page.evaluate(PASTE, [PDF_COPY])
    paragraphs = page.locator(".ck-editor__editable p")
    expect(paragraphs).to_have_text(JOINED)
    notice = page.locator(".paste-notice")
    expect(notice).to_contain_text("粘贴的文字每行断开（6 行），已合并为 2 段")
    count = sum(len(p) for p in JOINED)
    expect(page.get_by_text(f"正文 {count} 字")).to_be_visible()
    shot(page, "joined")

    notice.get_by_role("button", name="撤销合并").click()
    expect(paragraphs).to_have_count(6)
    expect(paragraphs.first).to_have_text("今年以来，开发区成立“周六不休”服务专班，聚")
    expect(notice).to_contain_text("已撤销合并")
    shot(page, "undone")


def test_ordinary_paste_is_left_alone_and_saving_reports_the_cleaning(
    browser_context,
):
    department = factories.make_department("开发区", name="延津县开发区")
    clerk = factories.make_clerk(department)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    login(page, clerk.username, factories.PASSWORD)
    page.goto("/items/new/")
    page.get_by_label("标题").fill(TITLE)
    page.locator(".ck-editor__editable").click()
    page.evaluate(PASTE, [f"{TITLE}\n\n{JOINED[0]}\n\n（开发区）"])
    expect(page.locator(".paste-notice")).to_have_count(0)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    expect(
        page.get_by_text("已自动处理：删除与标题相同的首段；删除末尾的（开发区）")
    ).to_be_visible()
    assert Item.objects.get().body == f"<p>{JOINED[0]}</p>"
