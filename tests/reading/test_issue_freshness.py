"""The issue page caches only the issued text, under the issue's version: a
correction, a new 批示, a renamed unit or section and a newly issued issue
show on the very next request, and nothing of one reader reaches another."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from briefing.services.issues import issue_correction
from reading.models import Instruction
from reading.services import write_instruction
from tests import factories

from .factories import make_distribution, make_document, make_group, make_issue

pytestmark = pytest.mark.django_db


def page(client, issue):
    response = client.get(reverse("reading:issue", args=[issue.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_correction_shows_at_once(client):
    reader = factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    item = issue.items.get()
    item.body = "<p>原稿第一段。</p>"
    item.save(update_fields=["body"])
    client.force_login(reader)
    assert "原稿第一段。" in page(client, issue)
    issue.refresh_from_db()
    issue_correction(
        issue,
        factories.make_signer(),
        reason="数字有误",
        version=issue.version,
        items={item.pk: {"title": item.title, "body": "<p>更正后的第一段。</p>"}},
    )
    text = page(client, issue)
    assert "更正后的第一段。" in text
    assert "原稿第一段。" not in text
    assert "下载 PDF（更正版）" in text


def test_a_new_instruction_shows_at_once_to_its_author_and_the_editor(client):
    reader = factories.make_reader()
    editor = factories.make_editor()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    item = issue.items.get()
    client.force_login(reader)
    assert "请抓好落实。" not in page(client, issue)
    client.force_login(editor)
    assert "批示 1 条" not in page(client, issue)
    write_instruction(item, issue, reader, "请抓好落实。")
    client.force_login(reader)
    assert "请抓好落实。" in page(client, issue)
    client.force_login(editor)
    assert "批示 1 条" in page(client, issue)


def test_script_in_a_body_is_still_removed_from_the_cached_text(client):
    reader = factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    item = issue.items.get()
    item.body = "<p>正文</p><script>alert(1)</script>"
    item.save(update_fields=["body"])
    client.force_login(reader)
    for _ in range(2):  # rendered, then from the cache
        text = page(client, issue)
        assert "正文" in text
        assert "alert(1)" not in text


def _csrf_tokens(text):
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', text))


def _instruction_form_token(text, item):
    box = lxml_html.fromstring(text).get_element_by_id(f"item-{item.pk}-instruct")
    (token,) = box.xpath(".//input[@name='csrfmiddlewaretoken']/@value")
    return token


def test_each_reader_gets_their_own_csrf_token():
    first, second = factories.make_reader(), factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(first, second)]))
    item = issue.items.get()
    pages = {}
    for reader in (first, second):
        browser = Client(enforce_csrf_checks=True)
        browser.force_login(reader)
        pages[reader] = (browser, page(browser, issue))
    browser, text = pages[second]
    assert not _csrf_tokens(text) & _csrf_tokens(pages[first][1])
    response = browser.post(
        reverse("reading:instruction_create", args=[issue.pk, item.pk]),
        {
            "text": "请抓好落实。",
            "csrfmiddlewaretoken": _instruction_form_token(text, item),
        },
    )
    assert response.status_code == 302
    assert Instruction.objects.filter(author=second).exists()


def test_one_leaders_instruction_is_not_in_another_leaders_page(client):
    author, other = factories.make_reader(), factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(author, other)]))
    item = issue.items.get()
    client.force_login(other)
    page(client, issue)  # the issued text is cached
    write_instruction(item, issue, author, "请抓好落实。")
    client.force_login(author)
    assert "请抓好落实。" in page(client, issue)
    client.force_login(other)
    text = page(client, issue)
    assert "请抓好落实。" not in text
    assert "已批示" not in text


def test_the_instruction_form_only_for_who_may_instruct_whoever_opens_first(client):
    reader, editor = factories.make_reader(), factories.make_editor()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    form = 'class="instruct no-print"'
    for user, has_form in [(editor, False), (reader, True), (editor, False)]:
        client.force_login(user)
        assert (form in page(client, issue)) is has_form


def test_a_newly_issued_issue_is_linked_at_once(client):
    reader = factories.make_reader()
    distribution = make_distribution(groups=[make_group(reader)])
    first = make_issue(distribution)
    client.force_login(reader)
    assert "下一期：" not in page(client, first)
    second = make_issue(distribution, publication=first.publication)
    text = page(client, first)
    assert f"下一期：{second.number_label}" in text
    assert "下载 PDF" not in text
    make_document(first)
    assert "下载 PDF" in page(client, first)


def test_a_renamed_unit_section_and_publication_show_at_once(client):
    reader = factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    item = issue.items.select_related("department", "section").get()
    client.force_login(reader)
    page(client, issue)  # the issued text is cached
    item.department.short_name = "新名称局"
    item.department.save()
    item.section.name = "改名栏目"
    item.section.save()
    issue.publication.name = "改名刊物"
    issue.publication.save()
    text = page(client, issue)
    assert "（新名称局）" in text
    assert "【改名栏目】" in text
    assert "改名刊物" in text
