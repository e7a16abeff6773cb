"""The issue page caches the issued text (keyed by the issue's version): a
correction and a new 批示 still show at once."""

import pytest
from django.urls import reverse

from briefing.services.issues import issue_correction
from reading.services import write_instruction
from tests import factories

from .factories import make_distribution, make_group, make_issue

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
