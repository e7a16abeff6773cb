"""The two inputs that gave a 500: a clerk's save without the page's version,
and a print run of eleven digits. Both are form errors, in Chinese, and what
the user typed is still on the page."""

import pytest
from django.urls import reverse

from briefing.models import Issue
from tests import factories

from .item_helpers import S, item_in_state, make_cast

pytestmark = pytest.mark.django_db


def test_saving_an_item_without_its_version_is_a_form_error(client):
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    client.force_login(cast.clerk)
    response = client.post(
        reverse("briefing:item_edit", args=[item.pk]),
        {"title": "我刚写好的标题", "body": "<p>我刚写好的正文</p>", "action": "save"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "页面不完整或已过期" in text
    assert "我刚写好的标题" in text and "我刚写好的正文" in text
    item.refresh_from_db()
    assert item.title != "我刚写好的标题"


@pytest.mark.parametrize("copies", ["99999999999", "99999999999999999999", "10001"])
def test_a_print_run_of_many_digits_is_refused_at_the_form(client, copies):
    editor = factories.make_editor()
    issue = factories.make_issue(created_by=editor)
    client.force_login(editor)
    response = client.post(
        reverse("briefing:issue_update", args=[issue.pk]),
        {
            "issue_date": "2026-11-24",
            "copies": copies,
            "version": issue.version,
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "10000" in text  # the limit is named
    assert copies in text  # what was typed is still there
    assert Issue.objects.get(pk=issue.pk).copies == 60


def test_a_new_issue_with_a_print_run_of_many_digits_is_refused(client):
    editor = factories.make_editor()
    publication = factories.make_publication()
    client.force_login(editor)
    response = client.post(
        reverse("briefing:issue_create"),
        {
            "publication": publication.pk,
            "issue_date": "2026-11-24",
            "copies": "99999999999",
        },
    )
    assert response.status_code in (200, 400)
    assert "10000" in response.content.decode()
    assert not Issue.objects.exists()
