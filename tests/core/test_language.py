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


def test_django_texts_missing_from_its_catalogue_are_chinese_too(client):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        validate_password("Ab1#")
    assert "密码太短，至少需要 8 个字符。" in refused.value.messages

    client.force_login(factories.make_admin())
    add_user = client.get(reverse("admin:auth_user_add")).content.decode()
    assert "创建后还可以继续修改" in add_user and "After you" not in add_user
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    assert "\\u9009\\u62e9\\u5168\\u90e8" in catalog or "选择全部" in catalog
