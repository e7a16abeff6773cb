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
        "开发区 2026年6月：采用1条×1分，市级采用1条×3分 = 4分"
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


def test_first_and_last_events_across_the_edges_of_the_year():
    """The first submission and the last adoption are found outside the year too."""
    from .factories import S, adopt, at, move, submitted_item

    unit = make_department("司法局")
    # Reached the office in December 2025, returned twice, adopted in January.
    c1 = submitted_item(unit, at(12, 20, year=2025), title="跨年稿件")
    move(c1, "return", S.SUBMITTED, S.RETURNED, at(12, 22, year=2025))
    move(c1, "submit", S.RETURNED, S.SUBMITTED, at(1, 5))
    move(c1, "return", S.SUBMITTED, S.RETURNED, at(1, 10))
    move(c1, "submit", S.RETURNED, S.SUBMITTED, at(1, 12))
    adopt(c1, at(1, 15))
    # Adopted in December 2026, taken out and adopted again in January 2027.
    c2 = submitted_item(unit, at(12, 28), title="年底采用稿件")
    adopt(c2, at(12, 29))
    move(c2, "remove_from_issue", S.ADOPTED, S.EDITING, at(12, 30))
    adopt(c2, at(1, 4, year=2027))
    # Not used in December 2026, reconsidered and not used again in 2027.
    c3 = submitted_item(unit, at(12, 10), title="年底未采用稿件")
    move(c3, "not_use", S.SUBMITTED, S.NOT_USED, at(12, 15))
    move(c3, "claim", S.NOT_USED, S.EDITING, at(1, 2, year=2027))
    move(c3, "not_use", S.EDITING, S.NOT_USED, at(1, 3, year=2027))
    # Returned in June and again in July: once in each month, once in the year.
    c4 = submitted_item(unit, at(6, 1), title="两次退回稿件")
    move(c4, "return", S.SUBMITTED, S.RETURNED, at(6, 3))
    move(c4, "submit", S.RETURNED, S.SUBMITTED, at(6, 4))
    move(c4, "return", S.SUBMITTED, S.RETURNED, at(7, 8))

    def unit_figures(period):
        return figures(stats(period).row_for(unit.pk))

    # (报送, 采用, 刊发, 退回, 未采用)
    assert unit_figures(Period.year(2025)) == (1, 0, 0, 1, 0)
    assert unit_figures(Period.month(2025, 12)) == (1, 0, 0, 1, 0)
    assert unit_figures(Period.year(2026)) == (3, 1, 0, 2, 0)
    assert unit_figures(Period.month(2026, 1)) == (0, 1, 0, 1, 0)
    assert unit_figures(Period.month(2026, 6)) == (1, 0, 0, 1, 0)
    assert unit_figures(Period.month(2026, 7)) == (0, 0, 0, 1, 0)
    assert unit_figures(Period.month(2026, 12)) == (2, 0, 0, 0, 0)
    assert unit_figures(Period.year(2027)) == (0, 1, 0, 0, 1)
    series = dict(stats(Period.year(2026)).monthly)
    assert series[datetime.date(2026, 1, 1)] == 0
    assert series[datetime.date(2026, 12, 1)] == 2
    # The drill-down lists the same items.
    titles = {
        item.title
        for item in selectors.items_behind(Period.year(2026), unit, "returned")
    }
    assert titles == {"跨年稿件", "两次退回稿件"}
