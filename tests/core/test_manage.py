"""The admin's home on the site and the one form for a new person."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.models import AuditEvent
from core import roles
from core.models import PasswordState
from departments.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

ADD = reverse("admin:auth_user_add")


def person(**fields):
    data = {
        "username": "xinren",
        "first_name": "孙新人",
        "password1": "Chushi@2026x",
        "password2": "Chushi@2026x",
    }
    data.update(fields)
    return data


def test_admin_home_links_what_the_admin_manages(client):
    client.force_login(factories.make_admin())
    page = client.get(reverse("home"), follow=True)
    assert page.redirect_chain[-1][0] == reverse("manage_home")
    html = page.content.decode()
    for url in (ADD, reverse("assessment:rules"), "/admin/departments/department/"):
        assert f'href="{url}"' in html


def test_a_new_editor_is_one_form_and_must_set_a_password(client):
    admin = factories.make_admin()
    unit = factories.make_department()
    client.force_login(admin)
    form = client.get(ADD).content.decode()
    assert "首次登录时，须先把这里设置的初始密码改为自己的新密码" in form
    refused = client.post(ADD, person(role=roles.EDITOR, department=unit.pk))
    assert "编辑不属于单位" in refused.content.decode()
    client.post(ADD, person(role=roles.EDITOR))
    user = get_user_model().objects.get(username="xinren")
    assert roles.is_editor(user) and not Membership.objects.filter(user=user).exists()
    assert PasswordState.objects.get(user=user).must_change
    assert AuditEvent.objects.filter(action="role_change", object_id=str(user.pk))


def test_a_signer_is_not_created_by_a_manager_who_may_not_grant_it(client):
    client.force_login(factories.make_admin())
    refused = client.post(ADD, person(role=roles.SIGNER)).content.decode()
    assert "须由超级管理员操作" in refused
    assert not get_user_model().objects.filter(username="xinren").exists()
