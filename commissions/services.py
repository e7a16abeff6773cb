"""约稿 and 催报: the ONLY code that writes commissions, answers and reminders.

Each function runs in a transaction, locks the commission row it works on,
writes an audit event, and sends (in-app, e-mail, SMS) only after the commit.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event
from briefing.sanitize import clean_html
from briefing.services import items as item_services
from briefing.services.errors import WorkflowError
from briefing.urgent import duration_label
from notifications.services import notify
from notifications.sms import send_sms

from . import permissions, selectors
from .models import Commission, CommissionAnswer, Reminder


def _url(commission) -> str:
    return reverse("commissions:detail", args=[commission.pk])


def _local(moment) -> str:
    return timezone.localtime(moment).strftime("%m月%d日 %H:%M")


def _stamp(moment) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def time_left(deadline, now) -> str:
    """“还剩1天3小时” / “还剩45分钟” / “已逾期2小时”."""
    delta = deadline - now
    late = delta.total_seconds() < 0
    return ("已逾期" if late else "还剩") + duration_label(abs(delta))


# --- the editor ------------------------------------------------------------------


@transaction.atomic
def create_commission(
    actor,
    *,
    topic,
    departments,
    deadline,
    guidance="",
    issue=None,
    section=None,
    reminder_offsets=None,
    remind_when_late=True,
) -> Commission:
    """Write a 约稿 and tell the units asked. Only an editor may.

    ``reminder_offsets``: minutes before the deadline (default 24 h and 2 h).
    """
    if not permissions.may_manage(actor):
        raise WorkflowError("只有编辑可以约稿。")
    topic, departments, offsets = _checked(
        topic, departments, deadline, reminder_offsets
    )
    commission = Commission.objects.create(
        topic=topic,
        guidance=clean_html(guidance or ""),
        deadline=deadline,
        issue=issue,
        section=section,
        reminder_offsets=offsets,
        remind_when_late=remind_when_late,
        created_by=actor,
    )
    commission.departments.set(departments)
    record_event(
        actor=actor,
        action="commission.create",
        obj=commission,
        reason=f"{topic}，截止{_local(deadline)}，{len(departments)}个单位",
    )
    notify(
        selectors.unit_members(d.pk for d in departments),
        title=f"约稿：{topic}",
        body=f"请于{_local(deadline)}前报送。",
        url=_url(commission),
    )
    return commission


def _checked(topic, departments, deadline, reminder_offsets):
    """The cleaned topic, units and offsets, or a refusal saying what is wrong."""
    topic = (topic or "").strip()
    departments = list(departments)
    if not topic:
        raise WorkflowError("请填写约稿主题。")
    if not departments:
        raise WorkflowError("请选择约稿单位。")
    if deadline <= timezone.now():
        raise WorkflowError("截止时间须晚于现在。")
    offsets = Commission._meta.get_field("reminder_offsets").get_default()
    if reminder_offsets is not None:
        offsets = sorted({int(m) for m in reminder_offsets if int(m) > 0}, reverse=True)
    return topic, departments, offsets


@transaction.atomic
def update_commission(
    commission,
    actor,
    *,
    topic,
    departments,
    deadline,
    guidance="",
    issue=None,
    section=None,
    reminder_offsets=None,
    remind_when_late=True,
) -> Commission:
    """Change a 约稿 (e.g. extend its deadline, add units). Only an editor may.

    A unit that has linked an item to it cannot be taken off. Units added are
    told as at creation; if the deadline moved, every unit is told. Reminders
    are keyed by the deadline, so a new deadline gets its own reminders.
    """
    if not permissions.may_manage(actor):
        raise WorkflowError("只有编辑可以修改约稿。")
    locked = _lock(commission)
    topic, departments, offsets = _checked(
        topic, departments, deadline, reminder_offsets
    )
    before = set(locked.departments.values_list("pk", flat=True))
    after = {d.pk for d in departments}
    answered = (
        CommissionAnswer.objects.filter(commission=locked)
        .exclude(item__department__in=after)
        .values_list("item__department__short_name", flat=True)
        .distinct()
    )
    if answered:
        raise WorkflowError(
            f"{'、'.join(sorted(answered))}已写稿回应本次约稿，不能移出约稿单位。"
        )
    moved = deadline != locked.deadline
    old_deadline = locked.deadline
    locked.topic = topic
    locked.guidance = clean_html(guidance or "")
    locked.deadline = deadline
    locked.issue = issue
    locked.section = section
    locked.reminder_offsets = offsets
    locked.remind_when_late = remind_when_late
    locked.save()
    locked.departments.set(departments)
    changes = []
    if moved:
        changes.append(f"截止时间{_local(old_deadline)}→{_local(deadline)}")
    if after - before:
        changes.append(f"增加{len(after - before)}个单位")
    if before - after:
        changes.append(f"移出{len(before - after)}个单位")
    record_event(
        actor=actor,
        action="commission.change",
        obj=locked,
        reason="；".join(changes) or "修改约稿内容",
    )
    told = after if moved else after - before
    if told:
        notify(
            selectors.unit_members(told),
            title=f"约稿：{topic}" + ("（截止时间已调整）" if moved else ""),
            body=f"请于{_local(deadline)}前报送。",
            url=_url(locked),
        )
    return locked


def _lock(commission) -> Commission:
    return Commission.objects.select_for_update().get(pk=commission.pk)


def _remind(commission, departments, occasion, *, actor, now, why) -> int:
    """Remind ``departments`` of ``commission`` on ``occasion``, each once.

    Called with the commission row locked: a unit already reminded on this
    occasion is skipped, so a second run sends nothing. Returns units reminded.
    """
    already = set(
        Reminder.objects.filter(
            commission=commission, department__in=departments, occasion=occasion
        ).values_list("department", flat=True)
    )
    due = [d for d in departments if d.pk not in already]
    if not due:
        return 0
    Reminder.objects.bulk_create(
        Reminder(
            commission=commission,
            department=d,
            occasion=occasion,
            sent_at=now,
            sent_by=actor,
        )
        for d in due
    )
    left = time_left(commission.deadline, now)
    for d in due:
        record_event(
            actor=actor,
            action="commission.remind",
            obj=commission,
            reason=f"{d.short_name}：{why}（{left}）",
        )
    members = list(selectors.unit_members(d.pk for d in due))
    deadline = _local(commission.deadline)
    text = f"约稿“{commission.topic}”截止{deadline}，{left}，请尽快报送。"
    notify(members, title=f"催报：{commission.topic}", body=text, url=_url(commission))
    send_sms((m.membership.mobile for m in members), f"【简报系统】{text}")
    return len(due)


def remind_now(commission, actor) -> int:
    """催报 by hand: remind every unit asked that has not answered yet."""
    if not permissions.may_manage(actor):
        raise WorkflowError("只有编辑可以催报。")
    now = timezone.now()
    with transaction.atomic():
        locked = _lock(commission)
        waiting = [
            row.department
            for row in selectors.unit_rows(locked, now)
            if not row.answered
        ]
        if not waiting:
            raise WorkflowError("各单位都已报送，无需催报。")
        return _remind(
            locked,
            waiting,
            f"manual:{_stamp(now)}",
            actor=actor,
            now=now,
            why="编辑催报",
        )


def _due_occasion(commission, now):
    """The automatic reminder due now, as (occasion, why), or None.

    Before the deadline: the latest offset whose time has come (one reminder
    even if the job missed an earlier one), if that time fell after the
    commission was written. After the deadline: once, if asked, within
    COMMISSION_LATE_REMINDER_DAYS.
    """
    deadline = commission.deadline
    if now > deadline:
        window = datetime.timedelta(days=settings.COMMISSION_LATE_REMINDER_DAYS)
        if commission.remind_when_late and now <= deadline + window:
            return f"late@{_stamp(deadline)}", "逾期未报，自动提醒"
        return None
    due = [
        minutes
        for minutes in commission.reminder_offsets
        if commission.created_at
        <= deadline - datetime.timedelta(minutes=minutes)
        <= now
    ]
    if not due:
        return None
    minutes = min(due)
    return f"before:{minutes}@{_stamp(deadline)}", "截止前自动提醒"


def send_due_reminders(now=None) -> int:
    """Send the automatic 催报 that are due; returns the units reminded.

    Idempotent: each (commission, unit, occasion) is sent once however often
    this runs (a Reminder row per occasion, the commission row locked while it
    is decided), so the scheduler may run it every few minutes or twice.
    """
    now = now or timezone.now()
    window = datetime.timedelta(days=settings.COMMISSION_LATE_REMINDER_DAYS)
    sent = 0
    for commission in Commission.objects.filter(deadline__gt=now - window):
        found = _due_occasion(commission, now)
        if found is None:
            continue
        occasion, why = found
        with transaction.atomic():
            locked = _lock(commission)
            waiting = [
                row.department
                for row in selectors.unit_rows(locked, now)
                if not row.answered
            ]
            if waiting:
                sent += _remind(locked, waiting, occasion, actor=None, now=now, why=why)
    return sent


# --- the unit --------------------------------------------------------------------


@transaction.atomic
def start_answer(commission, actor):
    """A new draft item answering ``commission``, titled with its topic.

    The clerk then writes it on the usual item form; it counts as the unit's
    answer once it reaches the office. Precondition: actor is a clerk of a
    unit the commission asks.
    """
    locked = _lock(commission)
    if not permissions.may_answer(actor, locked):
        raise WorkflowError("您的单位不在本次约稿范围内，或您不是信息员。")
    item = item_services.create_item(
        actor, title=locked.topic, suggested_section=locked.section
    )
    CommissionAnswer.objects.create(commission=locked, item=item)
    record_event(
        actor=actor,
        action="commission.answer",
        obj=locked,
        reason=f"{item.department.short_name}：稿件{item.pk}",
    )
    return item
