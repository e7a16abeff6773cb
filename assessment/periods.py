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


def _int(value, default, low, high):
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return number if low <= number <= high else default


def _date(value):
    try:
        return datetime.date.fromisoformat(value or "")
    except ValueError:
        return None


def period_from_params(params, today: datetime.date | None = None) -> Period:
    """The period chosen in a GET query; the current month when none or invalid."""
    today = today or timezone.localdate()
    kind = params.get("period", "month")
    year = _int(params.get("year"), today.year, 2000, 2100)
    if kind == "year":
        return Period.year(year)
    if kind == "quarter":
        default = (today.month - 1) // 3 + 1
        return Period.quarter(year, _int(params.get("quarter"), default, 1, 4))
    if kind == "range":
        start, end = _date(params.get("start")), _date(params.get("end"))
        if start and end:
            return Period.range(start, end)
    return Period.month(year, _int(params.get("month"), today.month, 1, 12))
