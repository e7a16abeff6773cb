"""The editors' inbox: counts, filter choices and rows as last saved, and a
query count that does not grow with the number of items."""

import datetime
import re

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from briefing.filters import InboxFilter
from briefing.forms.items import InboxBatchForm
from briefing.models import Item
from briefing.services import issues as services_issues
from briefing.services import items as services
from core import roles
from core.widgets import ListDateInput, ListSelect, ListTextarea, ListTextInput
from departments.models import Membership
from tests.factories import make_department, make_issue, make_section, make_user

from .item_helpers import S, item_in_state, make_cast

pytestmark = pytest.mark.django_db

# The session, the user with their unit and password state, their groups with
# their permissions, unread notifications; units, sections, the tab counts,
# the page's rows, their holders, issues and publications.
INBOX_QUERIES = 11


def inbox(client, **query):
    response = client.get(reverse("briefing:inbox"), query)
    assert response.status_code == 200
    return response.content.decode()


def tabs(html) -> dict[str, int]:
    """The status tabs as the editor reads them: label → count."""
    return {
        label: int(count)
        for label, count in re.findall(
            r'>([^<>]+) <span class="count">(\d+)</span>', html
        )
    }


def options(html, name) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option [^>]*>([^<]*)</option>", select)


def test_counts_change_right_after_submit_return_and_adopt(
    client, django_capture_on_commit_callbacks
):
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    client.force_login(cast.editor)
    assert tabs(inbox(client))["已报送"] == 0

    with django_capture_on_commit_callbacks(execute=True):
        item = services.submit_item(item, cast.clerk)
    assert tabs(inbox(client))["已报送"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        item = services.return_item(item, cast.editor, "请补充数据。")
    counts = tabs(inbox(client))
    assert (counts["已报送"], counts["已退回"], counts["全部"]) == (0, 1, 1)

    with django_capture_on_commit_callbacks(execute=True):
        item = services.submit_item(item, cast.clerk)
    assert tabs(inbox(client))["已报送"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.adopt_item(item, cast.issue, cast.section, cast.editor)
    counts = tabs(inbox(client))
    assert (counts["已报送"], counts["已采用"]) == (0, 1)
    assert "已退回" not in counts  # a status no item is in shows no tab


def test_an_editor_who_is_also_in_a_unit_is_counted_apart(client):
    cast = make_cast()
    item_in_state(cast, S.DRAFT)
    unit_editor = make_user(
        group=roles.EDITOR, department=cast.department, unit_role=Membership.Role.CLERK
    )
    # Whoever comes first, neither sees the other's count.
    for first in (cast.editor, unit_editor):
        client.force_login(first)
        inbox(client, status="")
        client.force_login(unit_editor)
        assert tabs(inbox(client, status=""))["草稿"] == 1
        client.force_login(cast.editor)
        assert "草稿" not in tabs(inbox(client, status=""))


def test_filter_lists_units_and_sections_as_last_saved(client):
    cast = make_cast()
    item_in_state(cast, S.SUBMITTED, suggested_section=cast.section)
    client.force_login(cast.editor)
    html = inbox(client)
    assert cast.department.name in options(html, "department")
    assert cast.section.name in options(html, "suggested_section")

    cast.department.name = "延津县新名称局"
    cast.department.short_name = "新名称局"
    cast.department.save()
    cast.section.name = "改名栏目"
    cast.section.save()
    added = make_section("新增栏目")
    closed = make_department(short_name="已撤并")
    closed.is_active = False
    closed.save()

    html = inbox(client)
    assert "延津县新名称局" in options(html, "department")
    assert closed.name not in options(html, "department")
    assert options(html, "suggested_section")[-2:] == ["改名栏目", added.name]
    # The list shows the new names too.
    row = re.search(r"<tbody>.*?</tbody>", html, re.S).group(0)
    assert "<td>新名称局</td>" in row and "<td>改名栏目</td>" in row

    added.is_active = False
    added.save()
    assert added.name not in options(inbox(client), "suggested_section")


def test_filter_by_unit_still_checks_the_unit(client):
    cast = make_cast()
    item_in_state(cast, S.SUBMITTED, title="本单位稿件")
    other = make_department()
    item_in_state(cast, S.SUBMITTED, title="他单位稿件", department=other)
    client.force_login(cast.editor)

    html = inbox(client, department=other.pk)
    assert "他单位稿件" in html and "本单位稿件" not in html
    other.is_active = False
    other.save()
    html = inbox(client, department=other.pk)
    assert "选择一个有效的选项" in html
    assert other.name not in options(html, "department")


def test_rows_show_link_unit_sections_time_holder_and_issue(client):
    cast = make_cast()
    editing = item_in_state(
        cast, S.EDITING, title="编辑中的稿", suggested_section=cast.section
    )
    adopted = item_in_state(cast, S.ADOPTED, title="已采用的稿")
    client.force_login(cast.other_editor)

    html = inbox(client, status="")
    rows = {
        title: (href, cells)
        for href, title, cells in re.findall(
            TICK + r'<td><a href="([^"]+)"[^>]*>([^<]+)</a></td>(.*?)</tr>', html, re.S
        )
    }
    for item in (editing, adopted):
        href, cells = rows[item.title]
        assert href == reverse("briefing:item_detail", args=[item.pk])
        assert f"<td>{cast.department.short_name}</td>" in cells
        shown = dateformat.format(timezone.localtime(item.submitted_at), "Y-m-d H:i")
        assert f"<td>{shown}</td>" in cells
    cells = rows["编辑中的稿"][1]
    assert f"<td>{cast.section.name}</td>" in cells
    claimed = dateformat.format(timezone.localtime(editing.claimed_at), "m-d H:i")
    assert f"张编辑 于 {claimed} 领取" in cells
    assert f"{cast.issue}【{cast.section.name}】" in rows["已采用的稿"][1]


@pytest.mark.parametrize(
    "value, attrs",
    [
        ("2", {"id": "id_x"}),
        ("", {"id": "id_x", "aria-invalid": "true", "aria-describedby": "id_x_error"}),
        (None, {"required": True, "disabled": False}),
        ("<b>", {}),
    ],
)
def test_list_select_writes_what_django_select_writes(value, attrs):
    choices = [
        ("", "全部"),
        (1, "甲 & 乙"),
        (2, "<丙>"),
        ("2", "重复"),
        ("<b>", '"引号"'),
        (3, gettext_lazy("<丁> & 戊")),
        (4, mark_safe("<b>已转义</b>")),
    ]
    expected = forms.Select(choices=choices).render("x", value, attrs)
    assert ListSelect(choices=choices).render("x", value, attrs) == expected


@pytest.mark.parametrize(
    "value, attrs",
    [
        ("关键词", {"id": "id_x"}),
        ("", {"id": "id_x", "aria-invalid": "true", "aria-describedby": "id_x_error"}),
        (None, {"required": True, "disabled": False}),
        ('<b>"&', {"placeholder": "<甲>"}),
    ],
)
def test_list_inputs_write_what_django_inputs_write(value, attrs):
    for ours, django in [
        (ListTextInput(), forms.TextInput()),
        (
            ListDateInput(attrs={"type": "date"}),
            forms.DateInput(attrs={"type": "date"}),
        ),
        (ListTextarea(attrs={"rows": 2}), forms.Textarea(attrs={"rows": 2})),
    ]:
        assert ours.render("x", value, attrs) == django.render("x", value, attrs)


class _SampleForm(forms.Form):
    hidden = forms.CharField(widget=forms.HiddenInput)
    tick = forms.BooleanField(label="勾选")
    helped = forms.CharField(label="说明", help_text="<提示>")


def test_form_field_writes_what_the_field_template_writes():
    """{% form_field %} as includes/form_field.html, up to whitespace: the
    inbox's filters (one in error), its 批量处理 texts, and the kinds of field
    it hands to the template."""
    filterset = InboxFilter(
        QueryDict("q=<b>&submitted_to=bad"),
        Item.objects.none(),
        units=[make_department()],
        sections=[make_section()],
    )
    assert not filterset.is_valid()
    fields = [*filterset.form, *InboxBatchForm(), *_SampleForm({"helped": "x"})]
    tag = engines["django"].from_string("{% load filter_tags %}{% form_field field %}")
    include = engines["django"].from_string('{% include "includes/form_field.html" %}')
    for field in fields:
        for helper in (False, True):
            context = {"field": field, "helper": helper}
            assert _squeezed(tag.render(context)) == _squeezed(include.render(context))
    assert "errorlist" in tag.render({"field": filterset.form["submitted_to"]})


def _squeezed(html):
    return re.sub(r"\s+", " ", html).strip()


# A row starts with its checkbox (批量处理) for editors.
TICK = r'<tr>\s*(?:<td class="tick">.*?</td>\s*)?'


def row_of(html, title) -> str:
    """The inbox row of the item titled ``title``, as the editor reads it."""
    found = re.search(TICK + rf"<td><a [^>]*>{title}</a></td>.*?</tr>", html, re.S)
    assert found, f"{title} is not listed"
    return found.group(0)


def test_the_page_shows_each_change_at_once(client):
    cast = make_cast()
    returned = item_in_state(cast, S.RETURNED, title="退回的稿")
    editing = item_in_state(cast, S.EDITING, title="编辑中的稿")
    item_in_state(cast, S.ADOPTED, title="已采用的稿")
    draft = item_in_state(cast, S.DRAFT, title="新报的稿")
    # Whatever one editor or a clerk changes, the other editor sees next.
    client.force_login(cast.other_editor)
    html = inbox(client, status="")
    assert "新报的稿" not in html

    services.submit_item(draft, cast.clerk)
    assert "新报的稿" in inbox(client, status="")

    # The clerk's and the editor's text edits are conditional UPDATEs (no signal).
    services.update_item(
        returned,
        cast.clerk,
        version=returned.version,
        title="退回后改写的稿",
        body="<p>补充了数据。</p>",
    )
    services.editor_save_item(
        editing,
        cast.editor,
        version=editing.version,
        title="编辑改写的稿",
        body="<p>正文</p>",
    )
    html = inbox(client, status="")
    assert "退回后改写的稿" in html and "编辑改写的稿" in html

    returned.refresh_from_db()
    submitted = services.submit_item(returned, cast.clerk)
    services.claim_item(submitted, cast.editor)
    assert "张编辑 于" in row_of(inbox(client, status=""), "退回后改写的稿")

    cast.editor.first_name = "张主编"
    cast.editor.save()
    assert "张主编 于" in row_of(inbox(client, status=""), "退回后改写的稿")

    cast.issue.publication.name = "政务信息"
    cast.issue.publication.save()
    assert "政务信息（" in row_of(inbox(client, status=""), "已采用的稿")
    services_issues.update_issue(
        cast.issue,
        cast.editor,
        issue_date=datetime.date(2026, 12, 1),
        distribution_list=None,
        copies=60,
        version=cast.issue.version,
    )
    assert "2026-12-01，未编号" in row_of(inbox(client, status=""), "已采用的稿")


def test_each_editor_sees_their_own_name_in_the_header(client):
    cast = make_cast()
    item_in_state(cast, S.SUBMITTED, title="共享的稿")
    client.force_login(cast.editor)
    first = inbox(client)
    client.force_login(cast.admin)
    second = inbox(client)
    assert "共享的稿" in first and "共享的稿" in second
    assert cast.editor.first_name in first
    assert cast.editor.first_name not in second


def _fill(cast, count):
    """``count`` items across units, sections, holders and issues."""
    for n in range(count):
        unit = make_department()
        status = [S.SUBMITTED, S.EDITING, S.ADOPTED][n % 3]
        extra = {}
        if status == S.EDITING:
            extra["claimed_by"] = make_user(group=roles.EDITOR)
        if status == S.ADOPTED:
            extra["issue"] = make_issue(created_by=cast.editor)
        item_in_state(
            cast,
            status,
            title=f"稿件{n}",
            department=unit,
            author=make_user(department=unit, unit_role=Membership.Role.CLERK),
            suggested_section=make_section(),
            **extra,
        )


@pytest.mark.parametrize("count", [3, 30])
def test_query_count_does_not_grow_with_the_items(
    client, count, django_assert_max_num_queries
):
    cast = make_cast()
    _fill(cast, count)
    client.force_login(cast.other_editor)
    inbox(client, status="")
    with django_assert_max_num_queries(INBOX_QUERIES):
        html = inbox(client, status="")
    assert html.count('<td><a href="') == min(count, 25)
    assert html.count('<input type="checkbox" name="items"') == min(count, 25)
