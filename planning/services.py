"""出刊计划: the ONLY code that writes planned issues.

Each function runs in a transaction, locks the row it works on, writes an
audit event, and notifies only after the commit (notifications.notify).
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event
from briefing.models import Issue
from briefing.services import issues as issue_services
from briefing.services.errors import WorkflowError
from commissions import selectors as commission_selectors
from core.permissions import require_editor
from notifications.services import notify

from . import dates, selectors
from .models import PlannedIssue, Schedule

P = PlannedIssue.Status


def _stamp(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _lock(plan) -> PlannedIssue:
    return (
        PlannedIssue.objects.select_for_update(of=("self",))
        .select_related("publication", "issue")
        .get(pk=plan.pk)
    )


def _describe(plan) -> str:
    return (
        f"《{plan.publication.name}》{dates.day_label(plan.current_issue_date)}印发，"
        f"截稿{dates.moment_label(plan.deadline)}"
    )


# --- the planning job ------------------------------------------------------------


def plan_issues(now=None) -> int:
    """Make the planned issues of every active schedule for its next weeks;
    returns how many were made.

    Idempotent: one planned issue per (publication, original date), decided
    with the schedule row locked, so a doubled beat makes none twice; a moved
    or cancelled one is not made again. Dates whose 截稿 has passed are skipped.
    An issue the editor already started for that date is taken as opened.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    made = 0
    schedules = Schedule.objects.filter(is_active=True, publication__is_active=True)
    for schedule in schedules.values_list("pk", flat=True):
        with transaction.atomic():
            schedule = (
                Schedule.objects.select_for_update(of=("self",))
                .select_related("publication")
                .get(pk=schedule)
            )
            end = today + datetime.timedelta(weeks=schedule.weeks_ahead)
            days = list(dates.issue_days(schedule, today, end))
            taken = set(
                PlannedIssue.objects.filter(
                    publication=schedule.publication, slot__in=days
                ).values_list("slot", flat=True)
            )
            for day in days:
                deadline = dates.deadline_for(schedule, day)
                if day in taken or deadline <= now:
                    continue
                plan = PlannedIssue(
                    publication=schedule.publication,
                    slot=day,
                    issue_date=day,
                    deadline=deadline,
                )
                started = selectors.unplanned_draft(schedule.publication, day)
                if started is not None:
                    plan.issue, plan.status = started, P.OPENED
                plan.save()
                record_event(
                    actor=None, action="plan.create", obj=plan, reason=_describe(plan)
                )
                made += 1
    return made


# --- the editor ------------------------------------------------------------------


@transaction.atomic
def move_plan(plan, actor, *, issue_date, deadline) -> PlannedIssue:
    """Give a planned issue another date and/or 截稿. Only an editor may.

    Not once cancelled; once opened only the 截稿 (the date is the issue's own
    setting, changed on its page). The 截稿 is on or before the issue day.
    """
    require_editor(actor, WorkflowError("只有编辑可以调整出刊计划。"))
    locked = _lock(plan)
    if locked.status == P.CANCELLED:
        raise WorkflowError("这一期计划已取消，不能再调整。")
    if locked.status == P.OPENED:
        locked.issue_date = locked.issue.issue_date  # the issue's own date rules
        if issue_date != locked.issue.issue_date:
            raise WorkflowError(
                "本期已开始组稿，印发日期请在组版页的“本期设置”中修改。"
            )
        if locked.issue.status != Issue.Status.DRAFT:
            raise WorkflowError("本期已提交签发，截稿时间不能再调整。")
    if deadline > dates.end_of_day(issue_date):
        raise WorkflowError("截稿时间不能晚于印发日期。")
    changes = []
    if issue_date != locked.issue_date:
        changes.append(
            f"印发日期{dates.day_label(locked.issue_date)}→{dates.day_label(issue_date)}"
        )
    if deadline != locked.deadline:
        changes.append(
            f"截稿{dates.moment_label(locked.deadline)}→{dates.moment_label(deadline)}"
        )
    if not changes:
        raise WorkflowError("印发日期和截稿时间都没有改变。")
    locked.issue_date = issue_date
    locked.deadline = deadline
    locked.save(update_fields=["issue_date", "deadline"])
    record_event(
        actor=actor,
        action="plan.move",
        obj=locked,
        reason=f"《{locked.publication.name}》" + "；".join(changes),
    )
    return locked


@transaction.atomic
def cancel_plan(plan, actor, *, reason) -> PlannedIssue:
    """Cancel a planned issue not yet opened (e.g. a holiday week). Only an
    editor may, with a reason; the planning job does not make it again."""
    require_editor(actor, WorkflowError("只有编辑可以取消计划出刊。"))
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请写明取消的原因。")
    locked = _lock(plan)
    if locked.status != P.PLANNED:
        raise WorkflowError(
            "本期已开始组稿，不能取消。"
            if locked.status == P.OPENED
            else "这一期计划已取消。"
        )
    locked.status = P.CANCELLED
    locked.save(update_fields=["status"])
    record_event(
        actor=actor,
        action="plan.cancel",
        obj=locked,
        reason=f"{_describe(locked)}：{reason}",
    )
    return locked


@transaction.atomic
def open_plan(plan, actor) -> Issue:
    """开始组稿: the issue (组稿中) of a planned issue, made now on its date,
    or a draft of that publication and date the editor had already started.

    Precondition: the plan is 计划中. The issue gets no number until 签发.
    """
    require_editor(actor, WorkflowError("只有编辑可以开始组稿。"))
    locked = _lock(plan)
    if locked.status != P.PLANNED:
        raise WorkflowError(
            "本期已开始组稿。" if locked.status == P.OPENED else "这一期计划已取消。"
        )
    issue = selectors.unplanned_draft(locked.publication, locked.issue_date)
    if issue is None:
        issue = issue_services.create_issue(
            actor=actor, publication=locked.publication, issue_date=locked.issue_date
        )
    locked.issue = issue
    locked.status = P.OPENED
    locked.save(update_fields=["issue", "status"])
    record_event(actor=actor, action="plan.open", obj=locked, reason=_describe(locked))
    return issue


# --- 截稿 reminders ---------------------------------------------------------------


def send_deadline_reminders(now=None) -> int:
    """Remind the units that have sent nothing for the coming issue, once its
    截稿 is within the publication's reminder hours; returns units reminded.

    Idempotent: the plan row is locked and marked with the 截稿 it was reminded
    of, and each notice goes out once per (purpose, recipient, occasion); a
    moved 截稿 is reminded again. After the 截稿 nothing is sent.
    """
    now = now or timezone.now()
    reminded = 0
    for plan in selectors.plans_due_for_reminder(now):
        with transaction.atomic():
            locked = _lock(plan)
            if not selectors.reminder_due(locked, now):
                continue
            reminded += _remind(locked, now)
    return reminded


def _remind(plan, now) -> int:
    """Under the plan's lock: notify the units with nothing in, audit, mark."""
    units = selectors.units_without_items(plan, now)
    plan.reminded_deadline = plan.deadline
    plan.save(update_fields=["reminded_deadline"])
    if not units:
        return 0
    deadline = dates.moment_label(plan.deadline)
    left = selectors.time_left(plan.deadline, now)
    notify(
        commission_selectors.unit_members(u.pk for u in units),
        title=f"截稿提醒：《{plan.publication.name}》{deadline}截稿",
        body=(
            f"《{plan.publication.name}》{dates.day_label(plan.current_issue_date)}一期"
            f"{deadline}截稿（{left}），本单位本期尚未报送稿件，请尽快报送。"
        ),
        url=reverse("briefing:my_items"),
        purpose="issue_deadline_reminder",
        occasion=f"plan:{plan.pk}@{_stamp(plan.deadline)}",
    )
    record_event(
        actor=None,
        action="plan.remind",
        obj=plan,
        reason=(
            f"{_describe(plan)}；提醒{len(units)}个尚未报送的单位："
            + "、".join(u.short_name for u in units)
        ),
    )
    return len(units)
