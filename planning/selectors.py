"""Read queries of 出刊计划: who may see what, the month calendar, the next
截稿 and the units that have sent nothing for the coming issue.

Who sees the calendar (explicit, tested in the access matrix):
- editors: everything — planned, composing and issued issues, every 截稿 and
  every 约稿 deadline — and they alone open, move or cancel a planned issue;
- unit members (clerks and unit reviewers): the 截稿 times, and the 约稿 that
  ask their unit;
- anyone else: 404.
"""

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from briefing.models import Issue, Item, ItemEvent
from commissions.models import Commission
from commissions.services import time_left
from core import roles
from departments.models import Department

from . import dates
from .models import PlannedIssue
from .permissions import may_manage

P = PlannedIssue.Status
WEEKDAY_HEADS = ["一", "二", "三", "四", "五", "六", "日"]


def visible_plan(user, pk) -> PlannedIssue | None:
    """A planned issue, for editors only (None: the view answers 404)."""
    if not may_manage(user):
        return None
    return (
        PlannedIssue.objects.select_related("publication__schedule", "issue")
        .filter(pk=pk)
        .first()
    )


def unplanned_draft(publication, day) -> Issue | None:
    """A 组稿中 issue of ``publication`` on ``day`` that no plan refers to."""
    return (
        Issue.objects.filter(
            publication=publication,
            issue_date=day,
            status=Issue.Status.DRAFT,
            plan__isnull=True,
        )
        .order_by("id")
        .first()
    )


def _open_deadlines():
    """Planned issues whose 截稿 still matters: not cancelled, and not opened
    into an issue already submitted or signed."""
    return PlannedIssue.objects.exclude(status=P.CANCELLED).filter(
        Q(issue__isnull=True) | Q(issue__status=Issue.Status.DRAFT)
    )


# --- 截稿 reminders --------------------------------------------------------------

# The reminder is at most this many hours ahead (Schedule.reminder_hours).
MAX_REMINDER_HOURS = 168


def plans_due_for_reminder(now):
    """Candidates: 截稿 ahead within the longest reminder window, not yet
    reminded of this 截稿 (``reminder_due`` decides under the lock)."""
    return [
        plan
        for plan in _open_deadlines()
        .filter(
            deadline__gt=now,
            deadline__lte=now + datetime.timedelta(hours=MAX_REMINDER_HOURS),
        )
        .select_related("publication__schedule", "issue")
        if reminder_due(plan, now)
    ]


def reminder_due(plan, now) -> bool:
    """The 截稿 is ahead, within the publication's reminder hours, and the units
    were not reminded of this 截稿 yet; the plan is still open."""
    schedule = getattr(plan.publication, "schedule", None)
    if schedule is None or not schedule.reminder_hours:
        return False
    if plan.status == P.CANCELLED or plan.reminded_deadline == plan.deadline:
        return False
    if plan.issue is not None and plan.issue.status != Issue.Status.DRAFT:
        return False
    remind_at = plan.deadline - datetime.timedelta(hours=schedule.reminder_hours)
    return remind_at <= now < plan.deadline


def period_start(plan) -> datetime.datetime:
    """Where the coming issue's period begins: one interval before its 截稿."""
    schedule = getattr(plan.publication, "schedule", None)
    weeks = schedule.interval_weeks if schedule is not None else 1
    return plan.deadline - datetime.timedelta(weeks=weeks)


def units_sent(plan, now, department_ids=None) -> dict:
    """{unit id: items of that unit that reached the office (已报送: submitted,
    or approved by the unit reviewer) in this issue's period up to ``now``}."""
    events = ItemEvent.objects.filter(
        action__in=["submit", "approve"],
        to_status=Item.Status.SUBMITTED,
        created_at__gt=period_start(plan),
        created_at__lte=min(now, plan.deadline),
    )
    if department_ids is not None:
        events = events.filter(item__department__in=list(department_ids))
    counts = {}
    for unit, item in events.values_list("item__department", "item").distinct():
        counts.setdefault(unit, set()).add(item)
    return {unit: len(items) for unit, items in counts.items()}


def units_without_items(plan, now) -> list[Department]:
    """Active units that have sent no item in this issue's period."""
    sent = units_sent(plan, now)
    return [
        unit
        for unit in Department.objects.filter(is_active=True).order_by("order", "id")
        if unit.pk not in sent
    ]


# --- the clerk's home ------------------------------------------------------------


@dataclass
class NextDeadline:
    plan: PlannedIssue
    time_left: str
    sent: int  # items of the unit in this issue's period so far

    @property
    def deadline_label(self) -> str:
        return dates.moment_label(self.plan.deadline)

    @property
    def issue_date_label(self) -> str:
        return dates.day_label(self.plan.current_issue_date)


def next_deadlines(department, now=None) -> list[NextDeadline]:
    """The next 截稿 of each publication (soonest first), with how many items
    the unit has sent for that issue."""
    now = now or timezone.now()
    plans = (
        _open_deadlines()
        .filter(deadline__gt=now)
        .select_related("publication__schedule", "issue")
        .order_by("deadline", "id")
    )
    result, seen = [], set()
    for plan in plans[:20]:
        if plan.publication_id in seen:
            continue
        seen.add(plan.publication_id)
        sent = units_sent(plan, now, [department.pk]).get(department.pk, 0)
        result.append(NextDeadline(plan, time_left(plan.deadline, now), sent))
    return result


# --- the month calendar ----------------------------------------------------------


@dataclass
class Entry:
    kind: (
        str  # planned, cancelled, draft, pending_signoff, issued, deadline, commission
    )
    label: str
    url: str = ""
    time: str = ""


@dataclass
class Day:
    date: datetime.date
    in_month: bool
    today: bool
    entries: list

    @property
    def label(self) -> str:
        return dates.day_label(self.date)


def month_bounds(year, month) -> tuple[datetime.date, datetime.date]:
    first = datetime.date(year, month, 1)
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def month_calendar(user, year, month, now=None) -> list[list[Day]]:
    """The weeks (Monday first) of the month, each day with what ``user`` may
    see on it (see the module's docstring). A fixed number of queries."""
    now = now or timezone.now()
    first, last = month_bounds(year, month)
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    start, end = weeks[0][0], weeks[-1][-1]
    start_at = timezone.make_aware(datetime.datetime.combine(start, datetime.time.min))
    end_at = dates.end_of_day(end)
    entries: dict[datetime.date, list[Entry]] = {}

    def add(moment_or_day, entry):
        if isinstance(moment_or_day, datetime.datetime):
            local = timezone.localtime(moment_or_day)
            entry.time = f"{local:%H:%M}"
            moment_or_day = local.date()
        entries.setdefault(moment_or_day, []).append(entry)

    manage = may_manage(user)
    deadlines = _open_deadlines().filter(deadline__range=(start_at, end_at))
    for plan in deadlines.select_related("publication").order_by("deadline"):
        add(plan.deadline, Entry("deadline", f"《{plan.publication.name}》截稿"))
    if manage:
        plans = (
            PlannedIssue.objects.filter(issue_date__range=(start, end))
            .exclude(status=P.OPENED)  # an opened plan shows as its issue
            .select_related("publication")
        )
        for plan in plans:
            cancelled = plan.status == P.CANCELLED
            add(
                plan.issue_date,
                Entry(
                    "cancelled" if cancelled else "planned",
                    f"《{plan.publication.name}》"
                    + ("计划出刊（已取消）" if cancelled else "计划出刊"),
                    reverse("planning:plan_detail", args=[plan.pk]),
                ),
            )
        issues = Issue.objects.filter(issue_date__range=(start, end)).select_related(
            "publication"
        )
        for issue in issues.order_by("issue_date", "id"):
            if issue.status == Issue.Status.ISSUED:
                label = f"《{issue.publication.name}》{issue.number_label}"
            else:
                label = f"《{issue.publication.name}》{issue.get_status_display()}"
            add(
                issue.issue_date,
                Entry(
                    issue.status,
                    label,
                    reverse("briefing:issue_detail", args=[issue.pk]),
                ),
            )
        commissions = Commission.objects.filter(deadline__range=(start_at, end_at))
    else:
        m = roles.membership(user)
        commissions = Commission.objects.filter(
            departments=m.department_id, deadline__range=(start_at, end_at)
        )
    for commission in commissions.order_by("deadline", "id"):
        add(
            commission.deadline,
            Entry(
                "commission",
                f"约稿截止：{commission.topic}",
                reverse("commissions:detail", args=[commission.pk]),
            ),
        )
    today = timezone.localdate(now)
    return [
        [
            Day(
                date=day,
                in_month=first <= day <= last,
                today=day == today,
                entries=sorted(entries.get(day, []), key=lambda e: e.time),
            )
            for day in week
        ]
        for week in weeks
    ]
