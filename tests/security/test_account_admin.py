"""Accounts in the admin: a 管理员 cannot take over a superuser or an account
above their own, and role grants follow the separation-of-duties rules
(core.permissions): nobody grants roles to themselves, 审计员 and 管理员 are never
one account, 签发人 and 审计员 are granted by a superuser only."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.roles import AUDITOR
from briefing.models import Item, ItemEvent
from core import accounts, roles
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()
TAKEOVER = "Jie#Guan2026x"


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def make_root(**kwargs):
    return factories.make_user(is_staff=True, is_superuser=True, **kwargs)


def group(name):
    return Group.objects.get(name=name)


def change_form_data(client, user, **changes):
    """What the admin's change form of ``user`` posts back unchanged, plus
    ``changes``."""
    page = client.get(reverse("admin:auth_user_change", args=[user.pk]))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None
        and name not in {"password", "groups", "date_joined", "last_login"}
    }
    for flag in ("is_active", "is_staff", "is_superuser"):
        if data.pop(flag, False):
            data[flag] = "on"
    data.pop("user_permissions", None)
    joined = timezone.localtime(user.date_joined)
    data.update(
        {
            "groups": [g.pk for g in user.groups.all()],
            "date_joined_0": joined.strftime("%Y-%m-%d"),
            "date_joined_1": joined.strftime("%H:%M:%S"),
        }
    )
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def refusals():
    return AuditEvent.objects.filter(result=AuditEvent.Result.FAILURE)


# --- 1. a 管理员 cannot take over a superuser --------------------------------------


def test_the_takeover_of_a_superuser_by_a_manager_fails_and_is_audited():
    root = make_root(username="root")
    admin = factories.make_admin(username="guanli")
    client = client_for(admin)
    # The attack from the probe: set the superuser's password…
    response = client.post(
        reverse("admin:auth_user_password_change", args=[root.pk]),
        {"password1": TAKEOVER, "password2": TAKEOVER, "usable_password": "true"},
    )
    assert response.status_code == 404
    root.refresh_from_db()
    assert not root.check_password(TAKEOVER)
    # …then log in as the superuser: refused.
    login = Client().post(reverse("login"), {"username": "root", "password": TAKEOVER})
    assert (
        login.status_code == 200 and "_auth_user_id" not in login.wsgi_request.session
    )
    [refused] = AuditEvent.objects.filter(action="access_denied")
    assert refused.username == "guanli" and refused.result == "failure"
    assert f"/admin/auth/user/{root.pk}/password/" in refused.reason
    assert not AuditEvent.objects.filter(action="password_reset").exists()


def test_a_manager_neither_sees_changes_disables_nor_deletes_a_superuser():
    root = make_root(username="root")
    colleague = factories.make_admin(username="tongshi")
    client = client_for(factories.make_admin(username="guanli"))
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "tongshi" in listing and ">root<" not in listing
    change = reverse("admin:auth_user_change", args=[root.pk])
    assert client.get(change).status_code == 404
    assert client.post(change, {"username": "root", "is_active": ""}).status_code == 404
    delete = reverse("admin:auth_user_delete", args=[root.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 404
    history = reverse("admin:auth_user_history", args=[root.pk])
    assert client.get(history).status_code == 404
    root.refresh_from_db()
    assert root.is_active
    assert AuditEvent.objects.filter(action="access_denied").count() == 4
    # A fellow 管理员 is not above: managed as before.
    assert (
        client.get(reverse("admin:auth_user_change", args=[colleague.pk])).status_code
        == 200
    )


@pytest.mark.parametrize("role", [roles.SIGNER, AUDITOR])
def test_a_manager_cannot_reset_an_account_with_a_role_above_their_own(role):
    holder = factories.make_user(username="gaoji", group=role)
    client = client_for(factories.make_admin())
    response = client.post(
        reverse("admin:auth_user_password_change", args=[holder.pk]),
        {"password1": TAKEOVER, "password2": TAKEOVER, "usable_password": "true"},
    )
    assert response.status_code == 404
    holder.refresh_from_db()
    assert not holder.check_password(TAKEOVER)
    # A superuser manages it.
    root_client = client_for(make_root())
    page = root_client.get(reverse("admin:auth_user_change", args=[holder.pk]))
    assert page.status_code == 200


def test_the_services_refuse_a_manager_too():
    root = make_root()
    admin = factories.make_admin()
    with pytest.raises(accounts.RolesRefused):
        accounts.set_roles(root, [group(roles.EDITOR)], actor=admin)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        accounts.deactivate_user(root, actor=admin)
    root.refresh_from_db()
    assert root.is_active and not root.groups.exists()
    assert refusals().filter(action="account_disabled").count() == 1


def test_disabling_in_the_admin_is_one_event_through_the_service():
    user = factories.make_editor(username="bianji")
    admin = factories.make_admin(username="guanli")
    client = client_for(admin)
    data = change_form_data(client, user, is_active=None)
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_active
    [event] = AuditEvent.objects.filter(action="account_disabled")
    assert event.username == "guanli" and event.object_id == str(user.pk)
    data = change_form_data(client, user, is_active="on")
    client.post(reverse("admin:auth_user_change", args=[user.pk]), data)
    user.refresh_from_db()
    assert user.is_active
    assert AuditEvent.objects.filter(action="account_enabled").count() == 1
    assert not AuditEvent.objects.filter(action__startswith="admin.").exists()


# --- 2. separation of duties ---------------------------------------------------------


@pytest.mark.parametrize("role", [AUDITOR, roles.SIGNER, roles.EDITOR])
def test_a_manager_cannot_grant_themselves_a_role(role):
    admin = factories.make_admin(username="guanli")
    client = client_for(admin)
    data = change_form_data(
        client, admin, groups=[group(roles.ADMIN).pk, group(role).pk]
    )
    response = client.post(reverse("admin:auth_user_change", args=[admin.pk]), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["groups"]
    assert errors
    assert set(admin.groups.values_list("name", flat=True)) == {roles.ADMIN}
    [refused] = refusals().filter(action="role_change")
    assert refused.username == "guanli" and "拒绝" in refused.reason
    # And so the audit log stays closed to them.
    assert client.get(reverse("audit:event_list")).status_code == 404


def test_nobody_grants_themselves_a_role_not_even_a_superuser():
    root = make_root()
    with pytest.raises(accounts.RolesRefused, match="自己"):
        accounts.set_roles(root, [group(roles.EDITOR)], actor=root)
    assert not root.groups.exists()


@pytest.mark.parametrize("role", [AUDITOR, roles.SIGNER])
def test_only_a_superuser_grants_signer_and_auditor_naming_both(role):
    target = factories.make_user(username="xiaoli")
    admin_client = client_for(factories.make_admin(username="guanli"))
    data = change_form_data(admin_client, target, groups=[group(role).pk])
    refused = admin_client.post(
        reverse("admin:auth_user_change", args=[target.pk]), data
    )
    assert "超级管理员" in str(refused.context["adminform"].form.errors["groups"])
    assert not target.groups.exists()

    root_client = client_for(make_root(username="root"))
    data = change_form_data(root_client, target, groups=[group(role).pk])
    granted = root_client.post(
        reverse("admin:auth_user_change", args=[target.pk]), data
    )
    assert granted.status_code == 302
    assert list(target.groups.values_list("name", flat=True)) == [role]
    [event] = AuditEvent.objects.filter(action="role_change", result="success")
    assert event.username == "root" and event.object_id == str(target.pk)
    assert event.reason == f"xiaoli 加入角色：{role}"


def test_auditor_and_manager_are_never_one_account():
    target = factories.make_user(username="xiaoli")
    client = client_for(make_root())
    data = change_form_data(
        client, target, groups=[group(AUDITOR).pk, group(roles.ADMIN).pk]
    )
    response = client.post(reverse("admin:auth_user_change", args=[target.pk]), data)
    assert "不能由同一账号兼任" in str(response.context["adminform"].form.errors)
    assert not target.groups.exists()
    with pytest.raises(accounts.RolesRefused, match="兼任"):
        accounts.set_roles(make_root(), [group(AUDITOR)], actor=make_root())


def test_a_manager_still_grants_the_other_roles():
    target = factories.make_user(username="xiaoli")
    client = client_for(factories.make_admin(username="guanli"))
    data = change_form_data(client, target, groups=[group(roles.EDITOR).pk])
    response = client.post(reverse("admin:auth_user_change", args=[target.pk]), data)
    assert response.status_code == 302
    assert list(target.groups.values_list("name", flat=True)) == [roles.EDITOR]
    [event] = AuditEvent.objects.filter(action="role_change")
    assert (event.username, event.reason) == ("guanli", "xiaoli 加入角色：编辑")


# --- 7. the admin shows no item the site hides ----------------------------------


def test_the_admin_shows_a_manager_no_unit_draft_nor_item_in_unit_review():
    unit = factories.make_department()
    draft = factories.make_item(unit, title="单位草稿甲")
    in_review = factories.make_item(
        unit, title="待审稿件乙", status=Item.Status.PENDING_REVIEW
    )
    submitted = factories.make_item(
        unit,
        title="已报送丙",
        status=Item.Status.SUBMITTED,
        submitted_at=timezone.now(),
    )
    for item in (draft, in_review, submitted):
        ItemEvent.objects.create(item=item, actor=item.author, action="save")
    client = client_for(factories.make_admin())
    listing = client.get(reverse("admin:briefing_item_changelist")).content.decode()
    assert "已报送丙" in listing
    assert "单位草稿甲" not in listing and "待审稿件乙" not in listing
    for hidden in (draft, in_review):
        page = client.get(reverse("admin:briefing_item_change", args=[hidden.pk]))
        assert page.status_code == 404
        site = client.get(reverse("briefing:item_detail", args=[hidden.pk]))
        assert site.status_code == 404
    events = client.get(reverse("admin:briefing_itemevent_changelist"))
    assert [e.item for e in events.context["cl"].result_list] == [submitted]


def test_otp_devices_of_accounts_above_are_not_listed_to_a_manager():
    from django_otp.plugins.otp_totp.models import TOTPDevice

    reader = factories.make_reader(username="yuedu")
    signer = factories.make_signer(username="qianfa")
    for user in (reader, signer, make_root(username="root")):
        TOTPDevice.objects.create(user=user, name="手机", confirmed=True)
    page = client_for(factories.make_admin()).get(
        reverse("admin:core_otpdevice_changelist")
    )
    owners = {device.user.username for device in page.context["cl"].result_list}
    assert owners == {"yuedu"}
