"""批示: written by a reader with the permission, routed at once to the item's
unit and the editors; 待签收 → 已签收 → 已反馈, only by the item's unit."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from lxml import html as lxml_html

from assessment.models import InstructionRecord
from audit.models import AuditEvent
from briefing.models import ItemEvent
from departments.models import Membership
from notifications.models import Notification
from reading.models import Instruction
from tests import factories

from .factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db
S = Instruction.Status
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    unit = factories.make_department(short_name="民政局")
    other = factories.make_department(short_name="教体局")
    people = {
        "leader": factories.make_reader(first_name="陈副县长", email="l@x.cn"),
        "clerk": factories.make_clerk(unit, first_name="赵敏", email="c@x.cn"),
        "reviewer": factories.make_reviewer(unit, first_name="钱审核", email="v@x.cn"),
        "other_clerk": factories.make_clerk(other, email="o@x.cn"),
        "editor": factories.make_editor(first_name="张编辑", email="e@x.cn"),
        "outsider": factories.make_reader(email="r@x.cn"),
    }
    distribution = make_distribution(groups=[make_group(people["leader"])])
    issue = make_issue(distribution, department=unit)
    item = issue.items.get()
    return people, issue, item


def write(client, people, issue, item, text="请民政局抓好落实。"):
    client.force_login(people["leader"])
    return client.post(
        reverse("reading:instruction_create", args=[issue.pk, item.pk]),
        {"text": text},
    )


def test_instruction_is_routed_to_the_unit_and_the_editors(
    client, world, django_capture_on_commit_callbacks
):
    people, issue, item = world
    with django_capture_on_commit_callbacks(execute=True):
        response = write(client, people, issue, item)
    assert response.status_code == 302
    instruction = Instruction.objects.get()
    assert instruction.status == S.PENDING
    assert instruction.author == people["leader"]
    told = set(Notification.objects.values_list("recipient", flat=True))
    unit = Membership.objects.filter(department=item.department)
    editors = {people["editor"].pk, issue.created_by_id}  # every editor
    assert told == {*unit.values_list("user", flat=True), *editors}
    assert {people["clerk"].pk, people["reviewer"].pk} <= told
    assert not told & {people[k].pk for k in ["leader", "other_clerk", "outsider"]}
    assert sorted(m.to[0] for m in mail.outbox) == ["c@x.cn", "e@x.cn", "v@x.cn"]
    event = ItemEvent.objects.get(item=item, action="instruction")
    assert event.comment == "请民政局抓好落实。"
    assert event.from_status == event.to_status == ""
    assert AuditEvent.objects.filter(action="reading.instruction_write").exists()
    record = InstructionRecord.objects.get(item=item)
    assert record.source == InstructionRecord.Source.READING
    assert record.source_ref == str(instruction.pk)
    assert record.leader == "陈副县长"
    assert record.level.is_county


def test_instruction_needs_the_permission_and_the_distribution(client, world):
    people, issue, item = world
    url = reverse("reading:instruction_create", args=[issue.pk, item.pk])
    client.force_login(people["outsider"])  # 领导, but not a recipient
    assert client.post(url, {"text": "批示"}).status_code == 404
    client.force_login(people["editor"])  # sees the issue, no 批示 permission
    assert client.post(url, {"text": "批示"}).status_code == 404
    client.force_login(people["leader"])
    assert client.get(url).status_code == 405
    assert not Instruction.objects.exists()


def test_empty_instruction_keeps_the_page_with_an_error(client, world):
    people, issue, item = world
    response = write(client, people, issue, item, text="   ")
    assert response.status_code == 400
    assert not Instruction.objects.exists()
    # On a phone the error is far down the page: the form posts back to the
    # item's 批示 box, open with the error inside it.
    tree = lxml_html.fromstring(response.content.decode())
    box = tree.get_element_by_id(f"item-{item.pk}")
    (details,) = box.xpath(".//details[contains(@class, 'instruct')]")
    assert details.get("open") is not None
    (form,) = details.xpath(".//form")
    assert form.get("action").endswith(f"#{details.get('id')}")
    assert details.get("id") == f"item-{item.pk}-instruct"
    errors = details.xpath(".//*[contains(@class, 'errorlist')]")
    assert [e.text_content().strip() for e in errors] == ["请填写批示内容。"]
    (textarea,) = details.xpath(".//textarea")
    (label,) = details.xpath(f".//label[@for='{textarea.get('id')}']")
    assert label.text_content().endswith("的批示")


def test_too_long_instruction_keeps_what_was_written(client, world):
    people, issue, item = world
    text = "请抓好落实。" * 400  # 2,400 characters
    response = write(client, people, issue, item, text=text)
    assert response.status_code == 400
    box = lxml_html.fromstring(response.content.decode()).get_element_by_id(
        f"item-{item.pk}"
    )
    assert "批示最多 2000 个字。" in box.text_content()
    # Exactly as written: the browser drops only the newline after <textarea>.
    assert box.xpath(".//details//textarea")[0].text_content().lstrip("\n") == text


def test_instruction_form_on_every_item_posts_back_to_its_item(client, world):
    people, issue, item = world
    client.force_login(people["leader"])
    page = client.get(reverse("reading:issue", args=[issue.pk])).content.decode()
    action = reverse("reading:instruction_create", args=[issue.pk, item.pk])
    assert f'action="{action}#item-{item.pk}-instruct"' in page
    assert f'id="item-{item.pk}-instruct"' in page


def _signed(client, people, issue, item):
    write(client, people, issue, item)
    instruction = Instruction.objects.get()
    client.force_login(people["clerk"])
    client.post(reverse("reading:instruction_sign", args=[instruction.pk]))
    return instruction


@pytest.mark.parametrize("body", ["", "<p>&nbsp;</p>", "<p>&nbsp; </p><p><br></p>"])
def test_empty_feedback_says_what_is_missing(client, world, body):
    people, issue, item = world
    instruction = _signed(client, people, issue, item)
    response = client.post(
        reverse("reading:instruction_feedback", args=[instruction.pk]),
        {"body": body},
    )
    assert response.status_code == 400
    tree = lxml_html.fromstring(response.content.decode())
    field = tree.get_element_by_id("id_body").getparent().getparent()
    assert "请填写落实情况。" in field.text_content()
    instruction.refresh_from_db()
    assert instruction.status == S.SIGNED


def test_feedback_editor_is_not_required_by_the_browser_and_speaks_chinese(
    client, world
):
    """CKEditor hides the textarea: a ``required`` on it would block the submit
    without any visible warning. The editor's own words are in Chinese."""
    people, issue, item = world
    instruction = _signed(client, people, issue, item)
    response = client.get(reverse("reading:instruction_detail", args=[instruction.pk]))
    tree = lxml_html.fromstring(response.content.decode())
    assert tree.get_element_by_id("id_body").get("required") is None
    assert tree.xpath("//label[@for='id_body']")[0].text_content() == "落实情况"
    config = tree.get_element_by_id("id_body_script").text_content()
    assert '"language": "zh-cn"' in config
    scripts = tree.xpath("//script/@src")
    assert any(src.endswith("translations/zh-cn.js") for src in scripts)


def test_three_states_only_by_the_unit(
    client, world, django_capture_on_commit_callbacks
):
    people, issue, item = world
    write(client, people, issue, item)
    instruction = Instruction.objects.get()
    detail = reverse("reading:instruction_detail", args=[instruction.pk])
    sign = reverse("reading:instruction_sign", args=[instruction.pk])
    feedback = reverse("reading:instruction_feedback", args=[instruction.pk])

    # Another unit: not even the page.
    client.force_login(people["other_clerk"])
    assert client.get(detail).status_code == 404
    assert client.post(sign).status_code == 404
    assert client.post(feedback, {"body": "<p>x</p>"}).status_code == 404
    # The editor sees it but may not sign for the unit; nor may the leader.
    for who in ["editor", "leader"]:
        client.force_login(people[who])
        assert client.get(detail).status_code == 200
        assert client.post(sign).status_code == 404
    instruction.refresh_from_db()
    assert instruction.status == S.PENDING

    # Feedback before signing is refused.
    client.force_login(people["clerk"])
    client.post(feedback, {"body": "<p>已落实</p>"})
    instruction.refresh_from_db()
    assert instruction.status == S.PENDING

    # The unit's reviewer signs.
    client.force_login(people["reviewer"])
    assert client.post(sign).status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == S.SIGNED
    assert instruction.units.get().signed_by == people["reviewer"]
    # Signing twice changes nothing.
    client.post(sign)
    assert ItemEvent.objects.filter(action="instruction_signed").count() == 1

    # The clerk files the feedback, sanitised, with a PDF attachment.
    client.force_login(people["clerk"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            feedback,
            {
                "body": '<p onclick="x()">已走访<script>alert(1)</script>1200户</p>',
                "attachments": [SimpleUploadedFile("落实情况.pdf", PDF)],
            },
        )
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.status == S.ANSWERED
    assert instruction.units.get().feedback.body == "<p>已走访1200户</p>"
    attachment = instruction.units.get().feedback.attachments.get()
    assert attachment.original_name == "落实情况.pdf"
    assert list(ItemEvent.objects.filter(item=item).values_list("action", flat=True))[
        -3:
    ] == ["instruction", "instruction_signed", "instruction_feedback"]
    assert (
        "落实" in Notification.objects.filter(recipient=people["leader"]).last().title
    )

    # The leader sees the feedback on the item, and may fetch the attachment.
    client.force_login(people["leader"])
    page = client.get(reverse("reading:issue", args=[issue.pk])).content.decode()
    assert "已走访1200户" in page and "已反馈" in page
    file_url = reverse(
        "reading:feedback_attachment", args=[instruction.pk, attachment.pk]
    )
    assert file_url in page
    download = client.get(file_url)
    assert download.status_code == 200
    assert download["Cache-Control"] == "private, no-store"
    client.force_login(people["other_clerk"])
    assert client.get(file_url).status_code == 404


def test_feedback_refuses_a_file_that_is_not_what_it_says(client, world):
    people, issue, item = world
    write(client, people, issue, item)
    instruction = Instruction.objects.get()
    client.force_login(people["clerk"])
    client.post(reverse("reading:instruction_sign", args=[instruction.pk]))
    response = client.post(
        reverse("reading:instruction_feedback", args=[instruction.pk]),
        {
            "body": "<p>已落实</p>",
            "attachments": [SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>")],
        },
    )
    assert response.status_code == 400
    assert "已落实" in response.content.decode()  # what they typed is kept
    instruction.refresh_from_db()
    assert instruction.status == S.SIGNED


def test_unit_inbox_and_editor_list(client, world, settings):
    people, issue, item = world
    write(client, people, issue, item)
    instruction = Instruction.objects.get()
    client.force_login(people["clerk"])
    inbox = client.get(reverse("reading:unit_inbox")).content.decode()
    assert item.title in inbox
    client.force_login(people["other_clerk"])
    assert item.title not in client.get(reverse("reading:unit_inbox")).content.decode()
    assert client.get(reverse("reading:instruction_list")).status_code == 404

    client.force_login(people["editor"])
    url = reverse("reading:instruction_list")
    fresh = client.get(url)
    assert not fresh.context["instructions"][0].is_overdue
    assert 'class="overdue"' not in fresh.content.decode()
    Instruction.objects.filter(pk=instruction.pk).update(
        created_at=instruction.created_at - datetime.timedelta(days=8)
    )
    response = client.get(url)
    row = response.context["instructions"][0]
    assert row.is_overdue and row.days_open == 8
    assert 'class="overdue"' in response.content.decode()
    settings.INSTRUCTION_OVERDUE_DAYS = 10
    assert not client.get(url).context["instructions"][0].is_overdue


def test_items_with_instructions_are_marked(client, world):
    people, issue, item = world
    write(client, people, issue, item)
    client.force_login(people["editor"])
    page = client.get(reverse("reading:issue", args=[issue.pk])).content.decode()
    assert "批示 1 条" in page
    client.force_login(people["leader"])
    page = client.get(reverse("reading:issue", args=[issue.pk])).content.decode()
    assert "已批示" in page


def test_unit_membership_change_is_respected(client, world):
    people, issue, item = world
    write(client, people, issue, item)
    instruction = Instruction.objects.get()
    Membership.objects.filter(user=people["clerk"]).delete()
    people["clerk"].refresh_from_db()
    client.force_login(people["clerk"])
    detail = reverse("reading:instruction_detail", args=[instruction.pk])
    assert client.get(detail).status_code == 404
