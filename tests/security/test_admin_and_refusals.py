"""What the 管理员 may do in the admin, every change there audited once, refused
requests audited, and the error pages in Chinese."""

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import LogEntry
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error

from audit.models import AuditEvent
from audit.roles import AUDITOR
from briefing.models import Item
from core import roles
from departments.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def admin_events():
    return list(AuditEvent.objects.filter(action__startswith="admin.").order_by("pk"))


def test_a_unit_saved_in_the_admin_is_one_event_naming_the_admin():
    admin = factories.make_admin(username="root")
    unit = factories.make_department(short_name="审计局")
    response = client_for(admin).post(
        reverse("admin:departments_department_change", args=[unit.pk]),
        {
            "name": "延津县审计局",
            "short_name": "审计局",
            "kind": unit.kind,
            "order": 5,
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [event] = admin_events()
    assert (event.action, event.username, event.role) == (
        "admin.change",
        "root",
        "管理员",
    )
    assert (event.object_type, event.object_id) == ("department", str(unit.pk))
    assert "延津县审计局" in event.reason


def test_a_unit_membership_added_or_deleted_in_the_admin_is_audited():
    admin = factories.make_admin()
    unit = factories.make_department()
    clerk = factories.make_user(username="sj_clerk")
    client = client_for(admin)
    response = client.post(
        reverse("admin:departments_membership_add"),
        {"user": clerk.pk, "department": unit.pk, "role": Membership.Role.CLERK},
    )
    assert response.status_code == 302
    membership = Membership.objects.get(user=clerk)
    response = client.post(
        reverse("admin:departments_membership_delete", args=[membership.pk]),
        {"post": "yes"},
    )
    assert response.status_code == 302
    assert [(e.action, e.object_type) for e in admin_events()] == [
        ("admin.add", "membership"),
        ("admin.delete", "membership"),
    ]
    assert "sj_clerk" in admin_events()[1].reason


def test_an_account_created_in_the_admin_is_one_event_not_two():
    admin = factories.make_admin()
    response = client_for(admin).post(
        reverse("admin:auth_user_add"),
        {
            "username": "new_leader",
            "first_name": "王领导",
            "role": "领导",
            "password1": "Xinmima#2026",
            "password2": "Xinmima#2026",
        },
    )
    assert response.status_code == 302
    assert LogEntry.objects.count() == 1
    assert admin_events() == []
    assert AuditEvent.objects.filter(action="account_created").count() == 1


def test_items_and_issues_are_read_only_in_the_admin():
    admin = factories.make_admin()
    item = factories.make_item(
        title="原标题", status=Item.Status.SUBMITTED, submitted_at=timezone.now()
    )
    issue = factories.make_issue()
    client = client_for(admin)
    for model, obj in (("item", item), ("issue", issue)):
        change = reverse(f"admin:briefing_{model}_change", args=[obj.pk])
        page = client.get(change)
        assert page.status_code == 200  # shown, for looking up
        assert 'name="_save"' not in page.content.decode()
        assert client.post(change, {"title": "改过的标题"}).status_code == 403
        delete = reverse(f"admin:briefing_{model}_delete", args=[obj.pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Item.objects.get(pk=item.pk).title == "原标题"


def test_admin_role_unlocks_accounts_and_manages_online_readers():
    admin = factories.make_admin()
    AccessAttempt.objects.create(
        username="zhang", ip_address="10.0.0.1", failures_since_start=5
    )
    client = client_for(admin)
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "zhang" in listing.content.decode()
    attempt = AccessAttempt.objects.get(username="zhang")
    client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert not AccessAttempt.objects.exists()
    for name in ("recipientgroup", "distributionrecipients"):
        assert client.get(reverse(f"admin:briefing_{name}_add")).status_code == 200
    # …but writes no 批示 of its own.
    assert not admin.has_perm(roles.INSTRUCT_PERM)


def test_bulk_delete_is_not_offered():
    admin = factories.make_admin()
    factories.make_section("甲栏目")
    page = client_for(admin).get(reverse("admin:briefing_section_changelist"))
    assert "delete_selected" not in page.content.decode()


def test_a_refused_request_is_one_access_denied_event():
    clerk = factories.make_clerk(factories.make_department(), username="kfq")
    other_unit_item = factories.make_item(title="他单位稿件")
    client = client_for(clerk)
    response = client.get(reverse("briefing:item_detail", args=[other_unit_item.pk]))
    assert response.status_code == 404
    [event] = AuditEvent.objects.filter(action="access_denied")
    assert (event.username, event.result) == ("kfq", AuditEvent.Result.FAILURE)
    assert f"/items/{other_unit_item.pk}/" in event.reason and "404" in event.reason
    # A missing static file, or the icon a browser asks for by itself, is not.
    client.get("/static/core/no-such-file.css")
    client.get("/favicon.ico")
    assert AuditEvent.objects.filter(action="access_denied").count() == 1


def test_anonymous_requests_are_sent_to_login_not_audited():
    Client().get(reverse("briefing:inbox"))
    assert not AuditEvent.objects.filter(action="access_denied").exists()


def test_error_pages_are_chinese():
    editor = factories.make_editor()
    page = client_for(editor).get("/no-such-page/")
    assert page.status_code == 404
    html = page.content.decode()
    assert "页面不存在" in html and 'lang="zh-CN"' in html
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(editor)
    refused = csrf.post(reverse("logout"))
    assert refused.status_code == 403 and "页面已过期" in refused.content.decode()


def test_error_500_page_is_chinese(client, settings):

    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    page = response.content.decode()
    assert "系统出错" in page
    assert "政务信息简报系统</a>" in page  # the header, for no one


def test_auditor_is_named_in_the_header():
    auditor = factories.make_user(group=AUDITOR, first_name="孙审计")
    assert roles.role_label(auditor) == AUDITOR
    page = client_for(auditor).get(reverse("audit:event_list"))
    assert '<span class="user-role">审计员</span>' in page.content.decode()


def test_an_item_move_names_its_states_in_chinese_in_the_audit_trail():
    from briefing.services import items as item_services
    from tests.briefing.item_helpers import S, item_in_state, make_cast

    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    item_services.submit_item(item, cast.clerk)
    event = AuditEvent.objects.get(action="item.submit")
    assert event.reason == "草稿→已报送"
