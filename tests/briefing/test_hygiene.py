"""Paste hygiene: what a pasted text brings along is cleaned on save, the clerk is
told what was done, and the printed issue shows the headline once and the unit
once, at the end of the item's last line."""

import io

import pdfplumber
import pytest
from django.urls import reverse

from briefing.hygiene import UnitNames, char_count, tidy_body
from briefing.models import Item
from briefing.pdf import render_pdf
from briefing.selectors.issues import issue_html
from briefing.services import items as services
from tests import factories

from .test_pdf import body_lines, text_of

pytestmark = pytest.mark.django_db

TITLE = "开发区“周六不休”服务专班助企纾困"
BODY = "今年以来，开发区成立“周六不休”服务专班，帮助企业解决难题。"
UNITS = UnitNames(
    own=frozenset({"开发区", "延津县开发区"}),
    others={"市场监督管理局": "市场监管局", "市场监管局": "市场监管局"},
)


# ---- the rules, one by one ------------------------------------------------------


def test_a_first_paragraph_equal_to_the_title_is_removed():
    tidied = tidy_body(TITLE, f"<p>{TITLE}</p><p>{BODY}</p>", UNITS)
    assert tidied.body == f"<p>{BODY}</p>"
    assert tidied.summary == "已自动处理：删除与标题相同的首段"


def test_the_title_and_a_gap_at_the_start_of_the_first_paragraph_are_removed():
    # A copy of the printed item: the headline run in, then the body.
    for gap in ["\u3000", " ", "&nbsp;&nbsp;"]:
        body = f"<p><strong>{TITLE}</strong>{gap}{BODY}</p>"
        tidied = tidy_body(TITLE, body, UNITS)
        assert tidied.body == f"<p><strong></strong>{BODY}</p>", gap
        assert tidied.changes == ["删除首段开头重复的标题"]


def test_a_paragraph_that_only_starts_like_the_title_stays():
    body = f"<p>{TITLE}取得实效。</p>"
    assert tidy_body(TITLE, body, UNITS).body == body


def test_empty_paragraphs_and_blank_space_at_paragraph_ends_are_removed():
    body = (
        "<p>&nbsp;</p><p>\u3000\u3000第一段。&nbsp;</p><p><br></p>"
        "<p><strong> 第二段。</strong></p><p> </p>"
    )
    tidied = tidy_body(TITLE, body, UNITS)
    assert tidied.body == "<p>第一段。</p><p><strong>第二段。</strong></p>"
    assert tidied.changes == ["删除 3 个空段落", "去掉 2 段首尾的空白"]


def test_a_trailing_unit_is_removed_whatever_its_name_and_another_unit_is_flagged():
    tidied = tidy_body(TITLE, f"<p>{BODY}（市场监督管理局）（开发区）</p>", UNITS)
    assert tidied.body == f"<p>{BODY}</p>"
    assert tidied.changes == [
        "删除末尾的（市场监督管理局）（开发区）（印刷时自动加上本单位名称）"
    ]
    # A unit on a line of its own goes with its paragraph.
    tidied = tidy_body(TITLE, f"<p>{BODY}</p><p>（延津县开发区）</p>", UNITS)
    assert tidied.body == f"<p>{BODY}</p>"


def test_brackets_that_are_no_unit_stay():
    body = f"<p>{BODY}（2026年）</p>"
    assert tidy_body(TITLE, body, UNITS).body == body


def test_another_units_name_in_the_text_is_flagged_not_changed():
    body = "<p>开发区联合市场监管局开展检查。</p>"
    tidied = tidy_body(TITLE, body, UNITS)
    assert tidied.body == body and not tidied.changes
    assert tidied.warnings == [
        "正文中出现了其他单位的名称：市场监管局。"
        "如果是从其他单位的稿件复制的文字，请核对后修改。"
    ]
    assert not tidy_body(TITLE, "<p>延津县开发区召开会议。</p>", UNITS).warnings


def test_char_count_counts_characters_not_white_space():
    assert char_count("开发区 2026 年，GDP 增长 5.1%。\n\u3000第二段") == 22


# ---- through the form -------------------------------------------------------------


def pasted_body(unit):
    """What the issue's clerk pasted: the headline again, blank paragraphs, the
    unit at the end."""
    return (
        f"<p>{TITLE}</p><p>&nbsp;</p><p>\u3000\u3000{BODY}</p>"
        f"<p>第二段，专班已走访企业 31 家。</p><p>（{unit}）</p><p>&nbsp;</p>"
    )


def test_the_form_cleans_the_text_and_says_what_it_did(client):
    department = factories.make_department("开发区", name="延津县开发区")
    factories.make_department("民政局", name="延津县民政局")
    client.force_login(factories.make_clerk(department))
    body = pasted_body("开发区").replace("第二段，", "第二段，联合民政局，")
    response = client.post(
        reverse("briefing:item_create"),
        {"title": TITLE, "body": body, "action": "save"},
        follow=True,
    )
    item = Item.objects.get()
    edit_url = reverse("briefing:item_edit", args=[item.pk])
    assert response.redirect_chain[-1][0] == edit_url
    assert item.body == (
        f"<p>{BODY}</p><p>第二段，联合民政局，专班已走访企业 31 家。</p>"
    )
    page = response.content.decode()
    assert (
        "已自动处理：删除与标题相同的首段；"
        "删除末尾的（开发区）（印刷时自动加上本单位名称）；"
        "删除 2 个空段落；去掉 1 段首尾的空白"
    ) in page
    assert "正文中出现了其他单位的名称：民政局" in page


def test_the_form_removes_the_trailing_unit_on_submit(client):
    department = factories.make_department("开发区", name="延津县开发区")
    clerk = factories.make_clerk(department)
    client.force_login(clerk)
    response = client.post(
        reverse("briefing:item_create"),
        {"title": TITLE, "body": pasted_body("延津县开发区"), "action": "submit"},
        follow=True,
    )
    item = Item.objects.get()
    assert item.status == Item.Status.SUBMITTED
    assert item.body == f"<p>{BODY}</p><p>第二段，专班已走访企业 31 家。</p>"
    assert "删除末尾的（延津县开发区）" in response.content.decode()
    assert item.revisions.get().body == item.body


def test_the_editors_copy_edit_is_cleaned_too(client):
    department = factories.make_department("开发区", name="延津县开发区")
    clerk = factories.make_clerk(department)
    editor = factories.make_editor()
    item = services.create_item(clerk, title=TITLE, body=f"<p>{BODY}</p>")
    services.submit_item(item, clerk)
    item = services.claim_item(item, editor)
    client.force_login(editor)
    response = client.post(
        reverse("briefing:item_editor_edit", args=[item.pk]),
        {"title": TITLE, "body": pasted_body("开发区"), "version": item.version},
        follow=True,
    )
    item.refresh_from_db()
    assert item.body == f"<p>{BODY}</p><p>第二段，专班已走访企业 31 家。</p>"
    assert "已自动处理：删除与标题相同的首段" in response.content.decode()


# ---- in print ---------------------------------------------------------------------


def printed_lines(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [
            text_of(line).strip() for page in doc.pages for line in body_lines(page)
        ]


def adopted_through_the_form(client, department, title, body):
    clerk = factories.make_clerk(department)
    editor = factories.make_editor()
    client.force_login(clerk)
    client.post(
        reverse("briefing:item_create"),
        {"title": title, "body": body, "action": "submit"},
    )
    item = Item.objects.get(title=title)
    issue = factories.make_issue(created_by=editor)
    services.adopt_item(item, issue, factories.make_section(), editor)
    return issue


def test_printed_item_shows_the_headline_once_and_ends_with_its_unit(client):
    department = factories.make_department("开发区", name="延津县开发区")
    issue = adopted_through_the_form(client, department, TITLE, pasted_body("开发区"))
    lines = printed_lines(render_pdf(issue_html(issue)))
    text = "".join(lines)
    assert text.count(TITLE) == 1
    assert text.count("（开发区）") == 1
    assert lines[-1].endswith("家。（开发区）")
    assert all(line != "（开发区）" for line in lines)


def test_unit_never_stands_alone_when_the_text_fills_the_last_line(client):
    # Headline, gap and body fill the first line and one full line more (28
    # characters: "专。", 25 × 班, "。"), so the unit has no room left there.
    department = factories.make_department("开发区", name="延津县开发区")
    title = "县开发区项目建设提速"
    body = "专" * 15 + "。" + "班" * 25 + "。"
    issue = adopted_through_the_form(client, department, title, f"<p>{body}</p>")
    lines = printed_lines(render_pdf(issue_html(issue)))
    assert lines[-1].endswith("（开发区）")
    assert lines[-1] != "（开发区）"
    assert not lines[-1].startswith("。")
