"""Password policy, maximum age, and change at first login after an admin set it."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from core.models import PasswordState
from tests import factories

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Xin#Mima2027"


@pytest.mark.parametrize(
    "password",
    [
        "Ab#1234",  # 7 characters
        "abcdefgh1",  # 2 classes
        "ABCDEFGH!",  # 2 classes
        "Password1",  # common
        "87654321",  # numeric, common
        "Zhangwei#2026",  # like the user name
    ],
)
def test_weak_passwords_are_refused(password):
    user = get_user_model()(username="zhangwei", first_name="张伟")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_strong_password_is_accepted():
    user = get_user_model()(username="zhangwei")
    validate_password("Huang#He2026river", user)


def login(client, user, password=factories.PASSWORD):
    response = client.post(
        reverse("login"), {"username": user.username, "password": password}
    )
    assert response.status_code == 302
    return response


def change_password(client, old=factories.PASSWORD, new=NEW_PASSWORD):
    return client.post(
        reverse("password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_password_older_than_max_age_must_be_changed_first(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 90
    user = factories.make_reader()
    PasswordState.objects.filter(user=user).update(
        changed_at=timezone.now() - datetime.timedelta(days=91)
    )
    login(client, user)
    response = client.get(reverse("briefing:issue_list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "已超过 90 天未修改" in page
    assert "旧密码" in page and "新密码" in page
    response = change_password(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change_done")
    assert client.get(reverse("briefing:issue_list")).status_code == 200
    event = AuditEvent.objects.get(action="password_change")
    assert event.user == user


def test_password_within_max_age_goes_on(client):
    user = factories.make_reader()
    PasswordState.objects.filter(user=user).update(
        changed_at=timezone.now() - datetime.timedelta(days=89)
    )
    login(client, user)
    assert client.get(reverse("briefing:issue_list")).status_code == 200


def test_max_age_is_a_setting(client, settings):
    settings.PASSWORD_MAX_AGE_DAYS = 30
    user = factories.make_reader()
    PasswordState.objects.filter(user=user).update(
        changed_at=timezone.now() - datetime.timedelta(days=31)
    )
    login(client, user)
    assert client.get(reverse("briefing:issue_list"))["Location"] == reverse(
        "password_change"
    )


def test_weak_new_password_is_refused_in_chinese(client):
    user = factories.make_reader()
    login(client, user)
    response = change_password(client, new="abcdefgh")
    assert response.status_code == 200
    page = response.content.decode()
    assert "密码须包含小写字母、大写字母、数字、符号中的至少 3 类" in page
    assert not AuditEvent.objects.filter(action="password_change").exists()


def admin_client():
    admin = factories.make_user(username="root", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    return client


def test_account_created_by_admin_must_change_password_at_first_login():
    response = admin_client().post(
        reverse("admin:auth_user_add"),
        {
            "username": "newclerk",
            "first_name": "孙新人",
            "role": "clerk",
            "department": factories.make_department().pk,
            "password1": "Chu#Shi2026pw",
            "password2": "Chu#Shi2026pw",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="newclerk")
    assert PasswordState.objects.get(user=user).must_change
    assert AuditEvent.objects.filter(action="account_created", object_id=user.pk)

    client = Client()
    login(client, user, "Chu#Shi2026pw")
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("password_change")
    page = client.get(reverse("password_change")).content.decode()
    assert "请先设置您自己的新密码" in page
    change_password(client, old="Chu#Shi2026pw")
    assert not PasswordState.objects.get(user=user).must_change
    assert client.get(reverse("home")).status_code == 302
    assert client.get(reverse("home"))["Location"] != reverse("password_change")


def test_password_reset_by_admin_must_be_changed_and_ends_old_sessions():
    user = factories.make_reader(username="leader2")
    old = Client()
    login(old, user)
    response = admin_client().post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "Chong#Zhi2026",
            "password2": "Chong#Zhi2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    assert PasswordState.objects.get(user=user).must_change
    assert AuditEvent.objects.get(action="password_reset").username == "root"
    # The old session died with the old password hash.
    assert old.get(reverse("briefing:issue_list")).status_code == 302
    fresh = Client()
    login(fresh, user, "Chong#Zhi2026")
    assert fresh.get(reverse("briefing:issue_list"))["Location"] == reverse(
        "password_change"
    )


def test_user_who_must_change_cannot_reach_anything_else(client):
    user = factories.make_editor()
    PasswordState.objects.filter(user=user).update(must_change=True)
    login(client, user)
    for url in ["/", "/inbox/", "/issues/", "/admin/", "/audit/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == reverse("password_change"), url
    assert client.post(reverse("logout")).status_code == 302


def test_the_forced_change_refuses_the_password_the_admin_set():
    user = factories.make_reader(username="leader2")
    admin_client().post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {
            "password1": "Chong#Zhi2026",
            "password2": "Chong#Zhi2026",
            "usable_password": "true",
        },
    )
    client = Client()
    login(client, user, "Chong#Zhi2026")
    response = change_password(client, old="Chong#Zhi2026", new="Chong#Zhi2026")
    assert response.status_code == 200
    assert (
        "新密码不能与当前密码或最近 5 次使用过的密码相同" in response.content.decode()
    )
    assert PasswordState.objects.get(user=user).must_change
    assert client.get(reverse("home"))["Location"] == reverse("password_change")


def test_a_periodic_change_refuses_the_last_five_passwords(client):
    user = factories.make_reader()
    login(client, user)
    used = [factories.PASSWORD] + [f"Xin#Mima20{n}x" for n in range(6)]
    for old, new in zip(used, used[1:], strict=False):
        assert change_password(client, old=old, new=new).status_code == 302
    current = used[-1]
    for earlier in used[1:]:  # the current one and the five before it
        refused = change_password(client, old=current, new=earlier)
        assert refused.status_code == 200, earlier
        assert "最近 5 次" in refused.content.decode()
    # The password used six changes ago may come back.
    assert change_password(client, old=current, new=used[0]).status_code == 302
