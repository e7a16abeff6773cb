"""紧急信息: the reporting rule and how time since the event reads.

The rule "30 分钟内电话报告，1 小时内书面报告" comes from settings
(URGENT_PHONE_REPORT_MINUTES, URGENT_WRITTEN_REPORT_MINUTES). The written
report is the item first reaching the editors (已报送: submitted, or approved
by the unit); a phone call leaves no trace here, so only the written report
is checked.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings

from briefing.models import URGENT_OPEN_STATES, Item


def duration_label(delta: datetime.timedelta) -> str:
    """45分钟, 1小时5分钟, 2天3小时 (whole minutes, never negative)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return f"{days}天{hours}小时" if hours else f"{days}天"
    if hours:
        return f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
    return f"{minutes}分钟"


def rule_text() -> str:
    """The rule as the office words it: 30分钟内电话报告，1小时内书面报告."""
    phone = duration_label(datetime.timedelta(minutes=phone_limit_minutes()))
    written = duration_label(datetime.timedelta(minutes=written_limit_minutes()))
    return f"{phone}内电话报告，{written}内书面报告"


def phone_limit_minutes() -> int:
    return settings.URGENT_PHONE_REPORT_MINUTES


def written_limit_minutes() -> int:
    return settings.URGENT_WRITTEN_REPORT_MINUTES


def is_open(item) -> bool:
    """An urgent item waiting for the editors (shown first, in red)."""
    return item.is_urgent and item.status in URGENT_OPEN_STATES


@dataclass(frozen=True)
class WrittenReport:
    """When the written report reached the editors, and whether in time."""

    reported_at: datetime.datetime | None
    after: datetime.timedelta | None  # reported_at - event_at
    met: bool | None  # None: not reported yet

    @property
    def after_label(self) -> str:
        return duration_label(self.after) if self.after is not None else ""

    @property
    def limit_label(self) -> str:
        return duration_label(datetime.timedelta(minutes=written_limit_minutes()))


def written_report(item, events) -> WrittenReport | None:
    """The written report of an urgent item, from its timeline ``events``
    (oldest first): the first move to 已报送. None for an ordinary item."""
    if not item.is_urgent or item.event_at is None:
        return None
    reported_at = next(
        (e.created_at for e in events if e.to_status == Item.Status.SUBMITTED), None
    )
    if reported_at is None:
        return WrittenReport(None, None, None)
    after = reported_at - item.event_at
    limit = datetime.timedelta(minutes=written_limit_minutes())
    return WrittenReport(reported_at, after, after <= limit)
