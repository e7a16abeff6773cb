"""Reporting periods: a month, a quarter, a year or any range of dates."""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def _tz():
    return ZoneInfo(settings.TIME_ZONE)


def month_end(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class Period:
    """Dates ``start`` to ``end`` inclusive, in the site's time zone (Asia/Shanghai)."""

    kind: str  # month, quarter, year, range
    start: datetime.date
    end: datetime.date

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls("month", datetime.date(year, month, 1), month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> "Period":
        first = 3 * (quarter - 1) + 1
        return cls("quarter", datetime.date(year, first, 1), month_end(year, first + 2))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls("year", datetime.date(year, 1, 1), datetime.date(year, 12, 31))

    @classmethod
    def range(cls, start: datetime.date, end: datetime.date) -> "Period":
        if end < start:
            start, end = end, start
        return cls("range", start, end)

    @property
    def start_at(self) -> datetime.datetime:
        """The first instant of the period (aware)."""
        return datetime.datetime.combine(self.start, datetime.time(), tzinfo=_tz())

    @property
    def end_before(self) -> datetime.datetime:
        """The first instant after the period (aware)."""
        next_day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(next_day, datetime.time(), tzinfo=_tz())

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{self.start.year}年"
        return f"{self.start:%Y年%-m月%-d日}至{self.end:%Y年%-m月%-d日}"

    def months(self) -> list[tuple[int, int]]:
        """(year, month) of every calendar month the period touches."""
        result = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append((year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def closed_months(self, today: datetime.date) -> list[tuple[int, int]]:
        """Months wholly inside the period and already over: the quota applies."""
        return [
            (y, m)
            for (y, m) in self.months()
            if datetime.date(y, m, 1) >= self.start
            and month_end(y, m) <= self.end
            and month_end(y, m) < today
        ]

    def query(self) -> str:
        """The GET parameters that select this period again."""
        if self.kind == "month":
            return f"period=month&year={self.start.year}&month={self.start.month}"
        if self.kind == "quarter":
            quarter = (self.start.month - 1) // 3 + 1
            return f"period=quarter&year={self.start.year}&quarter={quarter}"
        if self.kind == "year":
            return f"period=year&year={self.start.year}"
        return f"period=range&start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"


# The period form offers these years; dates outside them are refused rather
# than passed on, so a range ending 9999-12-31 cannot overflow ``end_before``.
MIN_YEAR, MAX_YEAR = 2000, 2100
MIN_DATE = datetime.date(MIN_YEAR, 1, 1)
MAX_DATE = datetime.date(MAX_YEAR, 12, 31)
KINDS = ("month", "quarter", "year", "range")


def month_has_ended(year: int, month: int, today: datetime.date | None = None) -> bool:
    """Whether the whole month lies before ``today`` (Asia/Shanghai by default)."""
    return month_end(year, month) < (today or timezone.localdate())


def _int(params, name, default, low, high, problem, problems):
    """The whole number ``params[name]``; ``default`` when absent, and when invalid
    also ``problem`` is added to ``problems``."""
    value = params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = None
    if number is None or not low <= number <= high:
        problems.append(problem)
        return default
    return number


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def _range(params, problems) -> Period | None:
    raw_start, raw_end = params.get("start") or "", params.get("end") or ""
    if not raw_start or not raw_end:
        problems.append("自定义日期须填写起始日期和截止日期")
        return None
    start, end = _date(raw_start), _date(raw_end)
    if start is None or end is None:
        problems.append("日期格式应为“年-月-日”，如 2026-01-31")
        return None
    if not (MIN_DATE <= start <= MAX_DATE and MIN_DATE <= end <= MAX_DATE):
        problems.append(f"日期应在 {MIN_DATE:%Y-%m-%d} 至 {MAX_DATE:%Y-%m-%d} 之间")
        return None
    if end < start:
        problems.append("截止日期早于起始日期，已对调")
    return Period.range(start, end)


def parse_period(params, today: datetime.date | None = None) -> tuple[Period, str]:
    """The period chosen in a GET query, and a message for the user when the
    query was invalid and another period is shown instead ("" when valid).

    No period in the query means the current month, without a message.
    """
    today = today or timezone.localdate()
    problems: list[str] = []
    kind = params.get("period") or "month"
    if kind not in KINDS:
        problems.append("统计周期应为月度、季度、年度或自定义日期")
        kind = "month"
    period = None
    if kind == "range":
        period = _range(params, problems)
        if period is None:
            period = Period.month(today.year, today.month)
    else:
        year = _int(
            params,
            "year",
            today.year,
            MIN_YEAR,
            MAX_YEAR,
            f"年度应为 {MIN_YEAR}–{MAX_YEAR}",
            problems,
        )
        if kind == "year":
            period = Period.year(year)
        elif kind == "quarter":
            default = (today.month - 1) // 3 + 1
            quarter = _int(params, "quarter", default, 1, 4, "季度应为 1–4", problems)
            period = Period.quarter(year, quarter)
        else:
            month = _int(params, "month", today.month, 1, 12, "月份应为 1–12", problems)
            period = Period.month(year, month)
    if not problems:
        return period, ""
    return period, f"所选时段无效（{'；'.join(problems)}），已改为显示 {period.label}。"
