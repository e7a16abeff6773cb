"""Test data for the assessment: items with dated workflow events, and records."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from assessment.models import (
    AdoptionLevel,
    HigherAdoption,
    InstructionRecord,
    ItemCredit,
    ScoringRule,
    ScoringRuleSet,
)
from briefing.models import Item, ItemEvent
from tests.factories import (
    make_department,
    make_editor,
    make_item,
    make_submission,
)

TZ = ZoneInfo("Asia/Shanghai")
S = Item.Status


def at(month, day, hour=10, year=2026):
    return datetime.datetime(year, month, day, hour, tzinfo=TZ)


def level(short_name) -> AdoptionLevel:
    return AdoptionLevel.objects.get(short_name=short_name)


def event(item, action, from_status, to_status, when):
    """An item event dated ``when`` (created_at is auto_now_add, so set it after)."""
    row = ItemEvent.objects.create(
        item=item, action=action, from_status=from_status, to_status=to_status
    )
    ItemEvent.objects.filter(pk=row.pk).update(created_at=when)
    return row


def submitted_item(department, when, *, via_review=False, **kwargs):
    """An item that reached the county office at ``when``."""
    item = make_item(department=department, status=S.SUBMITTED, **kwargs)
    if via_review:
        event(item, "submit", S.DRAFT, S.PENDING_REVIEW, when - datetime.timedelta(1))
        event(item, "approve", S.PENDING_REVIEW, S.SUBMITTED, when)
    else:
        event(item, "submit", S.DRAFT, S.SUBMITTED, when)
    Item.objects.filter(pk=item.pk).update(submitted_at=when)
    item.refresh_from_db()
    return item


def move(item, action, from_status, to_status, when):
    event(item, action, from_status, to_status, when)
    Item.objects.filter(pk=item.pk).update(status=to_status)
    item.refresh_from_db()
    return item


def adopt(item, when):
    return move(item, "adopt", item.status, S.ADOPTED, when)


def publish(item, when):
    return move(item, "publish", S.ADOPTED, S.PUBLISHED, when)


def rule_set(valid_from, points, *, quota=2, penalty="1", note="扣分"):
    """``points``: {short level name: (adoption, instruction)}."""
    rs = ScoringRuleSet.objects.create(
        valid_from=valid_from,
        name=f"{valid_from.year}规则",
        monthly_quota=quota,
        quota_penalty=Decimal(penalty),
        quota_note=note,
    )
    for short, (adoption, instruction) in points.items():
        ScoringRule.objects.create(
            rule_set=rs,
            level=level(short),
            adoption_points=Decimal(str(adoption)),
            instruction_points=Decimal(str(instruction)),
        )
    return rs


def fixed_data_set():
    """The data set whose figures are worked out by hand in test_statistics.py.

    Rules: the seeded set (county 1/2, city 3/5, province 5/10; quota 2, −1) and
    from 2026-07-01 county 2/3, city 4/5, province 6/10; quota 3, −2.
    """
    editor = make_editor(username="stats_editor")
    kfq = make_department("开发区", order=1)
    mzj = make_department("民政局", order=2)
    jtj = make_department("交通局", order=3)
    rule_set(
        datetime.date(2026, 7, 1),
        {"县级": (2, 3), "市级": (4, 5), "省级": (6, 10), "中央": (10, 20)},
        quota=3,
        penalty="2",
    )
    a1 = submitted_item(kfq, at(6, 3), title="开发区稿件一")
    adopt(a1, at(6, 5))
    publish(a1, at(6, 10))

    a2 = submitted_item(kfq, at(6, 10), title="开发区稿件二")
    move(a2, "return", S.SUBMITTED, S.RETURNED, at(6, 11))
    move(a2, "submit", S.RETURNED, S.SUBMITTED, at(6, 12))
    adopt(a2, at(7, 2))

    a3 = submitted_item(kfq, at(7, 5), via_review=True, title="开发区民政局合报稿件")
    adopt(a3, at(7, 6))
    publish(a3, at(7, 10))
    ItemCredit.objects.create(item=a3, department=kfq, share=Decimal("0.5"))
    ItemCredit.objects.create(item=a3, department=mzj, share=Decimal("0.5"))
    a3.joint_units.set([kfq, mzj])

    a4 = submitted_item(kfq, at(5, 28), title="开发区五月稿件")
    move(a4, "not_use", S.SUBMITTED, S.NOT_USED, at(6, 2))

    b1 = submitted_item(mzj, at(6, 15), title="民政局稿件一")
    adopt(b1, at(6, 16))
    move(b1, "remove_from_issue", S.ADOPTED, S.EDITING, at(6, 17))
    move(b1, "not_use", S.EDITING, S.NOT_USED, at(6, 18))

    b2 = submitted_item(mzj, at(7, 20), title="民政局稿件二")

    def sent(item, day):
        return make_submission([item], editor, sent_at=at(*day[1:], hour=9))

    HigherAdoption.objects.create(
        submission=sent(a1, (2026, 6, 12)),
        item=a1,
        level=level("市级"),
        adopted_on=datetime.date(2026, 6, 20),
        publication="《市委信息》第5期",
        created_by=editor,
    )
    HigherAdoption.objects.create(
        submission=sent(a3, (2026, 7, 11)),
        item=a3,
        level=level("省级"),
        adopted_on=datetime.date(2026, 7, 15),
        publication="《河南信息》第9期",
        created_by=editor,
    )
    InstructionRecord.objects.create(
        submission=sent(a2, (2026, 7, 1)),
        item=a2,
        level=level("县级"),
        instructed_on=datetime.date(2026, 7, 3),
        leader="县长",
        created_by=editor,
    )
    InstructionRecord.objects.create(
        submission=sent(b1, (2026, 6, 16)),
        item=b1,
        level=level("市级"),
        instructed_on=datetime.date(2026, 6, 25),
        leader="市委书记",
        created_by=editor,
    )
    return {
        "editor": editor,
        "kfq": kfq,
        "mzj": mzj,
        "jtj": jtj,
        "items": {"a1": a1, "a2": a2, "a3": a3, "a4": a4, "b1": b1, "b2": b2},
    }
