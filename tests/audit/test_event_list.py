"""The audit log as a Chinese auditor reads it: action names, filter errors,
exports with both the code and its name."""

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from audit.labels import action_label
from audit.roles import AUDITOR
from audit.services import record_event
from briefing import workflow
from briefing.selectors.issues import ACTION_LABELS as ISSUE_LABELS
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "assessment",
    "audit",
    "briefing",
    "core",
    "departments",
    "notifications",
    "reading",
]

# One event per kind of code: named, derived from the item and issue timelines,
# the admin's, and one no code knows.
SAMPLE = {
    "login_failed": "登录失败",
    "account_created": "创建账号",
    "item.adopt": "稿件·采用",
    "issue_sign_off": "期·签发",
    "reading.instruction_write": "批示·作出批示",
    "admin.delete": "管理后台·删除",
    "access_denied": "拒绝访问",
}


def auditor_client():
    client = Client()
    client.force_login(factories.make_user(group=AUDITOR))
    return client


def seed():
    for code in SAMPLE:
        record_event(actor=None, action=code, username="zhang")
    record_event(actor=None, action="brand_new_thing", username="zhang")


def list_page(client, **params):
    return client.get(reverse("audit:event_list"), params)


def table_actions(html):
    """The 操作 cells' Chinese names, as a reader sees them in the table."""
    return re.findall(
        r'<td class="nowrap">([^<]+)(?:<br><span class="code">|</td>)', html
    )


def test_list_and_filter_show_chinese_action_names():
    seed()
    html = list_page(auditor_client()).content.decode()
    cells = table_actions(html)
    for code, name in SAMPLE.items():
        assert name in cells, f"表格中没有“{name}”（{code}）"
        assert f'<option value="{code}">{name}</option>' in html
    # A code with no name shows as it is, in the table and in the filter.
    assert "brand_new_thing" in cells
    assert '<option value="brand_new_thing">brand_new_thing</option>' in html


def test_filter_groups_actions_by_subject():
    seed()
    html = list_page(auditor_client()).content.decode()
    item_group = re.search(r'<optgroup label="稿件">(.*?)</optgroup>', html, re.S)
    assert item_group and "稿件·采用" in item_group.group(1)
    assert "登录失败" not in item_group.group(1)


def test_every_item_and_issue_move_has_its_timeline_name():
    for move, name in {**workflow.MOVES, **workflow.OTHER_EVENTS}.items():
        assert action_label(f"item.{move}") == f"稿件·{name}"
    for action, name in ISSUE_LABELS.items():
        assert action_label(f"issue_{action}") == f"期·{name}"


def recorded_action_codes():
    """Every literal action code passed to record_event() in the apps' code."""
    codes = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            for start in (m.end() for m in re.finditer(r"record_event\(", text)):
                depth, end = 1, start
                while depth and end < len(text):
                    depth += {"(": 1, ")": -1}.get(text[end], 0)
                    end += 1
                found = re.search(r'\baction="([^"{}]+)"', text[start:end])
                if found:
                    codes.add(found.group(1))
    return codes


def test_every_action_the_code_records_has_a_chinese_name():
    codes = recorded_action_codes()
    assert {"login_failed", "account_created", "audit_export"} <= codes
    unnamed = sorted(code for code in codes if action_label(code) == code)
    assert unnamed == []
    for code in ["admin.add", "admin.change", "admin.delete", "access_denied"]:
        assert action_label(code) != code


def test_csv_export_keeps_the_code_and_adds_the_chinese_name():
    seed()
    response = auditor_client().get(reverse("audit:event_export", args=["csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    column = {title: index for index, title in enumerate(rows[0])}
    pairs = {(row[column["操作"]], row[column["操作名称"]]) for row in rows[1:]}
    assert set(SAMPLE.items()) <= pairs
    assert ("brand_new_thing", "brand_new_thing") in pairs


def test_excel_export_keeps_the_code_and_adds_the_chinese_name():
    seed()
    response = auditor_client().get(
        reverse("audit:event_export", args=["xlsx"]), {"action": "item.adopt"}
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    column = {title: index for index, title in enumerate(rows[0])}
    assert [(row[column["操作"]], row[column["操作名称"]]) for row in rows[1:]] == [
        ("item.adopt", "稿件·采用")
    ]


def test_list_names_the_object_type_in_chinese():
    user = factories.make_reader(username="alice")
    record_event(actor=user, action="password_change", obj=user)
    html = list_page(auditor_client(), action="password_change").content.decode()
    assert f"用户 #{user.pk}" in html


def test_start_after_end_is_an_error_on_the_form_not_an_empty_list():
    seed()
    client = auditor_client()
    today = timezone.localdate()
    params = {"date_from": today, "date_to": today - datetime.timedelta(days=1)}
    html = list_page(client, **params).content.decode()
    assert "筛选条件有误" in html
    assert "起始日期不能晚于截止日期" in html
    assert "共 0 条" not in html and "没有符合条件的事件" not in html
    assert "导出 CSV" not in html
    export = client.get(reverse("audit:event_export", args=["csv"]), params)
    assert export.status_code == 302
    assert export["Location"].startswith(reverse("audit:event_list") + "?")


def test_an_invalid_date_in_the_link_is_named_in_the_error():
    seed()
    response = list_page(auditor_client(), date_from="abc")
    html = response.content.decode()
    assert response.status_code == 200
    assert "筛选条件有误" in html
    assert "“abc”不是有效的日期" in html
    assert "共 0 条" not in html


def test_username_matches_part_of_the_name_ignoring_case():
    factories.make_reader(username="Alice.Wang")
    record_event(actor=None, action="login_failed", username="Alice.Wang")
    record_event(actor=None, action="login_failed", username="mallory")
    page = list_page(auditor_client(), username="alice")
    assert [e.username for e in page.context["page"]] == ["Alice.Wang"]
    page = list_page(auditor_client(), username="WANG")
    assert [e.username for e in page.context["page"]] == ["Alice.Wang"]


def test_the_calendars_first_and_last_days_are_accepted():
    seed()
    page = list_page(
        auditor_client(), date_from="0001-01-01", date_to="9999-12-31", username="zhang"
    )
    assert page.status_code == 200
    assert page.context["page"].paginator.count == len(SAMPLE) + 1
