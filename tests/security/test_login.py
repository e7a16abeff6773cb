"""Login: lockout after 5 failures for 30 minutes, one message, every try audited."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


def post_login(client, username, password, **extra):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **extra
    )


def test_unknown_user_and_wrong_password_read_the_same(client):
    factories.make_editor(username="zhang")
    wrong = post_login(client, "zhang", "Wrong#Pass2026")
    unknown = post_login(client, "nobody", "Wrong#Pass2026")
    assert wrong.status_code == unknown.status_code == 200
    wrong_errors = wrong.context["form"].non_field_errors()
    assert wrong_errors == unknown.context["form"].non_field_errors()
    assert "用户名" in str(wrong_errors) and "密码" in str(wrong_errors)


def test_disabled_user_reads_the_same_message_as_wrong_password(client):
    user = factories.make_editor(username="gone")
    user.is_active = False
    user.save()
    disabled = post_login(client, "gone", factories.PASSWORD)
    wrong = post_login(client, "nobody", "x")
    assert disabled.context["form"].non_field_errors() == (
        wrong.context["form"].non_field_errors()
    )


def test_five_failures_lock_the_account_even_for_the_right_password(client):
    factories.make_editor(username="zhang")
    for _ in range(4):
        assert post_login(client, "zhang", "Wrong#1").status_code == 200
    locked = post_login(client, "zhang", "Wrong#1")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in locked.content.decode()
    right = post_login(client, "zhang", factories.PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_unknown_user_name_is_locked_the_same_way(client):
    for _ in range(5):
        response = post_login(client, "ghost", "Wrong#1")
    assert response.status_code == 429


def test_lock_lasts_thirty_minutes(client):
    factories.make_editor(username="zhang")
    for _ in range(5):
        post_login(client, "zhang", "Wrong#1")
    attempts = AccessAttempt.objects.filter(username="zhang")
    attempts.update(attempt_time=timezone.now() - datetime.timedelta(minutes=29))
    assert post_login(client, "zhang", factories.PASSWORD).status_code == 429
    attempts.update(attempt_time=timezone.now() - datetime.timedelta(minutes=31))
    assert post_login(client, "zhang", factories.PASSWORD).status_code == 302


def test_every_failure_and_the_lockout_are_audit_events(client):
    factories.make_editor(username="zhang")
    for _ in range(5):
        post_login(client, "zhang", "Wrong#1", REMOTE_ADDR="10.1.2.3")
    failures = AuditEvent.objects.filter(action="login_failed")
    assert failures.count() == 5
    assert {e.username for e in failures} == {"zhang"}
    assert {e.result for e in failures} == {AuditEvent.Result.FAILURE}
    assert {e.source_ip for e in failures} == {"10.1.2.3"}
    lockout = AuditEvent.objects.get(action="lockout")
    assert lockout.username == "zhang"
    assert lockout.result == AuditEvent.Result.FAILURE


def test_successful_login_is_an_audit_event_with_role_and_ip(client):
    user = factories.make_editor(username="zhang")
    response = post_login(client, "zhang", factories.PASSWORD, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="login")
    assert event.user == user
    assert event.username == "zhang"
    assert event.role == "编辑"
    assert event.source_ip == "10.9.8.7"
    assert len(event.request_id) == 32


def test_forwarded_for_believed_only_from_a_trusted_proxy(client, settings):
    factories.make_editor(username="zhang")
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    post_login(
        client,
        "zhang",
        "bad",
        REMOTE_ADDR="10.0.0.99",
        HTTP_X_FORWARDED_FOR="1.2.3.4",
    )
    post_login(
        client,
        "zhang",
        "bad",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="5.6.7.8",
    )
    addresses = list(
        AuditEvent.objects.filter(action="login_failed")
        .order_by("id")
        .values_list("source_ip", flat=True)
    )
    assert addresses == ["10.0.0.99", "5.6.7.8"]


def test_admin_unlocks_a_locked_account_in_chinese(client):
    factories.make_editor(username="zhang")
    for _ in range(5):
        post_login(client, "zhang", "Wrong#1")
    attempt = AccessAttempt.objects.get(username="zhang")
    admin = factories.make_user(username="root", is_staff=True, is_superuser=True)
    admin_client = type(client)()
    admin_client.force_login(admin)
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "登录失败记录" in page and "zhang" in page and "失败次数" in page
    deleted = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]),
        {"post": "yes"},
    )
    assert deleted.status_code == 302
    assert post_login(client, "zhang", factories.PASSWORD).status_code == 302


def test_lockout_page_is_chinese_and_explains_the_wait(client):
    for _ in range(5):
        response = post_login(client, "ghost", "Wrong#1")
    page = response.content.decode()
    assert "锁定 30 分钟" in page and "联系系统管理员" in page


def lock(client, username):
    for _ in range(5):
        response = post_login(client, username, "Wrong#1")
    assert response.status_code == 429
    return response


def test_lockout_page_says_when_it_ends_and_who_can_unlock(client, time_machine):
    time_machine.move_to(
        datetime.datetime(2027, 3, 2, 9, 15, tzinfo=ZoneInfo("Asia/Shanghai")),
        tick=False,
    )
    factories.make_editor(username="zhang")
    page = lock(client, "zhang").content.decode()
    assert "将于 <strong>3月2日 09:45</strong> 自动解锁" in page
    assert "联系系统管理员解锁" in page and "登录失败记录" in page


def test_tries_while_locked_are_not_new_lockouts(client):
    factories.make_editor(username="zhang")
    lock(client, "zhang")
    for _ in range(3):
        assert post_login(client, "zhang", factories.PASSWORD).status_code == 429
    assert AuditEvent.objects.filter(action="lockout").count() == 1
    assert AuditEvent.objects.filter(action="login_failed").count() == 8


def test_an_account_locked_three_times_in_a_day_alerts_the_admins(
    client, time_machine, django_capture_on_commit_callbacks
):
    from notifications.models import Notification

    start = datetime.datetime(2027, 3, 2, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    factories.make_editor(username="zhang")
    admin = factories.make_admin(username="guanli")
    root = factories.make_user(username="root", is_superuser=True)
    factories.make_editor(username="bianji")
    with django_capture_on_commit_callbacks(execute=True):
        for hours in (0, 1, 2):
            time_machine.move_to(start + datetime.timedelta(hours=hours), tick=False)
            lock(client, "zhang")
            if hours < 2:
                assert not Notification.objects.exists()
    alerts = Notification.objects.filter(title__contains="zhang")
    assert {n.recipient for n in alerts} == {admin, root}
    assert "24 小时内第 3 次" in alerts.first().body
    assert "q=zhang" in alerts.first().url
    event = AuditEvent.objects.get(action="repeated_lockout")
    assert event.username == "zhang" and event.result == AuditEvent.Result.FAILURE
    # A lock a day later starts the count again.
    time_machine.move_to(start + datetime.timedelta(hours=27), tick=False)
    lock(client, "zhang")
    assert AuditEvent.objects.filter(action="repeated_lockout").count() == 1
