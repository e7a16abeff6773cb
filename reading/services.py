"""Online reading actions: the ONLY code that changes reading state.

已阅 receipts, reminders, and the 批示 loop (write → 签收 → 反馈). Each action runs
in a transaction, locks what it changes, checks the permission, writes an
``ItemEvent`` (for 批示) and an audit event, and notifies only after commit.
"""

import uuid

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event
from briefing.models import Issue, Item, ItemEvent
from briefing.sanitize import clean_html, html_to_text
from briefing.selectors.issues import readable_issues
from briefing.services.errors import WorkflowError
from briefing.uploads import ATTACHMENT_TYPES, check_upload
from core import roles
from notifications.services import notify

from . import selectors
from .models import (
    FeedbackAttachment,
    Instruction,
    InstructionFeedback,
    InstructionUnit,
    ReadReceipt,
)

S = Instruction.Status
INSTRUCTION_MAX_CHARS = 2000
READ_SECONDS = 24 * 60 * 60


def _name(user) -> str:
    return user.get_full_name() or user.username


# --- 已阅 -----------------------------------------------------------------------


def record_read(issue, user) -> bool:
    """Record that ``user`` opened ``issue``; only the first time counts.

    Precondition: the caller checked that the user may read the issue.
    Returns True when this was the first read.
    """
    if issue.status != Issue.Status.ISSUED or not user.is_authenticated:
        return False
    # Receipts are never taken back: once seen, remembered (no query per view).
    key = selectors.read_key(issue.pk, user.pk)
    if cache.get(key):
        return False
    if ReadReceipt.objects.filter(issue=issue, user=user).exists():
        cache.set(key, True, READ_SECONDS)
        return False
    try:
        with transaction.atomic():
            ReadReceipt.objects.create(
                issue=issue, user=user, first_read_at=timezone.now()
            )
            record_event(actor=user, action="reading.first_read", obj=issue)
            transaction.on_commit(lambda: cache.set(key, True, READ_SECONDS))
    except IntegrityError:  # the same reader in two tabs at once
        return False
    return True


@transaction.atomic
def send_reminder(issue, actor) -> int:
    """Remind the recipients who have not read ``issue``; return how many.

    Only editors; only issued issues.
    """
    if not roles.is_editor(actor):
        raise WorkflowError("只有编辑可以发送阅读提醒。")
    if issue.status != Issue.Status.ISSUED:
        raise WorkflowError("这一期尚未签发，不能提醒阅读。")
    unread = list(selectors.unread_recipients(issue))
    if not unread:
        raise WorkflowError("本期的阅读对象都已阅读，无需提醒。")
    record_event(
        actor=actor,
        action="reading.remind",
        obj=issue,
        reason=f"提醒 {len(unread)} 人：" + "、".join(_name(u) for u in unread),
    )
    notify(
        unread,
        title=f"请阅读《{issue.publication.name}》{issue.number_label}",
        body=f"《{issue.publication.name}》{issue.number_label}已印发，您尚未阅读。",
        url=reverse("reading:issue", args=[issue.pk]),
    )
    return len(unread)


# --- 批示 -----------------------------------------------------------------------


def _item_event(item, actor, action, comment):
    # No status change: from and to stay empty, the timeline shows no arrow.
    ItemEvent.objects.create(item=item, actor=actor, action=action, comment=comment)


def _item_url(instruction) -> str:
    """The item in the reading view, where the leader sees its 批示."""
    url = reverse("reading:issue", args=[instruction.issue_id])
    return f"{url}#item-{instruction.item_id}"


def _instruction_url(instruction) -> str:
    return reverse("reading:instruction_detail", args=[instruction.pk])


# Called with (instruction, actor) inside the transaction that writes a 批示.
# The assessment app registers here the county 批示 it scores
# (AssessmentConfig.ready): it sits above reading, which may not import it.
_on_instruction_written = []


def on_instruction_written(callback) -> None:
    """Have ``callback(instruction, actor)`` run whenever a 批示 is written,
    inside its transaction (an exception undoes the 批示)."""
    if callback not in _on_instruction_written:
        _on_instruction_written.append(callback)


def _deadline_label(deadline) -> str:
    return f"{deadline.month}月{deadline.day}日"


@transaction.atomic
def write_instruction(
    item, issue, actor, text, *, deadline=None, transfer_to=()
) -> Instruction:
    """A leader's 批示 on an item of an issue, routed at once to the item's unit,
    the units it is sent on to (转办, ``transfer_to``) and the editors.

    Preconditions: ``actor`` holds reading.write_instruction and may read
    ``issue``; ``item`` is placed in ``issue``; ``deadline`` (办理时限), if
    given, is not before today.
    """
    if not actor.has_perm(roles.INSTRUCT_PERM):
        raise WorkflowError("您没有批示权限。")
    if not readable_issues(actor).filter(pk=issue.pk).exists():
        raise WorkflowError("您不能批示这一期的稿件。")
    locked = (
        Item.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=item.pk)
    )
    if locked.issue_id != issue.pk:
        raise WorkflowError("这篇稿件不在这一期中。")
    text = (text or "").strip()
    if not text:
        raise WorkflowError("请填写批示内容。")
    if len(text) > INSTRUCTION_MAX_CHARS:
        raise WorkflowError(f"批示内容不能超过 {INSTRUCTION_MAX_CHARS} 字。")
    if deadline is not None and deadline < timezone.localdate():
        raise WorkflowError("办理时限不能早于今天。")
    others = [
        d
        for d in dict.fromkeys(transfer_to)
        if d.pk != locked.department_id and d.is_active
    ]
    instruction = Instruction.objects.create(
        item=locked, issue=issue, author=actor, text=text, deadline=deadline
    )
    InstructionUnit.objects.bulk_create(
        [
            InstructionUnit(instruction=instruction, department=locked.department),
            *(
                InstructionUnit(instruction=instruction, department=d, is_transfer=True)
                for d in others
            ),
        ]
    )
    units = [locked.department, *others]
    names = "、".join(d.short_name for d in units)
    _item_event(locked, actor, "instruction", text)
    limit = f"办理时限{_deadline_label(deadline)}；" if deadline else ""
    transfer = "转办" + "、".join(d.short_name for d in others) + "；" if others else ""
    record_event(
        actor=actor,
        action="reading.instruction_write",
        obj=instruction,
        reason=f"{locked.title}：{limit}{transfer}{text[:100]}",
    )
    for callback in _on_instruction_written:
        callback(instruction, actor)
    due = f"，办理时限{_deadline_label(deadline)}" if deadline else ""
    notify(
        [*selectors.unit_members([d.pk for d in units]), *selectors.editors()],
        title=f"{_name(actor)}批示：《{locked.title}》",
        body=f"{text}\n\n请{names}签收并反馈落实情况{due}。",
        url=_instruction_url(instruction),
    )
    return instruction


def _lock_for_unit(instruction, actor, doing) -> InstructionUnit:
    """The actor's unit's row of the 批示, locked with the 批示 itself (whose
    summary status changes with it); refused if their unit does not handle it."""
    locked = (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("item", "author")
        .get(pk=instruction.pk)
    )
    m = roles.membership(actor)
    row = (
        InstructionUnit.objects.select_for_update(of=("self",))
        .select_related("department")
        .filter(instruction=locked, department_id=m.department_id if m else None)
        .first()
    )
    if row is None:
        raise WorkflowError(f"只有办理单位可以{doing}。")
    row.instruction = locked
    return row


def _summarise(instruction) -> None:
    """The 批示's status: the least advanced of its units'."""
    statuses = set(instruction.units.values_list("status", flat=True))
    status = next(s for s in (S.PENDING, S.SIGNED, S.ANSWERED) if s in statuses)
    instruction.version += 1
    instruction.status = status
    instruction.save(update_fields=["status", "version"])


@transaction.atomic
def sign_instruction(instruction, actor) -> InstructionUnit:
    """A unit handling the 批示 signs for it (待签收 → 已签收). Only that unit's
    members (clerks, reviewers), for their own unit."""
    row = _lock_for_unit(instruction, actor, "签收这条批示")
    if row.status != S.PENDING:
        raise WorkflowError(
            f"本单位对这条批示当前为“{row.get_status_display()}”，不能再签收。"
        )
    row.status = S.SIGNED
    row.signed_by = actor
    row.signed_at = timezone.now()
    row.save(update_fields=["status", "signed_by", "signed_at"])
    locked = row.instruction
    _summarise(locked)
    unit = row.department.short_name
    _item_event(locked.item, actor, "instruction_signed", unit)
    record_event(
        actor=actor, action="reading.instruction_sign", obj=locked, reason=unit
    )
    notify(
        [locked.author],
        title=f"{unit}已签收您的批示",
        body=f"《{locked.item.title}》：{_name(actor)}已签收。",
        url=_item_url(locked),
    )
    return row


@transaction.atomic
def file_feedback(instruction, actor, body, files=()) -> InstructionFeedback:
    """A unit's 落实情况反馈 (已签收 → 已反馈): sanitised text plus files.

    Only a unit handling the 批示, for itself, once it has signed for it.
    Files are checked by content and size (briefing.uploads) before anything
    is stored.
    """
    row = _lock_for_unit(instruction, actor, "反馈落实情况")
    if row.status != S.SIGNED:
        message = (
            "请先签收这条批示，再反馈落实情况。"
            if row.status == S.PENDING
            else "本单位已经反馈过这条批示了。"
        )
        raise WorkflowError(message)
    cleaned = clean_html(body)
    text = html_to_text(cleaned)
    if not text.strip():
        raise WorkflowError("请填写落实情况。")
    checked = [(uploaded, check_upload(uploaded)) for uploaded in files]
    feedback = InstructionFeedback.objects.create(
        handling=row, body=cleaned, author=actor
    )
    for uploaded, ext in checked:
        attachment = FeedbackAttachment(
            feedback=feedback,
            original_name=uploaded.name[:200],
            size=uploaded.size,
            content_type=ATTACHMENT_TYPES[ext],
            uploaded_by=actor,
        )
        attachment.file.save(f"{uuid.uuid4().hex}.{ext}", uploaded, save=False)
        attachment.save()
    row.status = S.ANSWERED
    row.answered_at = feedback.created_at
    row.save(update_fields=["status", "answered_at"])
    locked = row.instruction
    _summarise(locked)
    unit = row.department.short_name
    _item_event(locked.item, actor, "instruction_feedback", f"{unit}：{text[:500]}")
    record_event(
        actor=actor,
        action="reading.instruction_feedback",
        obj=locked,
        reason=f"{unit}；附件 {len(checked)} 个",
    )
    notify(
        [locked.author, *selectors.editors()],
        title=f"{unit}已反馈批示落实情况",
        body=f"《{locked.item.title}》：{text[:200]}",
        url=_item_url(locked),
    )
    return feedback


# --- 办理时限 reminders (celery beat) ------------------------------------------------


def send_due_reminders(now=None) -> int:
    """Remind the units that have not signed for or fed back on a 批示 with a
    办理时限: once from the start of its last day (``selectors.reminder_due``),
    once when it has passed. Returns how many reminders went out.

    Idempotent: each reminder is claimed by a conditional UPDATE of its unit's
    row before it is audited and sent, so a doubled or repeated run, even
    concurrent, sends each once.
    """
    now = now or timezone.now()
    sent = 0
    for row, kind in selectors.due_reminders(now):
        with transaction.atomic():
            field = "overdue_reminded_at" if kind == "overdue" else "reminded_at"
            claimed = InstructionUnit.objects.filter(
                pk=row.pk,
                status__in=[S.PENDING, S.SIGNED],
                **{f"{field}__isnull": True},
            ).update(**{field: now})
            if claimed:
                _remind(row, kind)
                sent += 1
    return sent


def _remind(row, kind):
    instruction = row.instruction
    unit = row.department.short_name
    limit = _deadline_label(instruction.deadline)
    todo = "签收并反馈落实情况" if row.status == S.PENDING else "反馈落实情况"
    title = instruction.item.title
    said = f"{_name(instruction.author)}的批示办理时限为{limit}"
    if kind == "overdue":
        why, title = "逾期提醒", f"批示已逾期：《{title}》"
        body = f"{said}，已逾期，请尽快{todo}。"
    else:
        why, title = "时限前提醒", f"批示办理时限将到：《{title}》"
        body = f"{said}，请在{limit}结束前{todo}。"
    record_event(
        actor=None,
        action="reading.instruction_remind",
        obj=instruction,
        reason=f"{unit}：{why}（{row.get_status_display()}，办理时限{limit}）",
    )
    notify(
        selectors.unit_members([row.department_id]),
        title=title,
        body=f"{body}\n\n{instruction.text}",
        url=_instruction_url(instruction),
        purpose="instruction_reminder",
        occasion=f"instruction-unit:{row.pk}:{kind}@{instruction.deadline.isoformat()}",
    )
