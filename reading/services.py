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
from briefing.services.errors import WorkflowError
from briefing.uploads import ATTACHMENT_TYPES, check_upload
from core import roles
from notifications.services import notify

from . import selectors
from .models import FeedbackAttachment, Instruction, InstructionFeedback, ReadReceipt

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


def _lock(instruction) -> Instruction:
    return (
        Instruction.objects.select_for_update(of=("self",))
        .select_related("item__department", "issue__publication", "author")
        .get(pk=instruction.pk)
    )


def _require_unit_member(instruction, actor, doing):
    m = roles.membership(actor)
    if m is None or m.department_id != instruction.item.department_id:
        unit = instruction.item.department.short_name
        raise WorkflowError(f"只有{unit}可以{doing}。")


def _item_url(instruction) -> str:
    """The item in the reading view, where the leader sees its 批示."""
    url = reverse("reading:issue", args=[instruction.issue_id])
    return f"{url}#item-{instruction.item_id}"


def _instruction_url(instruction) -> str:
    return reverse("reading:instruction_detail", args=[instruction.pk])


@transaction.atomic
def write_instruction(item, issue, actor, text) -> Instruction:
    """A leader's 批示 on an item of an issue, routed at once to the item's unit
    (clerks and reviewers) and to the editors.

    Preconditions: ``actor`` holds reading.write_instruction and may read
    ``issue``; ``item`` is placed in ``issue``.
    """
    if not actor.has_perm(roles.INSTRUCT_PERM):
        raise WorkflowError("您没有批示权限。")
    if not selectors.readable_issues(actor).filter(pk=issue.pk).exists():
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
    instruction = Instruction.objects.create(
        item=locked, issue=issue, author=actor, text=text
    )
    _item_event(locked, actor, "instruction", text)
    record_event(
        actor=actor,
        action="reading.instruction_write",
        obj=instruction,
        reason=f"{locked.title}：{text[:100]}",
    )
    _record_for_assessment(instruction, actor)
    unit = locked.department.short_name
    notify(
        [*selectors.unit_members(locked.department_id), *selectors.editors()],
        title=f"{_name(actor)}批示：《{locked.title}》",
        body=f"{text}\n\n请{unit}签收并反馈落实情况。",
        url=_instruction_url(instruction),
    )
    return instruction


def _record_for_assessment(instruction, actor):
    """County 批示 count in the units' assessment (assessment app)."""
    from assessment.models import AdoptionLevel, InstructionRecord
    from assessment.services import record_instruction

    level = AdoptionLevel.objects.filter(is_county=True).first()
    if level is None:  # no county level configured: nothing to score against
        return
    record_instruction(
        instruction.item,
        actor,
        level=level,
        instructed_on=timezone.localdate(instruction.created_at),
        leader=_name(actor),
        note=instruction.text,
        source=InstructionRecord.Source.READING,
        source_ref=str(instruction.pk),
    )


@transaction.atomic
def sign_instruction(instruction, actor) -> Instruction:
    """The unit signs for a 批示 (待签收 → 已签收). Only the item's unit."""
    locked = _lock(instruction)
    _require_unit_member(locked, actor, "签收这条批示")
    if locked.status != S.PENDING:
        raise WorkflowError(
            f"这条批示当前为“{locked.get_status_display()}”，不能再签收。"
        )
    now = timezone.now()
    locked.status = S.SIGNED
    locked.signed_by = actor
    locked.signed_at = now
    locked.version += 1
    locked.save(update_fields=["status", "signed_by", "signed_at", "version"])
    _item_event(locked.item, actor, "instruction_signed", "")
    record_event(actor=actor, action="reading.instruction_sign", obj=locked)
    notify(
        [locked.author],
        title=f"{locked.item.department.short_name}已签收您的批示",
        body=f"《{locked.item.title}》：{_name(actor)}已签收。",
        url=_item_url(locked),
    )
    return locked


@transaction.atomic
def file_feedback(instruction, actor, body, files=()) -> InstructionFeedback:
    """The unit's 落实情况反馈 (已签收 → 已反馈): sanitised text plus files.

    Only the item's unit; the 批示 must have been signed for. Files are
    checked by content and size (briefing.uploads) before anything is stored.
    """
    locked = _lock(instruction)
    _require_unit_member(locked, actor, "反馈落实情况")
    if locked.status != S.SIGNED:
        message = (
            "请先签收这条批示，再反馈落实情况。"
            if locked.status == S.PENDING
            else "这条批示已经反馈过了。"
        )
        raise WorkflowError(message)
    cleaned = clean_html(body)
    text = html_to_text(cleaned)
    if not text.strip():
        raise WorkflowError("请填写落实情况。")
    checked = [(uploaded, check_upload(uploaded)) for uploaded in files]
    feedback = InstructionFeedback.objects.create(
        instruction=locked, body=cleaned, author=actor
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
    locked.status = S.ANSWERED
    locked.answered_at = feedback.created_at
    locked.version += 1
    locked.save(update_fields=["status", "answered_at", "version"])
    _item_event(locked.item, actor, "instruction_feedback", text[:500])
    record_event(
        actor=actor,
        action="reading.instruction_feedback",
        obj=locked,
        reason=f"附件 {len(checked)} 个",
    )
    notify(
        [locked.author, *selectors.editors()],
        title=f"{locked.item.department.short_name}已反馈批示落实情况",
        body=f"《{locked.item.title}》：{text[:200]}",
        url=_item_url(locked),
    )
    return feedback
