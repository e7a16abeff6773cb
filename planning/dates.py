"""Date arithmetic of a schedule (Asia/Shanghai): which days an issue comes
out, and the 截稿 of each. Pure functions, no queries."""

import datetime

from django.utils import timezone

WEEKDAY_NAMES = "一二三四五六日"


def first_issue_day(schedule) -> datetime.date:
    """The first issue day on or after the schedule's start date."""
    start = schedule.starts_on
    return start + datetime.timedelta(
        days=(schedule.issue_weekday - start.weekday()) % 7
    )


def issue_days(schedule, start: datetime.date, end: datetime.date):
    """The schedule's issue days in [start, end], in order."""
    step = datetime.timedelta(weeks=schedule.interval_weeks)
    day = first_issue_day(schedule)
    if day < start:
        day += step * ((start - day) // step)
        if day < start:
            day += step
    while day <= end:
        yield day
        day += step


def deadline_for(schedule, issue_date: datetime.date) -> datetime.datetime:
    """截稿 of the issue of ``issue_date``: the schedule's 截稿 weekday on or
    before that day, at the 截稿 time, local time."""
    back = (issue_date.weekday() - schedule.deadline_weekday) % 7
    day = issue_date - datetime.timedelta(days=back)
    return timezone.make_aware(datetime.datetime.combine(day, schedule.deadline_time))


def end_of_day(day: datetime.date) -> datetime.datetime:
    """The last moment of ``day`` (local): a 截稿 may not be later."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


def day_label(day: datetime.date) -> str:
    """“12月11日（星期五）”."""
    return f"{day.month}月{day.day}日（星期{WEEKDAY_NAMES[day.weekday()]}）"


def moment_label(moment: datetime.datetime) -> str:
    """“12月10日（星期四）17:00”, local time."""
    local = timezone.localtime(moment)
    return f"{day_label(local.date())}{local:%H:%M}"
