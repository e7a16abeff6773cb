"""Invalid periods are refused with a message, and a 通报 waits for its month's end."""

import datetime
from urllib.parse import urlsplit

import pytest

from assessment import services
from assessment.models import Bulletin

from .factories import fixed_data_set

pytestmark = pytest.mark.django_db
UTC = datetime.UTC


@pytest.fixture
def data():
    return fixed_data_set()


def set_now(time_machine, when: datetime.datetime):
    """Move the whole clock; ``localdate()`` then answers in Asia/Shanghai."""
    time_machine.move_to(when, tick=False)


@pytest.fixture
def nov26(time_machine):
    set_now(time_machine, datetime.datetime(2026, 11, 26, 2, 0, tzinfo=UTC))


# --- 1. 通报 of a month that has not ended -----------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "message"),
    [
        (2026, 11, "2026年11月尚未结束，月底后才能生成本月通报。"),
        (2030, 1, "2030年1月尚未结束，月底后才能生成本月通报。"),
    ],
)
def test_bulletin_of_a_running_or_future_month_is_refused_on_the_form(
    client, data, nov26, year, month, message
):
    client.force_login(data["editor"])
    response = client.post("/stats/bulletins/", {"year": year, "month": month})
    assert response.status_code == 200
    text = response.content.decode()
    assert message in text
    assert f'name="year" value="{year}"' in text
    assert f'name="month" value="{month}"' in text
    assert not Bulletin.objects.exists()


def test_bulletin_of_an_ended_month_is_drafted(client, data, nov26):
    client.force_login(data["editor"])
    response = client.post("/stats/bulletins/", {"year": 2026, "month": 10})
    bulletin = Bulletin.objects.get()
    assert response.status_code == 302
    assert (bulletin.year, bulletin.month) == (2026, 10)


def test_month_ends_by_the_date_in_shanghai(data, time_machine):
    # 23:30 on 30 November in Shanghai: November is still running.
    set_now(time_machine, datetime.datetime(2026, 11, 30, 15, 30, tzinfo=UTC))
    with pytest.raises(services.AssessmentError):
        services.create_bulletin(data["editor"], 2026, 11)
    # 00:30 on 1 December in Shanghai, still 30 November in UTC.
    set_now(time_machine, datetime.datetime(2026, 11, 30, 16, 30, tzinfo=UTC))
    assert services.create_bulletin(data["editor"], 2026, 11).month == 11


def test_a_draft_of_a_running_month_cannot_be_issued(data, time_machine):
    set_now(time_machine, datetime.datetime(2026, 12, 2, 2, 0, tzinfo=UTC))
    draft = services.create_bulletin(data["editor"], 2026, 11)
    # A draft made for November while November was running (before this check).
    set_now(time_machine, datetime.datetime(2026, 11, 26, 2, 0, tzinfo=UTC))
    with pytest.raises(services.AssessmentError) as refused:
        services.issue_bulletin(draft, data["editor"], version=draft.version)
    assert refused.value.message == "2026年11月尚未结束，月底后才能印发本月通报。"
    draft.refresh_from_db()
    assert draft.status == Bulletin.Status.DRAFT


# --- 2. dates outside 2000–2100 -----------------------------------------------------

OUT_OF_RANGE = [
    "period=range&start=2026-01-01&end=9999-12-31",
    "period=range&start=0001-01-01&end=2026-01-31",
]
BOUNDS = "日期应在 2000-01-01 至 2100-12-31 之间"


def page_urls(data):
    unit = f"/stats/units/{data['kfq'].pk}/"
    return ["/stats/", unit, f"{unit}submitted/", f"{unit}higher/"]


@pytest.mark.parametrize("query", OUT_OF_RANGE)
def test_dates_out_of_range_are_refused_with_a_message(client, data, nov26, query):
    client.force_login(data["editor"])
    for url in page_urls(data):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        text = response.content.decode()
        assert BOUNDS in text, url
        assert "已改为显示 2026年11月" in text, url


@pytest.mark.parametrize("query", OUT_OF_RANGE)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_with_dates_out_of_range_goes_to_the_page(
    client, data, nov26, query, fmt
):
    client.force_login(data["editor"])
    response = client.get(f"/stats/export.{fmt}?{query}")
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == "/stats/"
    page = client.get(response["Location"])
    assert BOUNDS in page.content.decode()


# --- 3. other invalid periods ------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "period=month&year=99999&month=3",
            "所选时段无效（年度应为 2000–2100），已改为显示 2026年3月。",
        ),
        (
            "period=year&year=abc",
            "所选时段无效（年度应为 2000–2100），已改为显示 2026年。",
        ),
        (
            "period=month&year=2026&month=13",
            "所选时段无效（月份应为 1–12），已改为显示 2026年11月。",
        ),
        (
            "period=quarter&year=2025&quarter=9",
            "所选时段无效（季度应为 1–4），已改为显示 2025年第4季度。",
        ),
        (
            "period=range&start=abc&end=2026-03-01",
            "所选时段无效（日期格式应为“年-月-日”，如 2026-01-31），"
            "已改为显示 2026年11月。",
        ),
        (
            "period=range&start=2026-03-01&end=2026-01-01",
            "所选时段无效（截止日期早于起始日期，已对调），"
            "已改为显示 2026年1月1日至2026年3月1日。",
        ),
    ],
)
def test_an_invalid_period_is_replaced_and_the_user_told(
    client, data, nov26, query, message
):
    client.force_login(data["editor"])
    for url in page_urls(data):
        response = client.get(f"{url}?{query}")
        assert response.status_code == 200, url
        assert message in response.content.decode(), url


def test_a_valid_period_has_no_message(client, data, nov26):
    client.force_login(data["editor"])
    response = client.get("/stats/?period=month&year=2026&month=7")
    assert "所选时段无效" not in response.content.decode()


def test_export_of_an_invalid_period_goes_to_the_page_instead(client, data, nov26):
    client.force_login(data["editor"])
    response = client.get("/stats/export.csv?period=month&year=2026&month=13")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert "所选时段无效（月份应为 1–12），已改为显示 2026年11月。" in (
        page.content.decode()
    )


# --- 4. Chinese punctuation -------------------------------------------------------


def test_labels_and_the_score_sentence_use_chinese_punctuation(client, data, nov26):
    client.force_login(data["editor"])
    text = client.get("/stats/bulletins/").content.decode()
    assert "年度：</label>" in text and "月份：</label>" in text
    assert "年度:" not in text
    unit = client.get(f"/stats/units/{data['kfq'].pk}/?period=month&year=2026&month=6")
    assert "开发区 2026年6月：采用1条×1分，市级采用1条×3分 = 4分" in (
        unit.content.decode()
    )
