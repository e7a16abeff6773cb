"""The audit trail: append-only, read and exported by the 审计员 role only."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.utils import InternalError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.models import AuditEvent
from audit.roles import AUDITOR
from audit.services import record_event
from core import accounts, roles
from tests import factories

pytestmark = pytest.mark.django_db
postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists on PostgreSQL only (pgtrigger)",
)


def make_auditor(**kwargs):
    return factories.make_user(group=AUDITOR, **kwargs)


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def event(**kwargs):
    kwargs.setdefault("actor", None)
    kwargs.setdefault("action", "test_action")
    return record_event(**kwargs)


@postgres_only
def test_database_refuses_update_of_an_event():
    row = event(username="zhang")
    with pytest.raises(InternalError, match="Cannot update or delete"):
        with transaction.atomic():
            AuditEvent.objects.filter(pk=row.pk).update(reason="tampered")
    row.refresh_from_db()
    assert row.reason == ""


@postgres_only
def test_database_refuses_delete_of_an_event():
    row = event(username="zhang")
    with pytest.raises(InternalError, match="Cannot update or delete"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [row.pk])
    assert AuditEvent.objects.filter(pk=row.pk).exists()


def test_deleting_a_user_keeps_their_events():
    user = factories.make_reader(username="leaving")
    row = event(actor=user)
    user.delete()
    row = AuditEvent.objects.get(pk=row.pk)
    assert row.username == "leaving"


def test_admin_is_read_only_even_for_a_superuser():
    row = event(username="zhang")
    root = factories.make_user(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    listing = client.get(reverse("admin:audit_auditevent_changelist"))
    assert listing.status_code == 200
    assert "zhang" in listing.content.decode()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    detail = client.get(reverse("admin:audit_auditevent_change", args=[row.pk]))
    assert detail.status_code == 200
    assert 'name="reason"' not in detail.content.decode()
    changed = client.post(
        reverse("admin:audit_auditevent_change", args=[row.pk]),
        {"reason": "tampered", "action": "x", "username": "y"},
    )
    assert changed.status_code == 403
    deleted = client.post(
        reverse("admin:audit_auditevent_delete", args=[row.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 403
    bulk = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    row.refresh_from_db()
    assert row.reason == "" and AuditEvent.objects.filter(pk=row.pk).exists()


def test_admin_role_cannot_edit_audit_events():
    admin = factories.make_admin()
    perms = Group.objects.get(name=roles.ADMIN).permissions.filter(
        content_type__app_label="audit"
    )
    assert not perms.filter(codename__regex=r"^(add|change|delete)_").exists()
    row = event()
    client = client_for(admin)
    assert not admin.has_perm("audit.change_auditevent")
    response = client.post(
        reverse("admin:audit_auditevent_change", args=[row.pk]), {"reason": "x"}
    )
    assert response.status_code == 403


def test_auditor_group_exists_with_view_and_export_only():
    codenames = set(
        Group.objects.get(name=AUDITOR).permissions.values_list("codename", flat=True)
    )
    assert codenames == {"view_auditevent", "export_auditevent"}


def test_auditor_reads_the_trail_on_the_site_and_others_get_404():
    event(username="zhang", action="login_failed", result="failure")
    auditor = make_auditor()
    page = client_for(auditor).get(reverse("audit:event_list"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "审计日志" in text and "zhang" in text and "login_failed" in text
    assert "导出 CSV" in text and "导出 Excel" in text
    for other in [
        factories.make_editor(),
        factories.make_admin(),
        factories.make_signer(),
        factories.make_clerk(factories.make_department()),
    ]:
        assert client_for(other).get(reverse("audit:event_list")).status_code == 404
        export = client_for(other).get(reverse("audit:event_export", args=["csv"]))
        assert export.status_code == 404


def test_auditor_home_is_the_audit_page():
    response = client_for(make_auditor()).get(reverse("home"))
    assert response["Location"] == reverse("audit:event_list")


def seed_events():
    alice = factories.make_reader(username="alice")
    event(actor=alice, action="login")
    event(actor=alice, action="logout")
    event(username="mallory", action="login_failed", result="failure")
    return alice


def test_filters_by_user_and_action():
    seed_events()
    client = client_for(make_auditor())
    page = client.get(reverse("audit:event_list"), {"username": "alice"})
    assert page.context["page"].paginator.count == 2
    page = client.get(
        reverse("audit:event_list"), {"username": "alice", "action": "logout"}
    )
    assert [e.action for e in page.context["page"]] == ["logout"]


def test_filters_by_date_range_in_local_days():
    seed_events()
    client = client_for(make_auditor())
    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    yesterday = today - datetime.timedelta(days=1)
    both = {"date_from": yesterday, "date_to": today, "username": "alice"}
    assert client.get(reverse("audit:event_list"), both).context["page"].paginator.count
    future = {"date_from": tomorrow, "username": "alice"}
    page = client.get(reverse("audit:event_list"), future)
    assert page.context["page"].paginator.count == 0
    backwards = client.get(
        reverse("audit:event_list"), {"date_from": today, "date_to": yesterday}
    )
    assert "起始日期不能晚于截止日期" in backwards.content.decode()


def test_csv_export_is_filtered_and_itself_audited():
    seed_events()
    auditor = make_auditor(username="shenji")
    response = client_for(auditor).get(
        reverse("audit:event_export", args=["csv"]), {"username": "alice"}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:4] == ["时间", "用户名", "角色", "操作"]
    assert sorted(row[3] for row in rows[1:]) == ["login", "logout"]
    assert {row[1] for row in rows[1:]} == {"alice"}
    export = AuditEvent.objects.get(action="audit_export")
    assert export.username == "shenji" and "CSV" in export.reason


def test_excel_export_opens_with_the_same_rows():
    seed_events()
    response = client_for(make_auditor()).get(
        reverse("audit:event_export", args=["xlsx"]), {"action": "login_failed"}
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0][0] == "时间"
    column = {title: index for index, title in enumerate(rows[0])}
    assert [
        (row[column["用户名"]], row[column["操作"]], row[column["结果"]])
        for row in rows[1:]
    ] == [("mallory", "login_failed", "失败")]


def test_export_neutralises_spreadsheet_formulas_in_user_names():
    event(username='=HYPERLINK("http://evil.cn")', action="login_failed")
    response = client_for(make_auditor()).get(
        reverse("audit:event_export", args=["csv"]), {"action": "login_failed"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][1].startswith("'=")


def test_unknown_export_format_is_404():
    client = client_for(make_auditor())
    assert client.get(reverse("audit:event_export", args=["pdf"])).status_code == 404


def test_role_change_is_an_audit_event_naming_the_admin():
    target = factories.make_user(username="xiaoli")
    root = factories.make_user(username="root", is_staff=True, is_superuser=True)
    client = client_for(root)
    editor_group = Group.objects.get(name=roles.EDITOR)
    page = client.get(reverse("admin:auth_user_change", args=[target.pk]))
    form = page.context["adminform"].form
    data = {
        "username": target.username,
        "is_active": "on",
        "groups": [editor_group.pk],
        "date_joined_0": timezone.localtime(target.date_joined).strftime("%Y-%m-%d"),
        "date_joined_1": timezone.localtime(target.date_joined).strftime("%H:%M:%S"),
    }
    assert form is not None
    response = client.post(reverse("admin:auth_user_change", args=[target.pk]), data)
    assert response.status_code == 302
    change = AuditEvent.objects.get(action="role_change", object_id=str(target.pk))
    assert change.username == "root"
    assert "加入角色：编辑" in change.reason


def test_each_role_change_through_the_service_is_one_event():
    root = factories.make_user(username="root", is_superuser=True)
    user = factories.make_user(username="xiaoli")
    editor, signer = (Group.objects.get(name=n) for n in (roles.EDITOR, roles.SIGNER))
    accounts.set_roles(user, [editor], actor=root)
    accounts.set_roles(user, [], actor=root)
    accounts.set_roles(user, [signer], actor=root)
    accounts.set_roles(user, [signer], actor=root)  # no change: no event
    events = AuditEvent.objects.filter(action="role_change", object_id=str(user.pk))
    assert [(e.username, e.reason) for e in events.order_by("id")] == [
        ("root", "xiaoli 加入角色：编辑"),
        ("root", "xiaoli 移出角色：编辑"),
        ("root", "xiaoli 加入角色：签发人"),
    ]
