"""The site header: each user sees their own name, menus and unread count,
changes show on the next page, and the logout form carries the user's own
CSRF token."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from core import roles
from notifications.services import notify
from tests import factories

pytestmark = pytest.mark.django_db


def header(client):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    (node,) = lxml_html.fromstring(response.content.decode()).xpath("//header")
    return node


def menus(node):
    return [a.text_content() for a in node.xpath(".//nav[@class='main-nav']/a")]


def test_each_user_sees_their_own_header_and_changes_at_once(client):
    editor = factories.make_editor(first_name="张编辑")
    other = factories.make_editor(first_name="李编辑")
    client.force_login(editor)
    assert "张编辑" in header(client).text_content()
    client.force_login(other)
    node = header(client)
    assert "李编辑" in node.text_content() and "张编辑" not in node.text_content()
    assert "收稿箱" in menus(node)

    other.first_name = "李主任"
    other.save(update_fields=["first_name"])
    other.groups.remove(Group.objects.get(name=roles.EDITOR))
    node = header(client)
    assert "李主任" in node.text_content()
    assert "收稿箱" not in menus(node)


def test_the_bell_counts_the_users_own_unread_notifications(
    client, django_capture_on_commit_callbacks
):
    reader, other = factories.make_reader(), factories.make_reader()
    with django_capture_on_commit_callbacks(execute=True):
        notify([reader], title="请阅读第1期", url="/read/")
    client.force_login(reader)
    (bell,) = header(client).xpath(".//a[@class='notification-bell']")
    assert bell.get("aria-label") == "通知（1 条未读）"
    client.force_login(other)
    (bell,) = header(client).xpath(".//a[@class='notification-bell']")
    assert bell.get("aria-label") == "通知（0 条未读）"


def test_logout_takes_the_users_own_csrf_token():
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(factories.make_reader(first_name="陈副县长"))
    second.force_login(factories.make_reader(first_name="陈副县长"))

    def token(client):
        form = header(client).xpath(".//form[@data-logout]")[0]
        return form.xpath(".//input[@name='csrfmiddlewaretoken']/@value")[0]

    first_token = token(first)
    second_token = token(second)
    assert first_token != second_token
    assert (
        second.post(
            reverse("logout"), {"csrfmiddlewaretoken": second_token}
        ).status_code
        == 302
    )
    assert second.get(reverse("notifications:list")).status_code == 302  # to login
    assert header(first).xpath(".//form[@data-logout]")


@pytest.mark.parametrize("name", ["password_change", "password_change_done"])
def test_the_admins_password_pages_keep_the_header(client, name):
    # The admin sets its own ``site_header`` (its title) on these pages.
    client.force_login(factories.make_admin(first_name="系统管理员"))
    response = client.get(reverse(f"admin:{name}"))
    assert response.status_code == 200
    (node,) = lxml_html.fromstring(response.content.decode()).xpath("//header")
    assert "系统管理员" in node.text_content()
    assert node.xpath(".//form[@data-logout]")


def test_a_refused_host_gets_the_chinese_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
