"""The item pages, as clerks, reviewers and editors use them."""

import json
import re
from datetime import date, datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from briefing.models import Attachment, Issue, Item, ItemRevision
from briefing.services import items as services
from notifications.models import Notification

from .item_helpers import S, docx_bytes, item_in_state, make_cast, png_bytes

pytestmark = pytest.mark.django_db


def detail(item):
    return reverse("briefing:item_detail", args=[item.pk])


def test_clerk_writes_saves_and_submits_through_the_form(
    client, django_capture_on_commit_callbacks
):
    cast = make_cast()
    client.force_login(cast.clerk)
    page = client.get(reverse("briefing:item_create"))
    assert page.status_code == 200
    for label in ["标题", "正文", "建议栏目", "附件", "联系人", "电话", "导入Word"]:
        assert f">{label}" in page.content.decode()
    response = client.post(
        reverse("briefing:item_create"),
        {
            "title": "开发区项目建设提速",
            "body": "<p>第一段。</p><p>第二段。</p>",
            "contact_name": "王晓丽",
            "contact_phone": "0373-1234567",
            "action": "save",
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302
    assert item.status == S.DRAFT and item.department == cast.department
    assert item.search_text == "开发区项目建设提速\n第一段。\n第二段。"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("briefing:item_edit", args=[item.pk]),
            {
                "title": "开发区项目建设提速",
                "body": "<p>第一段。</p><p>第二段。</p>",
                "version": item.version,
                "action": "submit",
            },
        )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.SUBMITTED
    assert item.revisions.count() == 1
    # The editors are told, in the app and by e-mail, after the commit.
    assert Notification.objects.filter(recipient=cast.editor).count() == 1
    assert any(cast.editor.email in m.to for m in mail.outbox) or not cast.editor.email


def test_other_units_and_other_roles_get_404(client):
    cast = make_cast()
    draft = item_in_state(cast, S.DRAFT)
    submitted = item_in_state(cast, S.SUBMITTED)
    pending = item_in_state(cast, S.PENDING_REVIEW)
    urls = [
        detail(draft),
        reverse("briefing:item_edit", args=[draft.pk]),
        reverse("briefing:item_diff", args=[submitted.pk]),
    ]
    for user in [cast.other_clerk, cast.reader, cast.signer]:
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    client.force_login(cast.editor)
    assert client.get(detail(draft)).status_code == 404  # another unit's draft
    assert client.get(detail(pending)).status_code == 404  # still in unit review
    assert client.get(detail(submitted)).status_code == 200
    client.force_login(cast.clerk)
    # Visible, but not editable once submitted.
    assert client.get(detail(submitted)).status_code == 200
    assert (
        client.get(reverse("briefing:item_edit", args=[submitted.pk])).status_code
        == 404
    )
    client.logout()
    assert client.get(detail(submitted)).status_code == 302  # to the login page


def test_state_changes_are_post_only(client):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    client.force_login(cast.editor)
    url = reverse("briefing:item_move", args=[item.pk, "claim"])
    assert client.get(url).status_code == 405
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


def test_lost_edit_is_refused_and_the_users_text_is_kept(client):
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    client.force_login(cast.clerk)
    loaded_version = item.version
    # Meanwhile the same item is saved elsewhere (another window, a colleague).
    services.update_item(
        item,
        cast.clerk,
        version=loaded_version,
        title="别处保存的标题",
        body="<p>别处</p>",
    )
    response = client.post(
        reverse("briefing:item_edit", args=[item.pk]),
        {
            "title": "我刚写好的标题",
            "body": "<p>我刚写好的正文</p>",
            "version": loaded_version,
            "action": "save",
        },
    )
    assert response.status_code == 200
    text = response.content.decode()
    # One notice, saying what to do (not a second one saying it differently).
    assert "稿件已有更新的版本" in text and "已被修改" not in text
    assert "我刚写好的标题" in text and "我刚写好的正文" in text
    item.refresh_from_db()
    assert item.title == "别处保存的标题"


def test_attachments_chosen_before_an_error_are_named_as_not_saved(client):
    cast = make_cast()
    client.force_login(cast.clerk)
    response = client.post(
        reverse("briefing:item_create"),
        {
            "title": "",
            "body": "<p>正文</p>",
            "action": "save",
            "attachments": [SimpleUploadedFile("材料.pdf", b"%PDF-1.4 x")],
        },
    )
    assert response.status_code == 200
    assert "您选择的附件（材料.pdf）没有保存" in response.content.decode()
    assert not Item.objects.exists()


def test_editor_flow_claim_edit_diff_return_adopt(
    client, django_capture_on_commit_callbacks
):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    services.submit_item  # noqa: B018 (the revision of the clerk's text:)
    ItemRevision.objects.create(
        item=item,
        number=1,
        title=item.title,
        body=item.body,
        author=cast.clerk,
        note="信息员提交",
    )
    client.force_login(cast.editor)
    client.post(
        reverse("briefing:item_move", args=[item.pk, "claim"]),
        {"version": item.version},
    )
    item.refresh_from_db()
    assert item.status == S.EDITING and item.claimed_by == cast.editor
    # Another editor sees who holds it.
    client.force_login(cast.other_editor)
    assert "张编辑" in client.get(detail(item)).content.decode()
    client.force_login(cast.editor)
    client.post(
        reverse("briefing:item_editor_edit", args=[item.pk]),
        {
            "title": item.title,
            "body": "<p>第一段。</p><p>第二段，已改。</p>",
            "version": item.version,
        },
    )
    assert item.revisions.count() == 2
    diff = client.get(reverse("briefing:item_diff", args=[item.pk])).content.decode()
    assert "<ins>，已改</ins>" in diff
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("briefing:item_move", args=[item.pk, "adopt"]),
            {"issue": cast.issue.pk, "section": cast.section.pk},
        )
    item.refresh_from_db()
    assert item.status == S.ADOPTED and item.issue == cast.issue and item.position == 1
    assert cast.issue.issue_sections.get().section == cast.section
    assert Notification.objects.filter(
        recipient=cast.clerk, title__contains="已采用"
    ).exists()
    # The clerk's original text is still there to compare.
    assert item.revisions.first().body == "<p>第一段。</p><p>第二段。</p>"


def test_adopt_puts_items_last_and_remove_from_issue_clears_it():
    cast = make_cast()
    first = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
    )
    second = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
    )
    assert (first.position, second.position) == (1, 2)
    back = services.remove_from_issue(first, cast.editor)
    assert back.status == S.EDITING and back.issue is None and back.position is None
    assert back.claimed_by == cast.editor
    cast.issue.status = "issued"
    cast.issue.save()
    from briefing.services.errors import WorkflowError

    with pytest.raises(WorkflowError, match="组稿中"):
        services.adopt_item(
            item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
        )


def test_publish_items_of_issue(django_capture_on_commit_callbacks):
    cast = make_cast()
    adopted = services.adopt_item(
        item_in_state(cast, S.SUBMITTED), cast.issue, cast.section, cast.editor
    )
    editing = item_in_state(cast, S.EDITING)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.publish_items_of_issue(cast.issue, cast.signer) == 1
    adopted.refresh_from_db()
    editing.refresh_from_db()
    assert adopted.status == S.PUBLISHED and editing.status == S.EDITING
    assert adopted.events.last().action == "publish"
    assert Notification.objects.filter(
        recipient=cast.clerk, title__contains="已刊发"
    ).exists()


def test_notifications_are_not_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    from django.db import transaction

    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                services.return_item(item, cast.editor, "请补充投资数据")
                raise RuntimeError("something later failed")
        except RuntimeError:
            pass
    assert not Notification.objects.exists()
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


def test_attachments_checked_by_content_and_served_as_downloads(client, settings):
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    client.force_login(cast.clerk)
    fake = SimpleUploadedFile("report.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(
        reverse("briefing:item_edit", args=[item.pk]),
        {
            "title": item.title,
            "body": item.body,
            "version": item.version,
            "attachments": [fake],
            "action": "save",
        },
    )
    assert response.status_code == 200
    assert "内容不是 pdf 文件" in response.content.decode()
    assert not Attachment.objects.exists()
    settings.UPLOAD_MAX_BYTES = 100
    big = SimpleUploadedFile("photo.png", png_bytes() + b"\0" * 200)
    response = client.post(
        reverse("briefing:item_edit", args=[item.pk]),
        {
            "title": item.title,
            "body": item.body,
            "version": item.version,
            "attachments": [big],
            "action": "save",
        },
    )
    assert "太大" in response.content.decode()
    settings.UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    pdf = SimpleUploadedFile(
        "情况报告.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
    )
    response = client.post(
        reverse("briefing:item_edit", args=[item.pk]),
        {
            "title": item.title,
            "body": item.body,
            "version": item.version,
            "attachments": [pdf],
            "action": "save",
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert "情况报告" not in attachment.file.name  # stored under a random name
    url = reverse("briefing:attachment_download", args=[item.pk, attachment.pk])
    download = client.get(url)
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(cast.other_clerk)
    assert client.get(url).status_code == 404
    # And no URL serves the media folder directly.
    assert client.get(f"/media/{attachment.file.name}").status_code == 404


def test_import_word_fills_the_body_without_word_styles(client):
    cast = make_cast()
    client.force_login(cast.clerk)
    docx = SimpleUploadedFile("稿件.docx", docx_bytes(["第一段文字。", "第二段文字。"]))
    response = client.post(
        reverse("briefing:item_create"),
        {"title": "导入测试", "body": "", "word_file": docx, "action": "import_word"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "&lt;p&gt;第一段文字。&lt;/p&gt;&lt;p&gt;第二段文字。&lt;/p&gt;" in text
    assert "FF0000" not in text and "center" not in text.split("id_body")[1][:400]
    assert not Item.objects.exists()  # nothing saved yet


def test_merge_hard_line_breaks_button(client):
    cast = make_cast()
    client.force_login(cast.clerk)
    pasted = "县开发区铆足干劲抓项目千方百计\n\n赶进度，按照主导产业谋划项目\n\n"
    pasted += "。（开发区）\n"
    response = client.post(
        reverse("briefing:item_create"),
        {"title": "t", "body": "", "pasted_text": pasted, "action": "merge_lines"},
    )
    assert "已合并为 1 段" in response.content.decode()
    assert (
        "县开发区铆足干劲抓项目千方百计赶进度，按照主导产业谋划项目。（开发区）"
        in response.content.decode()
    )


def upload_image(client) -> str:
    response = client.post(
        reverse("ck_editor_5_upload_file"),
        {"upload": SimpleUploadedFile("a.png", png_bytes())},
    )
    assert response.status_code == 200
    return response.json()["url"]


def write_item(client, body, action="submit"):
    client.post(
        reverse("briefing:item_create"),
        {"title": "带图稿件", "body": body, "action": action},
    )
    return Item.objects.filter(title="带图稿件").latest("pk")


def test_editor_images_upload_and_access(client):
    cast = make_cast()
    client.force_login(cast.reader)
    upload_url = reverse("ck_editor_5_upload_file")
    image = SimpleUploadedFile("a.png", png_bytes())
    assert client.post(upload_url, {"upload": image}).status_code == 403
    client.force_login(cast.clerk)
    svg = SimpleUploadedFile("x.png", b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    assert client.post(upload_url, {"upload": svg}).status_code == 400
    url = upload_image(client)
    assert client.get(url)["Content-Type"] == "image/png"  # the uploader sees it
    client.force_login(cast.editor)
    assert client.get(url).status_code == 404  # not yet in a text it may see
    client.force_login(cast.clerk)
    item = write_item(
        client, f'<p>图</p><figure class="image"><img src="{url}"></figure>'
    )
    assert url in item.body and item.status == S.SUBMITTED
    client.force_login(cast.editor)
    assert client.get(url).status_code == 200
    client.force_login(cast.other_clerk)
    assert client.get(url).status_code == 404


def test_pasting_an_image_name_into_ones_own_draft_does_not_show_it(client):
    """The image belongs to the item it was saved in: another unit's clerk who
    learns its name and pastes it into a draft of their own still gets 404."""
    cast = make_cast()
    client.force_login(cast.clerk)
    url = upload_image(client)
    write_item(client, f'<p><img src="{url}"></p>', action="save")
    client.force_login(cast.other_clerk)
    assert client.get(url).status_code == 404
    mine = write_item(client, f'<p>我的草稿</p><p><img src="{url}"></p>', "save")
    assert url in mine.body and mine.author == cast.other_clerk
    assert client.get(url).status_code == 404
    # Nor does an unsaved upload of someone else's show.
    client.force_login(cast.clerk)
    fresh = upload_image(client)
    client.force_login(cast.other_clerk)
    assert client.get(fresh).status_code == 404


def test_a_picture_in_the_text_over_its_limit_is_refused(client, settings):
    settings.CKEDITOR_5_MAX_FILE_SIZE = 1  # MB; attachments may be larger
    cast = make_cast()
    client.force_login(cast.clerk)
    big = png_bytes() + b"\0" * (1024 * 1024)
    response = client.post(
        reverse("ck_editor_5_upload_file"),
        {"upload": SimpleUploadedFile("big.png", big)},
    )
    assert response.status_code == 400
    assert "太大：上限为 1.0\xa0MB" in response.json()["error"]["message"]


def test_inbox_query_count_does_not_grow(client):
    cast = make_cast()
    client.force_login(cast.editor)
    now = timezone.now()

    def fill(n):
        Item.objects.bulk_create(
            Item(
                department=cast.department,
                author=cast.clerk,
                title=f"稿件{i}",
                body="<p>x</p>",
                search_text=f"稿件{i}",
                status=S.SUBMITTED,
                submitted_at=now,
                suggested_section=cast.section,
            )
            for i in range(n)
        )

    counts = {}
    query = {"status": "submitted", "q": "稿件"}
    for total in (10, 1000):
        Item.objects.all().delete()
        fill(total)
        client.get(reverse("briefing:inbox"), query)  # caches warm, as when live
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("briefing:inbox"), query)
        assert response.status_code == 200
        counts[total] = len(queries)
    print(f"inbox queries: 10 items → {counts[10]}, 1000 items → {counts[1000]}")
    assert counts[10] == counts[1000]


def test_inbox_filters_by_keyword_and_shows_counts(client):
    cast = make_cast()
    item_in_state(
        cast, S.SUBMITTED, title="开发区项目建设", search_text="开发区项目建设 投资"
    )
    item_in_state(cast, S.SUBMITTED, title="民政救助", search_text="民政救助")
    client.force_login(cast.editor)
    text = client.get(reverse("briefing:inbox"), {"q": "投资"}).content.decode()
    assert "开发区项目建设" in text and "民政救助" not in text
    assert 'aria-current="page">已报送 <span class="count">2</span>' in text


def test_demo_data_fills_the_inbox_and_my_items(demo, client):
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    client.force_login(users.get(username="editor"))
    inbox = client.get(reverse("briefing:inbox")).content.decode()
    assert "县民政局开展困难群众走访慰问" in inbox
    client.force_login(users.get(username="kfq_clerk"))
    mine = client.get(reverse("briefing:my_items")).content.decode()
    for title in ["开发区新签约亿元以上项目3个", "开发区开展重点项目“百日攻坚”行动"]:
        assert title in mine
    client.force_login(users.get(username="kfq_reviewer"))
    assert "等待您审核" in client.get(reverse("briefing:my_items")).content.decode()
    # Loading twice adds nothing.
    from django.core.management import call_command

    count = Item.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert Item.objects.count() == count


def test_timeline_names_every_event_in_chinese():
    from briefing.templatetags.item_tags import move_label

    for action, label in [
        ("adopt", "采用"),
        ("correct", "更正"),
        ("instruction", "领导批示"),
    ]:
        assert move_label(action) == label


def small_pdf(name="会议纪要.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")


def copy_edit(client, item, **data):
    return client.post(
        reverse("briefing:item_editor_edit", args=[item.pk]),
        {"title": item.title, "body": item.body, "version": item.version, **data},
    )


def test_editor_adds_and_removes_attachments_while_copy_editing(client):
    cast = make_cast()
    item = item_in_state(cast, S.EDITING)
    client.force_login(cast.editor)
    edit_url = reverse("briefing:item_editor_edit", args=[item.pk])
    page = client.get(edit_url).content.decode()
    assert '<label for="id_attachments">附件</label>' in page
    assert 'enctype="multipart/form-data"' in page
    response = copy_edit(
        client, item, body="<p>第一段，已改。</p>", attachments=[small_pdf()]
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(item=item)
    assert attachment.original_name == "会议纪要.pdf"
    assert attachment.uploaded_by == cast.editor
    item.refresh_from_db()
    assert item.body == "<p>第一段，已改。</p>" and item.revisions.count() == 1
    assert AuditEvent.objects.filter(
        action="item.attachment_add", user=cast.editor
    ).exists()
    page = client.get(edit_url).content.decode()
    assert "会议纪要.pdf" in page and 'value="copyedit"' in page
    response = client.post(
        reverse("briefing:attachment_delete", args=[item.pk, attachment.pk]),
        {"next": "copyedit"},
    )
    assert response.status_code == 302 and response["Location"] == edit_url
    assert not Attachment.objects.filter(item=item).exists()
    assert AuditEvent.objects.filter(
        action="item.attachment_remove", user=cast.editor
    ).exists()


def test_editor_attachment_is_checked_by_content_and_the_text_is_kept(client):
    cast = make_cast()
    item = item_in_state(cast, S.EDITING)
    client.force_login(cast.editor)
    fake = SimpleUploadedFile("说明.pdf", b"<html><script>alert(1)</script></html>")
    response = copy_edit(client, item, body="<p>我改过的正文</p>", attachments=[fake])
    assert response.status_code == 200
    text = response.content.decode()
    assert "内容不是 pdf 文件" in text and "我改过的正文" in text
    assert not Attachment.objects.exists()
    item.refresh_from_db()
    assert item.body == "<p>第一段。</p><p>第二段。</p>"


def test_a_stale_copy_edit_attaches_nothing(client):
    cast = make_cast()
    item = item_in_state(cast, S.EDITING)
    client.force_login(cast.editor)
    response = copy_edit(
        client, item, version=item.version - 1, attachments=[small_pdf()]
    )
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert not Attachment.objects.exists()


def test_editor_attachments_follow_the_states_of_editor_save(client):
    cast = make_cast()
    adopted = item_in_state(cast, S.ADOPTED)
    client.force_login(cast.editor)
    # Adopted into an issue still 组稿中: the editor may attach.
    assert copy_edit(client, adopted, attachments=[small_pdf()]).status_code == 302
    attachment = Attachment.objects.get(item=adopted)
    # Once the issue is submitted for sign-off, neither add nor remove.
    cast.issue.status = Issue.Status.PENDING_SIGNOFF
    cast.issue.save()
    adopted.refresh_from_db()
    response = copy_edit(client, adopted, attachments=[small_pdf("二.pdf")])
    assert "该期已送签或已签发" in response.content.decode()
    response = client.post(
        reverse("briefing:attachment_delete", args=[adopted.pk, attachment.pk]),
        {"next": "copyedit"},
        follow=True,
    )
    assert "不能删除附件" in response.content.decode()
    assert list(Attachment.objects.values_list("original_name", flat=True)) == [
        "会议纪要.pdf"
    ]
    # An item another editor holds: no copy-edit page, no attachment change.
    held = item_in_state(cast, S.EDITING, title="别人领取的稿件")
    client.force_login(cast.other_editor)
    assert (
        client.get(reverse("briefing:item_editor_edit", args=[held.pk])).status_code
        == 404
    )
    with pytest.raises(services.WorkflowError, match="不能添加附件"):
        services.add_attachment(held, cast.other_editor, small_pdf())


# --- refused moves keep what the user typed -------------------------------------


def move(client, item, name, **data):
    return client.post(reverse("briefing:item_move", args=[item.pk, name]), data)


def textarea(page, name):
    """The text of the textarea called ``name`` on the page, or None."""
    match = re.search(rf'<textarea name="{name}"[^>]*>(.*?)</textarea>', page, re.S)
    return match and match.group(1).strip()


def test_a_not_use_reason_typed_while_a_colleague_returned_the_item_is_shown(client):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    loaded = item.version
    # Editor A returns it while editor B is writing the reason on the same page.
    services.return_item(item, cast.other_editor, "请补充投资数据。")
    client.force_login(cast.editor)
    response = move(
        client, item, "not_use", reason="与上期重复，\n不予采用。", version=loaded
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "已退回" in page  # the item as it is now
    assert "您填写的不采用原因未提交" in page
    assert "与上期重复，\n不予采用。" in page
    # No 不采用 form to put it back into: it is no longer offered.
    assert reverse("briefing:item_move", args=[item.pk, "not_use"]) not in page
    item.refresh_from_db()
    assert item.status == S.RETURNED


def test_a_return_comment_refused_as_stale_stays_in_its_form(client):
    """One editor, two tabs: copy-edited in one, returned from the other."""
    cast = make_cast()
    item = item_in_state(cast, S.EDITING)
    client.force_login(cast.editor)
    loaded = item.version
    assert copy_edit(client, item, body="<p>改过。</p>").status_code == 302
    item.refresh_from_db()
    response = move(client, item, "return", comment="请补充数据来源。", version=loaded)
    assert response.status_code == 409
    page = response.content.decode()
    assert "已被他人修改或处理" in page
    assert textarea(page, "comment") == "请补充数据来源。"
    # The form now carries the version shown, so sending it again works.
    assert f'name="version" value="{item.version}"' in page
    response = move(
        client, item, "return", comment="请补充数据来源。", version=item.version
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == S.RETURNED
    assert item.events.get(action="return").comment == "请补充数据来源。"


def test_a_stale_not_use_keeps_the_reason_and_the_keep_for_later_box(client):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    loaded = item.version
    services.claim_item(item, cast.editor)
    services.release_item(item, cast.editor)  # back in the inbox, newer version
    client.force_login(cast.other_editor)
    response = move(
        client,
        item,
        "not_use",
        reason="篇幅过长。",
        keep_for_later="on",
        version=loaded,
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert textarea(page, "reason") == "篇幅过长。"
    assert re.search(r'<input type="checkbox" name="keep_for_later"[^>]*checked', page)
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


def test_an_overlong_return_comment_is_kept_with_the_error(client):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    client.force_login(cast.editor)
    comment = "意见" * 1001
    response = move(client, item, "return", comment=comment, version=item.version)
    assert response.status_code == 400
    page = response.content.decode()
    assert textarea(page, "comment") == comment
    assert "2000" in page  # the limit, next to the field
    item.refresh_from_db()
    assert item.status == S.SUBMITTED


# --- an item of an issue sent for sign-off --------------------------------------


def test_copy_edit_and_remove_are_offered_only_while_the_issue_is_composed(client):
    cast = make_cast()
    item = item_in_state(cast, S.ADOPTED)
    client.force_login(cast.editor)
    edit_url = reverse("briefing:item_editor_edit", args=[item.pk])
    remove_url = reverse("briefing:item_move", args=[item.pk, "remove_from_issue"])
    page = client.get(detail(item)).content.decode()
    assert edit_url in page and remove_url in page
    for status in (Issue.Status.PENDING_SIGNOFF, Issue.Status.ISSUED):
        cast.issue.status = status
        cast.issue.save()
        page = client.get(detail(item)).content.decode()
        assert edit_url not in page and remove_url not in page
        assert "编辑修改" not in page and "撤出本期" not in page
        # The copy-edit page sends the user back with the reason.
        response = client.get(edit_url, follow=True)
        assert response.redirect_chain[-1][0] == detail(item)
        assert "该期已送签或已签发" in response.content.decode()
    # The server still refuses a request made anyway (an old page, a script).
    cast.issue.status = Issue.Status.PENDING_SIGNOFF
    cast.issue.save()
    response = client.post(remove_url, {"version": item.version}, follow=True)
    assert "已不在组稿中" in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.ADOPTED and item.issue == cast.issue


def test_a_failed_copy_edit_says_the_chosen_attachments_were_not_saved(client):
    cast = make_cast()
    item = item_in_state(cast, S.EDITING)
    client.force_login(cast.editor)
    response = copy_edit(
        client,
        item,
        body="<p>我的修改</p>",
        version=item.version - 1,
        attachments=[small_pdf("会议纪要.pdf"), small_pdf("附表.pdf")],
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "我的修改" in page
    assert "您选择的附件（会议纪要.pdf、附表.pdf）没有保存" in page
    assert "重新选择" in page
    assert not Attachment.objects.exists()
    # Without files chosen there is nothing to warn about.
    page = copy_edit(client, item, version=item.version - 1).content.decode()
    assert "没有保存" not in page


def test_item_page_shows_when_it_was_last_changed_not_an_internal_version(client):
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    Item.objects.filter(pk=item.pk).update(
        version=9, updated_at=timezone.make_aware(datetime(2026, 3, 5, 9, 30))
    )
    client.force_login(cast.clerk)
    page = client.get(detail(item)).content.decode()
    assert "最后修改：2026-03-05 09:30" in page
    assert not re.search(r"第\s*9\s*版", page)


def test_the_editor_offers_only_pictures_the_server_accepts(client, settings):
    cast = make_cast()
    client.force_login(cast.clerk)
    page = client.get(reverse("briefing:item_create")).content.decode()
    config = re.search(
        r'<script id="id_body_script" type="application/json">(.*?)</script>',
        page,
        re.S,
    )
    types = json.loads(config.group(1))["image"]["upload"]["types"]
    assert types == ["jpeg", "png"]
    assert set(types) <= set(settings.CKEDITOR_5_UPLOAD_FILE_TYPES)


def test_deleting_an_attachment_asks_first(client):
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    services.add_attachment(item, cast.clerk, small_pdf())
    client.force_login(cast.clerk)
    page = client.get(reverse("briefing:item_edit", args=[item.pk])).content.decode()
    assert 'data-confirm="确定删除附件“会议纪要.pdf”吗？删除后不能恢复。"' in page
    assert "core/confirm.js" in page


def test_my_items_shows_the_last_return_comment_in_the_row_at_a_fixed_query_count(
    client,
):
    cast = make_cast()
    client.force_login(cast.clerk)
    counts = {}
    for n in (1, 6):
        while Item.objects.filter(status=S.RETURNED).count() < n:
            item = item_in_state(cast, S.SUBMITTED)
            services.return_item(item, cast.editor, f"请补充第{item.pk}篇的数据。")
        client.get(reverse("briefing:my_items"))  # the session and caches settle
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("briefing:my_items")).content.decode()
        counts[n] = len(queries)
    assert counts[1] == counts[6]
    for item in Item.objects.filter(status=S.RETURNED):
        assert f"退回意见：请补充第{item.pk}篇的数据。" in page
    # Once resubmitted, the old comment is done with and leaves the row.
    services.submit_item(item, cast.clerk)
    page = client.get(reverse("briefing:my_items")).content.decode()
    assert f"退回意见：请补充第{item.pk}篇的数据。" not in page


def test_messages_say_what_is_needed(client):
    cast = make_cast()
    client.force_login(cast.clerk)
    response = client.post(
        reverse("briefing:item_create"), {"title": "长" * 201, "action": "save"}
    )
    assert "标题不能超过 200 字（现有 201 字）。" in response.content.decode()
    client.force_login(cast.editor)
    item = item_in_state(cast, S.SUBMITTED)
    url = reverse("briefing:item_move", args=[item.pk, "return"])
    page = client.post(url, {"comment": " ", "version": item.version})
    assert "请填写退回意见：告诉信息员哪里需要修改" in page.content.decode()


def test_adopt_list_names_the_number_each_open_issue_will_get(client):
    from briefing.services.issues import create_issue

    cast = make_cast()
    publication = cast.issue.publication
    publication.number_year, publication.last_number = 2026, 11
    publication.last_total_number = 344
    publication.save()
    Issue.objects.filter(pk=cast.issue.pk).update(issue_date="2026-11-20")
    create_issue(
        actor=cast.editor, publication=publication, issue_date=date(2026, 11, 27)
    )
    item = item_in_state(cast, S.SUBMITTED)
    client.force_login(cast.editor)
    page = client.get(reverse("briefing:item_detail", args=[item.pk])).content.decode()
    name = publication.name
    assert f"{name} 第12期（总第345期）（2026-11-20，组稿中）" in page
    assert f"{name} 第13期（总第346期）（2026-11-27，组稿中）" in page


def test_an_issued_items_edit_link_says_it_is_issued_and_where_to_correct(client):
    cast = make_cast()
    item = item_in_state(cast, S.PUBLISHED)
    Issue.objects.filter(pk=item.issue_id).update(
        status=Issue.Status.ISSUED, number=3, total_number=30, year=2026
    )
    client.force_login(cast.editor)
    response = client.get(
        reverse("briefing:item_editor_edit", args=[item.pk]), follow=True
    )
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse(
        "briefing:item_detail", args=[item.pk]
    )
    assert "已随《" in page and "第3期（总第30期）签发，不能再编辑修改" in page
    assert reverse("briefing:issue_detail", args=[item.issue_id]) in page
    client.force_login(cast.admin)  # who may correct sees the way there
    page = client.get(reverse("briefing:item_detail", args=[item.pk])).content.decode()
    assert reverse("briefing:issue_correct", args=[item.issue_id]) in page
