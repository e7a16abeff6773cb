"""Pages, access, exports and the number of queries of the statistics page."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html

from tests.factories import (
    make_admin,
    make_clerk,
    make_department,
    make_reader,
    make_reviewer,
    make_submission,
)

from .factories import adopt, at, fixed_data_set, submitted_item

pytestmark = pytest.mark.django_db

RANGE = "period=range&start=2026-06-01&end=2026-07-31"
COLUMNS = [
    "submitted",
    "adopted",
    "published",
    "returned",
    "not_used",
    "higher",
    "instructions",
    "score",
]


@pytest.fixture
def data():
    return fixed_data_set()


def client_for(client, user):
    client.force_login(user)
    return client


def page_table(content: bytes) -> dict:
    """{unit: {column: text}} read from the statistics table as a person reads it."""
    tree = lxml_html.fromstring(content.decode())
    table = {}
    for tr in tree.xpath("//table[contains(@class, 'stats-table')]//tr[@data-unit]"):
        table[tr.get("data-unit")] = {
            td.get("data-col"): td.text_content().strip()
            for td in tr.xpath("./td[@data-col]")
        }
    return table


def test_editor_sees_every_unit_with_figures_totals_and_charts(client, data):
    response = client_for(client, data["editor"]).get(f"/stats/?{RANGE}")
    assert response.status_code == 200
    table = page_table(response.content)
    assert table["开发区"]["submitted"] == "2.5"
    assert table["开发区"]["score"] == "11"
    assert table["民政局"]["score"] == "6"
    assert table["交通局"]["submitted"] == "0"
    assert table["合计"]["submitted"] == "5"
    assert table["合计"]["score"] == "14"
    text = response.content.decode()
    assert "采用1.5条×2分" in text
    assert text.count("<svg") == 2
    main = text.split("<main", 1)[1].split("</main>", 1)[0]
    assert "<script" not in main  # the charts are server-drawn SVG


def test_table_sorts_by_a_column(client, data):
    response = client_for(client, data["editor"]).get(f"/stats/?{RANGE}&sort=not_used")
    units = list(page_table(response.content))
    # 开发区 and 民政局 tie on 1 not used; 交通局 (0) comes last, then the totals.
    assert units[-2:] == ["交通局", "合计"]
    response = client.get(f"/stats/?{RANGE}&sort=unit")
    assert list(page_table(response.content))[:3] == ["开发区", "民政局", "交通局"]


def test_drill_down_from_a_number_lists_its_items(client, data):
    client_for(client, data["editor"])
    response = client.get(f"/stats/?{RANGE}")
    tree = lxml_html.fromstring(response.content.decode())
    link = tree.xpath('//tr[@data-unit="开发区"]/td[@data-col="submitted"]/a')[0]
    drill = client.get(link.get("href"))
    assert drill.status_code == 200
    body = drill.content.decode()
    for title in ("开发区稿件一", "开发区稿件二", "开发区民政局合报稿件"):
        assert title in body
    assert "开发区五月稿件" not in body
    assert "0.5" in body  # 开发区's share of the joint item


def test_every_number_of_a_row_links_to_its_own_drill_down(client, data):
    client_for(client, data["editor"])
    response = client.get(f"/stats/?{RANGE}")
    tree = lxml_html.fromstring(response.content.decode())
    kfq = data["kfq"].pk
    unit_link = tree.xpath('//tr[@data-unit="开发区"]/th/a')[0].get("href")
    assert unit_link == f"{reverse('assessment:unit', args=[kfq])}?{RANGE}"
    linked = [c for c in COLUMNS if c != "score"]
    for column in linked:
        href = tree.xpath(f'//tr[@data-unit="开发区"]/td[@data-col="{column}"]/a')[0]
        expected = reverse("assessment:drill", args=[kfq, column])
        assert href.get("href") == f"{expected}?{RANGE}"
        assert client.get(href.get("href")).status_code == 200


@pytest.mark.parametrize("role", ["clerk", "reviewer"])
def test_unit_member_sees_own_figures_and_rank_only(client, data, role):
    kfq, mzj = data["kfq"], data["mzj"]
    user = make_clerk(kfq) if role == "clerk" else make_reviewer(kfq)
    client_for(client, user)

    response = client.get(f"/stats/?{RANGE}")
    assert response.status_code == 302
    assert response["Location"].startswith(f"/stats/units/{kfq.pk}/")
    own = client.get(f"/stats/units/{kfq.pk}/?{RANGE}")
    assert own.status_code == 200
    text = own.content.decode()
    assert '在 3 个单位中排名第 <strong class="rank">1</strong> 名' in text
    assert "开发区 2026年6月1日至2026年7月31日：采用1条×1分" in text
    assert "民政局" not in text

    for url in (
        f"/stats/units/{mzj.pk}/?{RANGE}",
        f"/stats/units/{mzj.pk}/submitted/?{RANGE}",
        f"/stats/units/{mzj.pk}/higher/?{RANGE}",
        f"/stats/export.xlsx?{RANGE}",
        f"/stats/export.csv?{RANGE}",
        "/stats/records/",
        f"/stats/items/{data['items']['a1'].pk}/",
        "/stats/rules/",
        "/stats/rules/new/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/stats/units/{kfq.pk}/submitted/?{RANGE}").status_code == 200


def test_reader_without_unit_gets_404(client, data):
    client_for(client, make_reader())
    assert client.get("/stats/").status_code == 404
    assert client.get(f"/stats/units/{data['kfq'].pk}/").status_code == 404


def test_anonymous_is_sent_to_login(client, data):
    response = client.get("/stats/")
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_excel_holds_the_same_numbers_as_the_page(client, data):
    from openpyxl import load_workbook

    client_for(client, data["editor"])
    page = page_table(client.get(f"/stats/?{RANGE}").content)
    response = client.get(f"/stats/export.xlsx?{RANGE}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["考核统计"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == [
        "名次",
        "单位",
        "报送量",
        "采用量",
        "采用率",
        "刊发",
        "退回",
        "未采用",
    ]
    assert header[-2:] == ["得分", "得分明细"]
    rows = {
        row[1]: dict(zip(header, row, strict=True))
        for row in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert set(rows) == set(page)
    names = {
        "submitted": "报送量",
        "adopted": "采用量",
        "published": "刊发",
        "returned": "退回",
        "not_used": "未采用",
        "score": "得分",
    }
    for unit, figures in page.items():
        for column, header_name in names.items():
            assert Decimal(str(rows[unit][header_name])) == Decimal(figures[column]), (
                unit,
                column,
            )
    assert rows["开发区"]["采用率"] == 1.0
    assert sheet["E2"].number_format == "0.00%"
    assert "省级采用0.5条×6分" in rows["开发区"]["得分明细"]


def test_csv_export(client, data):
    client_for(client, data["editor"])
    response = client.get(f"/stats/export.csv?{RANGE}")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["名次", "单位", "报送量"]
    by_unit = {row[1]: row for row in rows[1:]}
    assert by_unit["开发区"][2] == "2.5"
    assert by_unit["合计"][2] == "5"


def _measure(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/stats/?period=year&year=2026")
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_units_and_items(
    client, data, django_assert_num_queries
):
    client_for(client, data["editor"])
    _measure(client)  # caches warm (the user, the bell), as when live
    small = _measure(client)
    for n in range(12):
        unit = make_department(f"新增单位{n}")
        for day in (3, 9, 17):
            item = submitted_item(unit, at(3 + n % 6, day))
            if day == 9:
                adopt(item, at(3 + n % 6, day + 1))
    _measure(client)  # a new unit outdates the cached user: warm it again
    with django_assert_num_queries(small):
        client.get("/stats/?period=year&year=2026")
    assert small <= 25


def test_admin_edits_rules_on_the_site(client, data):
    admin = make_admin()
    client_for(client, admin)
    form = client.get("/stats/rules/new/")
    assert form.status_code == 200
    assert "县级：每条采用得分" in form.content.decode()
    from assessment.models import AdoptionLevel, ScoringRuleSet

    # Next year's rules: a date in the past would ask for confirmation first.
    year = timezone.localdate().year + 1
    post = {
        "name": f"{year}年考核办法",
        "valid_from": f"{year}-01-01",
        "monthly_quota": "3",
        "quota_penalty": "0.5",
        "quota_note": "通报点名",
    }
    for level in AdoptionLevel.objects.all():
        post[f"adoption_{level.pk}"] = "2"
        post[f"instruction_{level.pk}"] = "4"
    response = client.post("/stats/rules/new/", post)
    assert response.status_code == 302
    rule_set = ScoringRuleSet.objects.get(valid_from=f"{year}-01-01")
    assert rule_set.rules.count() == AdoptionLevel.objects.count()
    assert rule_set.quota_penalty == Decimal("0.5")
    # The same date twice is refused with a message, and nothing is made.
    again = client.post("/stats/rules/new/", post)
    assert again.status_code == 200
    assert f"已有自 {year}-01-01 起用的规则" in again.content.decode()
    from audit.models import AuditEvent

    assert AuditEvent.objects.filter(action="assessment.rule_set_add").count() == 1


def test_editor_cannot_edit_rules(client, data):
    client_for(client, data["editor"])
    assert client.get("/stats/rules/").status_code == 404


def test_editor_records_higher_adoption_instruction_and_shares(client, data):
    client_for(client, data["editor"])
    item = data["items"]["b2"]
    from assessment.models import AdoptionLevel, HigherAdoption

    city = AdoptionLevel.objects.get(short_name="市级")
    # Not sent up yet: nothing to record the feedback against.
    page = client.get(f"/stats/items/{item.pk}/")
    assert "这篇稿件尚未上报" in page.content.decode()
    assert "录入上级采用" not in page.content.decode()
    sent = make_submission([item], data["editor"], sent_at=at(7, 21))
    page = client.get(f"/stats/items/{item.pk}/")
    assert page.status_code == 200
    assert "报市委办信息科" in page.content.decode()
    response = client.post(
        f"/stats/items/{item.pk}/higher/",
        {
            "higher-submission": sent.pk,
            "higher-level": city.pk,
            "higher-adopted_on": "2026-07-25",
            "higher-publication": "《市政府信息》第3期",
        },
    )
    assert response.status_code == 302
    assert HigherAdoption.objects.filter(item=item, level=city).exists()
    response = client.post(
        f"/stats/items/{item.pk}/instruction/",
        {
            "instruction-submission": sent.pk,
            "instruction-level": city.pk,
            "instruction-instructed_on": "2026-07-26",
            "instruction-leader": "副市长",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/stats/items/{item.pk}/credits/",
        {"unit_1": data["mzj"].pk, "unit_2": data["jtj"].pk},
    )
    assert response.status_code == 302
    table = page_table(client.get(f"/stats/?{RANGE}").content)
    # b2 now half 交通局's; 交通局 also gets half the city adoption (4) and 批示 (5).
    assert table["交通局"]["submitted"] == "0.5"
    assert table["交通局"]["higher"] == "0.5"
    assert table["交通局"]["instructions"] == "0.5"
    assert table["交通局"]["score"] == str(-3 + 2 + Decimal("2.5"))


def test_record_pages_need_post_and_csrf(data):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(data["editor"])
    item = data["items"]["b2"]
    assert strict.get(f"/stats/items/{item.pk}/credits/").status_code == 405
    response = strict.post(f"/stats/items/{item.pk}/credits/", {"unit_1": ""})
    assert response.status_code == 403
    assert reverse("assessment:item_credits", args=[item.pk]).startswith("/stats/")


def test_editor_and_admin_pages_render(client, data):
    from assessment import services

    client.force_login(data["editor"])
    bulletin = services.create_bulletin(data["editor"], 2026, 7)
    for url in (
        "/stats/records/?q=开发区",
        f"/stats/bulletins/{bulletin.pk}/",
        f"/stats/units/{data['mzj'].pk}/instructions/?{RANGE}",
        "/stats/?period=quarter&year=2026&quarter=3",
        "/stats/?period=month&year=2026&month=7",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "开发区稿件一" in client.get("/stats/records/?q=开发区").content.decode()
    docx = client.get(f"/stats/bulletins/{bulletin.pk}/file.docx")
    assert docx.status_code == 200
    assert docx.content[:2] == b"PK"
    client.force_login(make_admin())
    assert client.get("/stats/rules/").status_code == 200
    assert client.get("/stats/").status_code == 200


def test_a_running_month_says_it_is_not_over_not_that_nobody_missed(
    client, data, time_machine
):
    import datetime
    import zoneinfo

    time_machine.move_to(
        datetime.datetime(2026, 7, 15, 10, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")),
        tick=False,
    )
    editor = client_for(client, data["editor"])
    running = editor.get("/stats/?period=month&year=2026&month=7").content.decode()
    assert "本月尚未结束" in running and "个单位有月份未完成报送任务" not in running
    over = editor.get("/stats/?period=month&year=2026&month=6").content.decode()
    assert "个单位有月份未完成报送任务" in over and "本月尚未结束" not in over


FORMULA = '=HYPERLINK("http://e.x","c")'
FORMULA_START = tuple("=+-@\t\r")


@pytest.fixture
def formula_names(data):
    """Names typed by admins that a spreadsheet would run as formulas."""
    from assessment.models import AdoptionLevel
    from departments.models import Department

    Department.objects.filter(short_name="开发区").update(short_name=FORMULA)
    city = AdoptionLevel.objects.get(short_name="市级")
    city.short_name = "=市级"
    city.leader_label = "@市领导"
    city.save()
    return data


def test_excel_export_has_no_formula_cells(client, formula_names):
    from openpyxl import load_workbook

    client_for(client, formula_names["editor"])
    response = client.get(f"/stats/export.xlsx?{RANGE}")
    book = load_workbook(io.BytesIO(response.content))
    formulas = [
        f"{sheet.title}!{cell.coordinate}"
        for sheet in book
        for row in sheet.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    sheet = book["考核统计"]
    units = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "'" + FORMULA in units  # the name is still there, as text
    header = [cell.value for cell in sheet[1]]
    score = header.index("得分") + 1
    # Numbers stay numbers, negative ones too (交通局 missed its quota).
    scores = [sheet.cell(row, score).value for row in range(2, sheet.max_row + 1)]
    assert all(isinstance(value, int | float) for value in scores)
    assert min(scores) < 0


def test_csv_export_has_no_cell_a_spreadsheet_reads_as_a_formula(client, formula_names):
    client_for(client, formula_names["editor"])
    response = client.get(f"/stats/export.csv?{RANGE}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    score = rows[0].index("得分")
    formulas = [
        cell
        for row in rows
        for index, cell in enumerate(row)
        if cell.startswith(FORMULA_START) and index != score
    ]
    assert formulas == []
    assert "'" + FORMULA in [row[1] for row in rows]
    assert "'=市级采用" in rows[0]
    assert "'@市领导批示" in rows[0]
    # The score column holds numbers: a negative one is not escaped.
    assert min(float(row[score]) for row in rows[1:]) < 0
