"""A clerk's draft survives an expired session: item_form.js
keeps a copy in localStorage and offers it back after logging in again."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from briefing.models import Item
from tests import factories
from tests.briefing.item_helpers import docx_bytes
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "县开发区铆足干劲抓项目建设"
PARAGRAPHS = ["县开发区千方百计赶进度。", "截至目前，共谋划项目77个。"]


def stored_copy(page, key):
    return page.evaluate("key => window.localStorage.getItem(key)", key)


def wait_for_copy(page, key, text):
    page.wait_for_function(
        "([key, text]) => (window.localStorage.getItem(key) || '').includes(text)",
        arg=[key, text],
    )


def test_draft_survives_expired_session_and_is_restored(browser_context, shot):
    department = factories.make_department()
    clerk = factories.make_clerk(department, first_name="王晓丽")
    page = browser_context.new_page()
    dialogs = []

    def on_dialog(dialog):
        dialogs.append(dialog.type)
        dialog.accept()  # "leave the page?" when navigating away from typed text

    page.on("dialog", on_dialog)
    new_key = f"jianbao:autosave:{clerk.pk}:item:new"

    # 1. The clerk writes a title and two paragraphs; the browser keeps a copy.
    login(page, clerk.username, factories.PASSWORD)
    page.get_by_role("link", name="我的稿件").click()
    page.get_by_role("link", name="写新稿件").click()
    page.get_by_label("标题").fill(TITLE)
    page.locator(".ck-editor__editable").click()
    page.keyboard.type(PARAGRAPHS[0])
    page.keyboard.press("Enter")
    page.keyboard.type(PARAGRAPHS[1])
    wait_for_copy(page, new_key, PARAGRAPHS[1])
    shot(page, "clerk-writes")

    # 2. The session ends on the server (idle timeout, or logged out elsewhere).
    Session.objects.all().delete()

    # 3. 保存草稿 lands on the login page, which brings the clerk back.
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    assert "next=" in page.url
    assert not Item.objects.exists()
    shot(page, "login-after-expiry")
    page.get_by_label("用户名").fill(clerk.username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/items/new/$"))

    # 4. A fresh form, and the notice offering the copy.
    notice = page.locator(".autosave-notice")
    expect(notice).to_be_visible()
    expect(notice).to_contain_text("尚未保存到系统的内容")
    expect(notice).to_contain_text(TITLE)
    expect(page.get_by_label("标题")).to_have_value("")
    shot(page, "restore-notice")
    notice.get_by_role("button", name="恢复").click()
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    editable = page.locator(".ck-editor__editable")
    expect(editable.locator("p")).to_have_text(PARAGRAPHS)
    expect(notice).to_contain_text("已恢复")
    shot(page, "restored")

    # 5. Saved: the draft holds the restored text, and the copy is gone.
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    item = Item.objects.get()
    assert item.title == TITLE
    assert item.body == "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    assert item.author == clerk and item.status == Item.Status.DRAFT
    assert stored_copy(page, new_key) is None
    expect(page.locator(".autosave-notice")).to_have_count(0)
    shot(page, "saved")

    # 6. A new form after a successful save offers nothing.
    page.get_by_role("link", name="我的稿件").click()
    page.get_by_role("link", name="写新稿件").click()
    expect(page.locator(".ck-editor__editable")).to_be_visible()
    page.wait_for_timeout(300)
    expect(page.locator(".autosave-notice")).to_have_count(0)

    # 7. Unsaved changes to the saved draft are kept per item; 放弃 drops them.
    item_key = f"jianbao:autosave:{clerk.pk}:item:{item.pk}"
    page.goto(f"/items/{item.pk}/edit/")
    page.get_by_label("标题").fill(TITLE + "（修改中）")
    wait_for_copy(page, item_key, "（修改中）")
    page.goto(f"/items/{item.pk}/edit/")
    notice = page.locator(".autosave-notice")
    expect(notice).to_contain_text("（修改中）")
    expect(page.get_by_label("标题")).to_have_value(TITLE)
    notice.get_by_role("button", name="放弃").click()
    expect(notice).to_have_count(0)
    assert stored_copy(page, item_key) is None
    assert dialogs in ([], ["beforeunload"])

    # 8. Logging out leaves no copy behind on a shared computer.
    page.goto(f"/items/{item.pk}/edit/")
    page.get_by_label("标题").fill(TITLE + "（未保存）")
    wait_for_copy(page, item_key, "（未保存）")
    page.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    assert stored_copy(page, item_key) is None


def test_text_imported_from_word_is_kept_until_saved(browser_context, tmp_path):
    department = factories.make_department()
    clerk = factories.make_clerk(department)
    page = browser_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    new_key = f"jianbao:autosave:{clerk.pk}:item:new"
    docx = tmp_path / "稿件.docx"
    docx.write_bytes(docx_bytes(PARAGRAPHS))

    login(page, clerk.username, factories.PASSWORD)
    page.goto("/items/new/")
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("导入Word（.docx）").set_input_files(str(docx))
    page.get_by_role("button", name="导入Word", exact=True).click()
    expect(page.get_by_text("已从 Word 文件导入正文（尚未保存）")).to_be_visible()
    # Kept at once, before the clerk types anything.
    wait_for_copy(page, new_key, PARAGRAPHS[1])

    # The tab is closed without saving; the next form offers the text back.
    page.goto("/items/mine/")
    page.goto("/items/new/")
    notice = page.locator(".autosave-notice")
    expect(notice).to_contain_text(TITLE)
    notice.get_by_role("button", name="恢复").click()
    expect(page.locator(".ck-editor__editable p")).to_have_text(PARAGRAPHS)
