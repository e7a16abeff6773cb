"""Counting and scoring on a fixed data set, against figures worked out by hand."""

import datetime
from decimal import Decimal

import pytest

from assessment import selectors, services
from assessment.periods import Period
from tests.factories import make_department, make_editor

from .factories import fixed_data_set, rule_set

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 8, 15)
D = Decimal


@pytest.fixture
def data():
    return fixed_data_set()


def stats(period):
    return selectors.unit_statistics(period, today=TODAY)


def figures(row):
    return (
        row.submitted,
        row.adopted,
        row.published,
        row.returned,
        row.not_used,
    )


def test_june_and_july_by_hand(data):
    result = stats(Period.range(datetime.date(2026, 6, 1), datetime.date(2026, 7, 31)))
    kfq = result.row_for(data["kfq"].pk)
    mzj = result.row_for(data["mzj"].pk)
    jtj = result.row_for(data["jtj"].pk)

    # 开发区: a1, a2 (its resubmission is not counted again), half of a3.
    assert figures(kfq) == (D("2.5"), D("2.5"), D("1.5"), D(1), D(1))
    # 民政局: b1 (adopted, taken out again, not used), b2, half of a3.
    assert figures(mzj) == (D("2.5"), D("0.5"), D("0.5"), D(0), D(1))
    # 交通局 sent nothing and still has a row.
    assert figures(jtj) == (0, 0, 0, 0, 0)

    # Rules change on 7-01: a1 adopted in June at 1 point, a2 and a3 in July at 2.
    assert [line.text for line in kfq.lines] == [
        "采用1条×1分",
        "采用1.5条×2分",
        "市级采用1条×3分",
        "省级采用0.5条×6分",
        "县领导批示1次×3分",
        "7月报送0.5条未完成3条任务扣2分",
    ]
    assert kfq.score == D(11)
    assert [line.text for line in mzj.lines] == [
        "采用0.5条×2分",
        "省级采用0.5条×6分",
        "市领导批示1次×5分",
        "6月报送1条未完成2条任务扣1分",
        "7月报送1.5条未完成3条任务扣2分",
    ]
    assert mzj.score == D(6)
    assert jtj.score == D(-3)
    assert [(r.department.short_name, r.rank) for r in result.rows] == [
        ("开发区", 1),
        ("民政局", 2),
        ("交通局", 3),
    ]
    # Shares add up: six items reached the office, five of them in the period.
    assert result.totals["submitted"] == D(5)
    assert result.totals["adopted"] == D(3)
    assert result.totals["score"] == D(14)


def test_month_score_line(data):
    result = stats(Period.month(2026, 6))
    kfq = result.row_for(data["kfq"].pk)
    assert figures(kfq) == (D(2), D(1), D(1), D(1), D(1))
    assert kfq.adoption_rate == D("0.5")
    assert kfq.score_text(result.period) == (
        "开发区 2026年6月: 采用1条×1分, 市级采用1条×3分 = 4分"
    )
    # The returned item counts as returned, but its resubmission is not a new one.
    assert kfq.missed == []


def test_rule_change_does_not_touch_earlier_months(data):
    june = Period.month(2026, 6)
    before = [(r.department.pk, r.score, r.rank) for r in stats(june).rows]
    rule_set(
        datetime.date(2026, 8, 1),
        {"县级": (9, 9), "市级": (9, 9), "省级": (9, 9), "中央": (9, 9)},
        quota=9,
        penalty="9",
    )
    assert [(r.department.pk, r.score, r.rank) for r in stats(june).rows] == before


def test_unit_without_submissions_misses_quota_every_closed_month(data):
    result = stats(Period.year(2026))
    jtj = result.row_for(data["jtj"].pk)
    assert jtj.submitted == 0
    # Closed months by 2026-08-15: January–July; June on the old rule (−1),
    # January–June −1 each, July −2.
    assert [m.month for m in jtj.missed] == [1, 2, 3, 4, 5, 6, 7]
    assert jtj.score == D(-8)


def test_monthly_series_counts_first_submissions(data):
    result = stats(Period.year(2026))
    series = dict(result.monthly)
    assert series[datetime.date(2026, 5, 1)] == D(1)
    assert series[datetime.date(2026, 6, 1)] == D(3)
    assert series[datetime.date(2026, 7, 1)] == D(2)
    assert sum(series.values()) == D(6)


def test_drill_down_lists_the_items_behind_a_number(data):
    period = Period.range(datetime.date(2026, 6, 1), datetime.date(2026, 7, 31))
    titles = {
        item.title for item in selectors.items_behind(period, data["kfq"], "submitted")
    }
    assert titles == {"开发区稿件一", "开发区稿件二", "开发区民政局合报稿件"}
    adopted = {i.title for i in selectors.items_behind(period, data["mzj"], "adopted")}
    assert adopted == {"开发区民政局合报稿件"}
    not_used = {
        i.title for i in selectors.items_behind(period, data["mzj"], "not_used")
    }
    assert not_used == {"民政局稿件一"}
    higher = selectors.records_behind(period, data["mzj"], "higher")
    assert [r.publication for r in higher] == ["《河南信息》第9期"]


def test_equal_credit_shares_set_by_editor(data):
    editor = make_editor()
    item = data["items"]["b2"]
    third = make_department("司法局")
    credits = services.set_item_credits(
        item, editor, [(data["mzj"], None), (data["kfq"], None), (third, None)]
    )
    assert [c.share for c in credits] == [D("0.3334"), D("0.3333"), D("0.3333")]
    assert sum(c.share for c in credits) == 1
    result = stats(Period.month(2026, 7))
    assert result.row_for(third.pk).submitted == D("0.3333")
    assert result.totals["submitted"] == D(2)


def test_shares_must_add_up_to_one(data):
    editor = make_editor()
    with pytest.raises(services.AssessmentError, match="之和须等于 1"):
        services.set_item_credits(
            data["items"]["b2"],
            editor,
            [(data["mzj"], D("0.5")), (data["kfq"], D("0.4"))],
        )


def test_only_editors_record(data):
    from tests.factories import make_clerk

    clerk = make_clerk(data["kfq"])
    with pytest.raises(services.AssessmentError):
        services.set_item_credits(data["items"]["a1"], clerk, [])
