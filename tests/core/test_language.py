"""The site speaks Simplified Chinese whatever language the browser asks for."""

import pytest
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("accept", ["en", "en-US,en;q=0.9", "zh-TW", "ja"])
def test_form_errors_are_chinese_for_any_browser_language(client, accept):
    clerk = factories.make_clerk(factories.make_department())
    client.force_login(clerk)
    response = client.post(
        reverse("briefing:item_create"), {"action": "save"}, HTTP_ACCEPT_LANGUAGE=accept
    )
    text = response.content.decode()
    assert "这个字段是必填项。" in text
    assert "This field is required." not in text
