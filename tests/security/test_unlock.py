"""Unlocking a locked account in the admin (登录锁定 › 登录失败记录): in Chinese,
in Shanghai time, one audit event per account, no raw form data on show."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from audit.labels import action_label
from audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db

LIST = reverse("admin:axes_accessattempt_changelist")
# A minute ago (django-axes deletes records older than its cool-off on every
# request), in UTC; Shanghai is eight hours ahead.
FAILED_AT = datetime.datetime.now(datetime.UTC).replace(
    microsecond=0
) - datetime.timedelta(minutes=1)
IN_SHANGHAI = f"{FAILED_AT + datetime.timedelta(hours=8):%Y-%m-%d %H:%M}"
IN_UTC = f"{FAILED_AT:%H:%M}"


def admin_client():
    client = Client()
    client.force_login(factories.make_admin(username="root"))
    return client


def lock(username, ip="10.0.0.1", **fields):
    attempt = AccessAttempt.objects.create(
        username=username,
        ip_address=ip,
        user_agent=f"browser at {ip}",
        failures_since_start=5,
        **fields,
    )
    # attempt_time is auto_now_add: set it afterwards.
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=FAILED_AT)
    attempt.refresh_from_db()
    return attempt


def events_since(pk):
    return list(AuditEvent.objects.filter(pk__gt=pk).order_by("pk"))


def last_event_pk():
    return AuditEvent.objects.order_by("pk").values_list("pk", flat=True).last() or 0


def can_log_in(username):
    factories.make_editor(username=username)
    response = Client().post(
        reverse("login"), {"username": username, "password": factories.PASSWORD}
    )
    return response.status_code == 302


def test_the_action_unlocks_each_selected_account_with_one_event():
    zhang = lock("zhang")
    lock("zhang", ip="10.0.0.2")  # the same account from another computer
    li = lock("li")
    wang = lock("wang")
    client = admin_client()
    assert "解锁所选账号" in client.get(LIST).content.decode()
    before = last_event_pk()
    response = client.post(
        LIST, {"action": "unlock_selected", "_selected_action": [zhang.pk, li.pk]}
    )
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "已解锁：li、zhang"
    ]
    assert list(AccessAttempt.objects.all()) == [wang]
    events = events_since(before)
    assert {e.action for e in events} == {"account_unlocked"}
    assert [e.reason for e in events] == [
        "解锁账号 li：删除 1 条登录失败记录",
        "解锁账号 zhang：删除 2 条登录失败记录",
    ]
    assert {(e.username, e.object_type) for e in events} == {("root", "accessattempt")}
    assert action_label("account_unlocked") == "解锁账号"
    assert can_log_in("zhang")


def test_deleting_one_record_unlocks_with_one_event_and_returns_to_the_list():
    attempt = lock("zhang")
    lock("zhang", ip="10.0.0.2")
    client = admin_client()
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    confirm = client.get(url).content.decode()
    assert "解锁账号" in confirm
    assert f"zhang 的登录失败记录（{IN_SHANGHAI}）" in confirm
    assert "Attempted Access" not in confirm
    before = last_event_pk()
    response = client.post(url, {"post": "yes"})
    assert response.status_code == 302 and response["Location"] == LIST
    [message] = get_messages(response.wsgi_request)
    assert "已解锁" in str(message)
    assert f"zhang 的登录失败记录（{IN_SHANGHAI}）" in str(message)
    assert not AccessAttempt.objects.exists()
    [event] = events_since(before)
    assert event.action == "account_unlocked"
    assert event.reason == "解锁账号 zhang：删除 2 条登录失败记录"
    assert can_log_in("zhang")


def test_the_list_shows_the_last_failure_in_shanghai_time():
    lock("zhang")
    page = admin_client().get(LIST, {"q": "zhang"}).content.decode()
    for heading in ("用户名", "IP 地址", "失败次数", "最近一次失败"):
        assert heading in page
    assert IN_SHANGHAI in page
    assert IN_UTC not in page


def test_the_search_finds_by_username():
    lock("zhang")
    lock("li")
    page = admin_client().get(LIST, {"q": "li"}).content.decode()
    assert ">li</a>" in page and "zhang" not in page


def test_the_record_page_shows_no_raw_form_data():
    attempt = lock(
        "zhang",
        get_data="next=/issues/",
        post_data="csrfmiddlewaretoken=Secret123Token\nusername=zhang",
    )
    response = admin_client().get(
        reverse("admin:axes_accessattempt_change", args=[attempt.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "zhang" in page and "10.0.0.1" in page
    # The page's own logout form has a token; the stored one must not show.
    assert "csrfmiddlewaretoken=" not in page and "Secret123Token" not in page
    assert "next=/issues/" not in page


def test_failures_from_two_browsers_add_up_to_a_lock_as_axes_counts_them():
    from core.axes_admin import is_locked

    first = AccessAttempt.objects.create(
        username="tmp_lock",
        ip_address="10.0.0.1",
        user_agent="甲",
        failures_since_start=3,
    )
    second = AccessAttempt.objects.create(
        username="tmp_lock",
        ip_address="10.0.0.1",
        user_agent="乙",
        failures_since_start=2,
    )
    assert is_locked(first) and is_locked(second)
    assert not can_log_in("tmp_lock")  # axes agrees: the account is locked
    AccessAttempt.objects.filter(pk=second.pk).delete()
    assert not is_locked(first)


def test_the_lockout_section_has_its_chinese_name():
    page = admin_client().get(reverse("admin:index")).content.decode()
    assert "登录锁定" in page and ">Axes<" not in page
