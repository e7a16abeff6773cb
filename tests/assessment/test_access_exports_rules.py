"""Links a unit may follow in its drill-downs, the issued 通报 for units and
leaders, the Excel number formats and 说明, and back-dated scoring rules."""

import datetime
import io

import pytest
from django.utils import timezone
from lxml import html as lxml_html

from assessment import services
from assessment.models import AdoptionLevel, Bulletin, ScoringRuleSet
from briefing.permissions import can_view_item
from tests.factories import make_admin, make_clerk, make_reader, make_reviewer

from .factories import fixed_data_set

pytestmark = pytest.mark.django_db

RANGE = "period=range&start=2026-06-01&end=2026-07-31"
YEAR = "period=year&year=2026"


@pytest.fixture
def data():
    return fixed_data_set()


def rows_of(response) -> dict:
    """{title: link or None} of the drill-down table, as a person sees it."""
    tree = lxml_html.fromstring(response.content.decode())
    found = {}
    for td in tree.xpath("//table[contains(@class, 'list')]/tbody/tr/td[1]"):
        links = td.xpath("./a")
        found[td.text_content().strip()] = links[0].get("href") if links else None
    return found


# --- drill-down links ----------------------------------------------------------


def test_co_crediting_unit_sees_the_joint_item_without_a_dead_link(client, data):
    joint = data["items"]["a3"]  # 开发区's item, 民政局 credited half
    client.force_login(make_clerk(data["mzj"]))
    response = client.get(f"/stats/units/{data['mzj'].pk}/submitted/?{RANGE}")
    assert response.status_code == 200
    rows = rows_of(response)
    assert joint.title in rows
    assert rows[joint.title] is None
    assert client.get(f"/items/{joint.pk}/").status_code == 404
    # Its own item is still a link.
    own = data["items"]["b2"]
    assert rows[own.title] == f"/items/{own.pk}/"


def test_owning_unit_and_editor_keep_the_link_to_the_joint_item(client, data):
    joint = data["items"]["a3"]
    for user in (make_clerk(data["kfq"]), data["editor"]):
        client.force_login(user)
        response = client.get(f"/stats/units/{data['kfq'].pk}/submitted/?{RANGE}")
        assert rows_of(response)[joint.title] == f"/items/{joint.pk}/"
        assert can_view_item(user, joint)


# --- issued 通报 for units and leaders -------------------------------------------


@pytest.fixture
def bulletins(data):
    issued = services.create_bulletin(data["editor"], 2026, 6)
    Bulletin.objects.filter(pk=issued.pk).update(
        status=Bulletin.Status.ISSUED, issued_at=timezone.now()
    )
    draft = services.create_bulletin(data["editor"], 2026, 7)
    issued.refresh_from_db()
    return issued, draft


@pytest.mark.parametrize("role", ["clerk", "reviewer", "reader"])
def test_units_and_leaders_list_issued_bulletins_only(client, data, bulletins, role):
    issued, draft = bulletins
    user = {
        "clerk": lambda: make_clerk(data["kfq"]),
        "reviewer": lambda: make_reviewer(data["mzj"]),
        "reader": make_reader,
    }[role]()
    client.force_login(user)
    response = client.get("/stats/bulletins/")
    assert response.status_code == 200
    text = response.content.decode()
    assert issued.title in text
    assert draft.title not in text
    assert "生成通报草稿" not in text
    tree = lxml_html.fromstring(text)
    href = tree.xpath(f"//a[normalize-space()='{issued.title}']/@href")[0]
    assert client.get(href).status_code == 200
    assert client.get(f"/stats/bulletins/{draft.pk}/").status_code == 404
    assert client.post("/stats/bulletins/", {"year": 2026, "month": 5}).status_code == (
        404
    )


def test_leader_finds_issued_bulletins_from_the_reading_home(client, data):
    leader = make_reader()
    client.force_login(leader)
    assert "信息工作月度通报" not in client.get("/read/").content.decode()
    draft = services.create_bulletin(data["editor"], 2026, 6)
    assert "信息工作月度通报" not in client.get("/read/").content.decode()
    Bulletin.objects.filter(pk=draft.pk).update(
        status=Bulletin.Status.ISSUED, issued_at=timezone.now()
    )
    assert 'href="/stats/bulletins/"' in client.get("/read/").content.decode()


def test_clerk_finds_bulletins_from_the_unit_page(client, data, bulletins):
    client.force_login(make_clerk(data["kfq"]))
    page = client.get(f"/stats/units/{data['kfq'].pk}/?{RANGE}")
    tree = lxml_html.fromstring(page.content.decode())
    assert tree.xpath("//nav[@aria-label='考核功能']//a[.='月度通报']/@href") == [
        "/stats/bulletins/"
    ]


def test_editor_still_lists_drafts_and_may_create(client, data, bulletins):
    issued, draft = bulletins
    client.force_login(data["editor"])
    text = client.get("/stats/bulletins/").content.decode()
    assert issued.title in text and draft.title in text
    assert "生成通报草稿" in text


# --- Excel ----------------------------------------------------------------------


def test_excel_formats_counts_shares_and_rate_like_the_page(client, data):
    from openpyxl import load_workbook

    client.force_login(data["editor"])
    response = client.get(f"/stats/export.xlsx?{YEAR}")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["考核统计"]
    header = [cell.value for cell in sheet[1]]
    cells = {
        row[1].value: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2)
    }
    # Whole counts show as "2", never "2." (the old "0.##" format).
    assert cells["民政局"]["退回"].value == 0
    assert cells["合计"]["报送量"].value == 6
    for unit in cells:
        for name in ("报送量", "采用量", "刊发", "退回", "未采用", "得分"):
            cell = cells[unit][name]
            if cell.value == int(cell.value):
                assert cell.number_format == "0", (unit, name)
            else:
                assert cell.number_format == "0.0#", (unit, name)
    # 开发区 has half a 合报 item: 3.5 submitted shows its half.
    assert cells["开发区"]["报送量"].value == 3.5
    assert cells["开发区"]["报送量"].number_format == "0.0#"
    # The rate with the page's two decimals: 2.5 adopted of 3.5 = 71.43%.
    page = client.get(f"/stats/?{YEAR}").content.decode()
    assert "71.43%" in page
    rate = cells["开发区"]["采用率"]
    assert rate.number_format == "0.00%"
    assert rate.value == pytest.approx(0.7143, abs=1e-9)


def test_excel_explains_every_column(client, data):
    from openpyxl import load_workbook

    client.force_login(data["editor"])
    response = client.get(f"/stats/export.xlsx?{RANGE}")
    book = load_workbook(io.BytesIO(response.content))
    header = [cell.value for cell in book["考核统计"][1]]
    explained = {row[0]: row[1] for row in book["说明"].iter_rows(values_only=True)}
    for name in header:
        assert explained.get(name), name
    assert "退回" in explained["退回"]
    assert "刊发" in explained["刊发"]


# --- back-dated scoring rules ---------------------------------------------------


def rule_post(valid_from, **extra):
    post = {
        "name": "补订规则",
        "valid_from": valid_from.isoformat(),
        "monthly_quota": "3",
        "quota_penalty": "1",
        "quota_note": "通报点名",
        **extra,
    }
    for level in AdoptionLevel.objects.filter(is_active=True):
        post[f"adoption_{level.pk}"] = "2"
        post[f"instruction_{level.pk}"] = "4"
    return post


def test_back_dated_rule_needs_confirmation(client, data):
    client.force_login(make_admin())
    month_start = timezone.localdate().replace(day=1)
    past = (month_start - datetime.timedelta(days=40)).replace(day=5)
    before = ScoringRuleSet.objects.count()

    refused = client.post("/stats/rules/new/", rule_post(past))
    assert refused.status_code == 200
    text = refused.content.decode()
    assert (
        f"我确认此规则将改变 {past.year} 年 {past.month} 月起已结束时段的得分" in text
    )
    assert "请勾选确认" in text
    assert 'value="补订规则"' in text  # the input is kept
    assert ScoringRuleSet.objects.count() == before

    saved = client.post("/stats/rules/new/", rule_post(past, confirm_past="on"))
    assert saved.status_code == 302
    assert ScoringRuleSet.objects.filter(valid_from=past).exists()


def test_rule_from_this_month_on_needs_no_confirmation(client, data):
    client.force_login(make_admin())
    month_start = timezone.localdate().replace(day=1)
    response = client.post("/stats/rules/new/", rule_post(month_start))
    assert response.status_code == 302
    assert ScoringRuleSet.objects.filter(valid_from=month_start).exists()


def test_service_refuses_back_dating_without_confirmation(data):
    past = timezone.localdate().replace(day=1) - datetime.timedelta(days=1)
    with pytest.raises(services.AssessmentError, match="已结束时段的得分"):
        services.save_rule_set(
            make_admin(),
            None,
            valid_from=past,
            name="补订",
            monthly_quota=2,
            quota_penalty=1,
            quota_note="",
            points={},
        )
