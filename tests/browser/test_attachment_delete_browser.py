"""删除附件 asks first (core/confirm.js); the picture button offers jpg/png only."""

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from briefing.models import Attachment
from briefing.services import items as services
from tests.conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Jianbao@2026"
QUESTION = "确定删除附件“会议纪要.pdf”吗？删除后不能恢复。"


def draft_with_attachment():
    clerk = get_user_model().objects.get(username="kfq_clerk")
    pdf = SimpleUploadedFile(
        "会议纪要.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    )
    return services.save_item(
        clerk, title="带附件的草稿", body="<p>正文。</p>", files=[pdf]
    )


def test_cancel_keeps_the_attachment_and_ok_deletes_it(demo, browser_context):
    item = draft_with_attachment()
    page = browser_context.new_page()
    login(page, "kfq_clerk", PASSWORD)
    page.goto(f"/items/{item.pk}/edit/")
    delete = page.get_by_role("button", name="删除附件“会议纪要.pdf”")

    questions = []

    def cancel(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", cancel)
    delete.click()
    page.wait_for_timeout(500)
    assert questions == [QUESTION]
    assert Attachment.objects.filter(item=item).count() == 1
    expect(page.get_by_role("link", name="会议纪要.pdf")).to_be_visible()
    # Not left marked as on its way by forms.js: the next click is sent.
    form = page.locator("form[data-confirm]")
    expect(form).not_to_have_attribute("data-submitting", "")

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.once("dialog", accept)
    delete.click()
    expect(page.get_by_text("已删除附件“会议纪要.pdf”。")).to_be_visible()
    assert questions == [QUESTION, QUESTION]
    assert not Attachment.objects.filter(item=item).exists()


def test_the_picture_button_offers_only_jpeg_and_png(demo, browser_context):
    page = browser_context.new_page()
    login(page, "kfq_clerk", PASSWORD)
    page.get_by_role("link", name="写新稿件").click()
    expect(page.locator(".ck-editor__editable")).to_be_visible()
    picker = page.locator(".ck-toolbar input[type=file]")
    expect(picker).to_have_attribute("accept", "image/jpeg,image/png")
