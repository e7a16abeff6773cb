"""约稿未报 and 迟报 in the score, against figures worked out by hand.

Rule sets: from 2026-01-01 未报 −1, 迟报 −0.5; from 2026-11-01 未报 −2, 迟报 −1.
- 约稿一 (deadline 10月20日 17:00) asks 甲, 乙, 丙: 甲 answers on the 19th,
  乙 on the 21st (late), 丙 never.
- 约稿二 (deadline 11月15日 17:00) asks 甲 and 丙: 甲 never, 丙 on the 16th (late).
- 约稿三 (deadline 12月20日, after "now" = 12月10日) asks 甲: not counted yet.
Year 2026: 甲 −2 (二 未报 ×2); 乙 −0.5 (一 迟报 ×0.5); 丙 −1 −1 = −2.
October: 甲 0, 乙 −0.5, 丙 −1. November: 甲 −2, 乙 0, 丙 −1.
"""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from assessment import selectors
from assessment.models import ScoringRuleSet
from assessment.periods import Period
from briefing.services import items as item_services
from commissions import services
from tests.factories import make_clerk, make_department, make_editor

from .factories import rule_set

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 12, 10, 9, 0, tzinfo=SH)


def at(month, day, hour=10):
    return datetime.datetime(2026, month, day, hour, tzinfo=SH)


@pytest.fixture
def units(time_machine):
    def clock(when):
        time_machine.move_to(when, tick=False)

    ScoringRuleSet.objects.all().delete()
    for valid_from, missing, late in [
        (datetime.date(2026, 1, 1), "1", "0.5"),
        (datetime.date(2026, 11, 1), "2", "1"),
    ]:
        rs = rule_set(valid_from, {}, quota=0)
        rs.commission_missing_penalty = Decimal(missing)
        rs.commission_late_penalty = Decimal(late)
        rs.save()
    editor = make_editor()
    names = ["甲", "乙", "丙"]
    found = {name: make_department(name) for name in names}
    clerks = {name: make_clerk(unit) for name, unit in found.items()}

    def commission(written, deadline, asked):
        clock(written)
        return services.create_commission(
            editor,
            topic=f"约稿{deadline:%m%d}",
            departments=[found[n] for n in asked],
            deadline=deadline,
        )

    def answer(when, commission, name):
        clock(when)
        item = services.start_answer(commission, clerks[name])
        item = item_services.update_item(
            item, clerks[name], version=item.version, title="回应", body="<p>x</p>"
        )
        item_services.submit_item(item, clerks[name])

    one = commission(at(10, 1), at(10, 20, 17), ["甲", "乙", "丙"])
    two = commission(at(11, 1), at(11, 15, 17), ["甲", "丙"])
    commission(at(12, 1), at(12, 20, 17), ["甲"])
    answer(at(10, 19), one, "甲")
    answer(at(10, 21), one, "乙")
    answer(at(11, 16), two, "丙")
    clock(NOW)
    return found


def scores(period):
    result = selectors.unit_statistics(period, today=NOW.date())
    return {
        row.department.short_name: (row.score, [line.text for line in row.lines])
        for row in result.rows
        if row.department.short_name in {"甲", "乙", "丙"}
    }


def test_year_by_hand(units):
    assert scores(Period.year(2026)) == {
        "甲": (Decimal("-2"), ["约稿未报1次，每次扣2分"]),
        "乙": (Decimal("-0.5"), ["约稿迟报1次，每次扣0.5分"]),
        "丙": (Decimal("-2"), ["约稿未报1次，每次扣1分", "约稿迟报1次，每次扣1分"]),
    }


def test_each_counts_in_the_month_of_its_deadline(units):
    assert scores(Period.month(2026, 10)) == {
        "甲": (Decimal("0"), []),
        "乙": (Decimal("-0.5"), ["约稿迟报1次，每次扣0.5分"]),
        "丙": (Decimal("-1"), ["约稿未报1次，每次扣1分"]),
    }
    assert scores(Period.month(2026, 11)) == {
        "甲": (Decimal("-2"), ["约稿未报1次，每次扣2分"]),
        "乙": (Decimal("0"), []),
        "丙": (Decimal("-1"), ["约稿迟报1次，每次扣1分"]),
    }


def test_a_deadline_not_yet_passed_costs_nothing(units, time_machine):
    december = Period.month(2026, 12)
    assert scores(december)["甲"] == (Decimal("0"), [])
    time_machine.move_to(at(12, 20, 17) + datetime.timedelta(seconds=1), tick=False)
    assert scores(december)["甲"] == (Decimal("-2"), ["约稿未报1次，每次扣2分"])


def test_a_zero_penalty_gives_no_line(units):
    ScoringRuleSet.objects.update(commission_late_penalty=0)
    assert scores(Period.year(2026))["乙"] == (Decimal("0"), [])
    assert scores(Period.year(2026))["丙"] == (
        Decimal("-1"),
        ["约稿未报1次，每次扣1分"],
    )


def test_admin_sets_the_penalties_on_the_rules_page(client, time_machine):
    from assessment.models import AdoptionLevel
    from tests.factories import make_admin

    time_machine.move_to(NOW, tick=False)  # next year's rules need no confirmation
    client.force_login(make_admin())
    page = client.get("/stats/rules/new/").content.decode()
    assert "约稿未报每次扣分" in page and "约稿迟报每次扣分" in page
    post = {
        "name": "2027年考核办法",
        "valid_from": "2027-01-01",
        "monthly_quota": "2",
        "quota_penalty": "0",
        "quota_note": "通报点名",
        "commission_missing_penalty": "1.5",
        "commission_late_penalty": "0.25",
    }
    for level in AdoptionLevel.objects.all():
        post[f"adoption_{level.pk}"] = "1"
        post[f"instruction_{level.pk}"] = "1"
    assert client.post("/stats/rules/new/", post).status_code == 302
    saved = ScoringRuleSet.objects.get(valid_from="2027-01-01")
    assert saved.commission_missing_penalty == Decimal("1.5")
    assert saved.commission_late_penalty == Decimal("0.25")
