"""The only code that changes assessment data; each change leaves an audit event."""

import datetime
from decimal import ROUND_DOWN, Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event
from briefing.models import Item
from briefing.pdf import PdfRenderError
from briefing.services.errors import WorkflowError
from briefing.services.items import merge_duplicate
from briefing.uploads import save_pdf
from core.permissions import require_editor

from . import bulletin as bulletin_doc
from .models import (
    AdoptionLevel,
    Bulletin,
    BulletinDocument,
    HigherAdoption,
    InstructionRecord,
    ItemCredit,
    ScoringRule,
    ScoringRuleSet,
)
from .periods import month_has_ended
from .permissions import may_edit_rules

ONE = Decimal("1")
STEP = Decimal("0.0001")


class AssessmentError(WorkflowError):
    """A change the user asked for that cannot be made; the message is for them."""


EDITORS_ONLY = "只有编辑可以进行此操作。"


class StaleBulletinError(AssessmentError):
    """Someone else saved the 通报 after this user loaded it."""


def _require_reached_office(item):
    if item.submitted_at is None:
        raise AssessmentError("该稿件尚未报送到县委办，不能计入考核。")


# --- 合报 shares ---------------------------------------------------------------


def equal_shares(count: int) -> list[Decimal]:
    """``count`` shares summing to exactly 1 (the first takes the remainder)."""
    share = (ONE / count).quantize(STEP, rounding=ROUND_DOWN)
    shares = [share] * count
    shares[0] += ONE - share * count
    return shares


def _keep_printed_units(item, departments):
    """An issued issue is frozen: its PDF names the item's units, so the reading
    page may not name others. Shares among the same units may still change."""
    if item.status != Item.Status.PUBLISHED:
        return
    printed = {d.pk for d in item.joint_units.all()} or {item.department_id}
    wanted = {d.pk for d in departments} or {item.department_id}
    if printed != wanted:
        raise AssessmentError(
            f"这篇稿件已随“{item.issue}”签发，印发的报送单位不能再改；"
            "同一批单位之间的份额仍可调整。"
        )


@transaction.atomic
def set_item_credits(item, actor, shares: list) -> list[ItemCredit]:
    """Set the 合报 units of ``item``: ``shares`` is [(department, share or None)].

    All shares None means equal shares; otherwise every share is given and they
    sum to 1. One unit, or none, removes the 合报 (the item counts for its unit).
    The units become the item's 合报单位, printed after it (开发区、民政局).
    """
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = Item.objects.select_for_update().get(pk=item.pk)
    _require_reached_office(locked)
    departments = [department for department, _ in shares]
    if len({d.pk for d in departments}) != len(departments):
        raise AssessmentError("同一单位只能列一次。")
    _keep_printed_units(locked, departments)
    given = [share for _, share in shares]
    if len(shares) <= 1:
        values = []
    elif all(share is None for share in given):
        values = equal_shares(len(shares))
    elif any(share is None for share in given):
        raise AssessmentError("请填写每个单位的份额，或全部留空按平均分配。")
    else:
        values = [Decimal(share).quantize(STEP) for share in given]
        if any(value <= 0 or value > 1 for value in values):
            raise AssessmentError("每个单位的份额须大于 0 且不超过 1。")
        if sum(values) != ONE:
            raise AssessmentError(
                f"各单位份额之和须等于 1，现在是 {sum(values).normalize():f}。"
            )
    ItemCredit.objects.filter(item=locked).delete()
    credits = ItemCredit.objects.bulk_create(
        ItemCredit(item=locked, department=department, share=value)
        for department, value in zip(departments, values, strict=False)
    )
    # The print names every unit of a 合报 item.
    locked.joint_units.set([credit.department for credit in credits])
    reason = "、".join(
        f"{c.department.short_name}{c.share.normalize():f}" for c in credits
    )
    record_event(
        actor=actor,
        action="assessment.set_credits",
        obj=locked,
        reason=reason or "取消合报",
    )
    return credits


@transaction.atomic
def merge_into_joint_item(kept, actor, *, other, version=None) -> list[ItemCredit]:
    """疑似重复 of two units: close ``other`` as merged into ``kept``
    (briefing.services.items.merge_duplicate) and make ``kept`` a 合报 item
    of its units and ``other``'s unit, in equal shares. Editors only."""
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    merge_duplicate(kept, other, actor, version=version)
    units = [credit.department for credit in kept.credits.select_related("department")]
    units = units or [kept.department]
    for department in [other.department] + [
        credit.department for credit in other.credits.select_related("department")
    ]:
        if department.pk not in {unit.pk for unit in units}:
            units.append(department)
    return set_item_credits(kept, actor, [(unit, None) for unit in units])


# --- higher adoptions and 批示 ------------------------------------------------


def _check_date(day: datetime.date, label: str):
    if day > timezone.localdate():
        raise AssessmentError(f"{label}不能晚于今天。")


def _check_submission(submission, item, day: datetime.date, label: str):
    """The 上报 this feedback answers: it carried ``item`` before ``day``."""
    if submission is None:
        raise AssessmentError("请选择这篇稿件的上报记录；尚未上报的请先制作上报件。")
    if not submission.entries.filter(item=item).exists():
        raise AssessmentError("所选上报记录里没有这篇稿件。")
    made = submission.origin == submission.Origin.MADE
    if made and day < timezone.localdate(submission.sent_at):
        raise AssessmentError(f"{label}不能早于上报时间。")


@transaction.atomic
def record_higher_adoption(
    item,
    actor,
    *,
    submission,
    level: AdoptionLevel,
    adopted_on,
    publication,
    note="",
) -> HigherAdoption:
    """Record that a higher level adopted ``item`` sent up in ``submission``
    (editors only): the 上报's feedback, counted in the assessment."""
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = Item.objects.select_for_update().get(pk=item.pk)
    _require_reached_office(locked)
    if level.is_county:
        raise AssessmentError("本县采用由简报流程自动统计，请选择上级级别。")
    publication = (publication or "").strip()
    if not publication:
        raise AssessmentError("请填写采用刊物。")
    _check_date(adopted_on, "采用日期")
    _check_submission(submission, locked, adopted_on, "采用日期")
    if HigherAdoption.objects.filter(
        item=locked, level=level, publication=publication
    ).exists():
        raise AssessmentError("这条上级采用已经录入过了。")
    record = HigherAdoption.objects.create(
        submission=submission,
        item=locked,
        level=level,
        adopted_on=adopted_on,
        publication=publication,
        note=(note or "").strip(),
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="assessment.higher_adoption_add",
        obj=record,
        reason=f"{locked.title} · {level.short_name} · {publication}"
        f" · 上报记录{submission.pk}",
    )
    return record


@transaction.atomic
def delete_higher_adoption(record: HigherAdoption, actor) -> None:
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = HigherAdoption.objects.select_for_update().get(pk=record.pk)
    record_event(
        actor=actor,
        action="assessment.higher_adoption_delete",
        obj=locked,
        reason=f"{locked.item.title} · {locked.level.short_name} · "
        f"{locked.publication}",
    )
    locked.delete()


@transaction.atomic
def record_instruction(
    item,
    actor,
    *,
    level: AdoptionLevel,
    instructed_on,
    leader,
    note="",
    submission=None,
    source=InstructionRecord.Source.MANUAL,
    source_ref="",
) -> InstructionRecord:
    """Record a leader's 批示 on ``item``.

    Editors enter them by hand (``source=MANUAL``) against the ``submission``
    (上报) that carried the item. The online reading's 批示 calls this with
    ``source=READING`` and its own id as ``source_ref`` after checking its own
    permissions; calling twice with one ref is refused.
    """
    if source == InstructionRecord.Source.MANUAL:
        require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = Item.objects.select_for_update().get(pk=item.pk)
    leader = (leader or "").strip()
    if not leader:
        raise AssessmentError("请填写批示领导。")
    _check_date(instructed_on, "批示日期")
    if source == InstructionRecord.Source.MANUAL:
        _check_submission(submission, locked, instructed_on, "批示日期")
    try:
        with transaction.atomic():
            record = InstructionRecord.objects.create(
                submission=submission,
                item=locked,
                level=level,
                instructed_on=instructed_on,
                leader=leader,
                note=(note or "").strip(),
                source=source,
                source_ref=source_ref,
                created_by=actor
                if actor is not None and actor.is_authenticated
                else None,
            )
    except IntegrityError as exc:
        raise AssessmentError("这条批示已经记录过了。") from exc
    record_event(
        actor=actor,
        action="assessment.instruction_add",
        obj=record,
        reason=f"{locked.title} · {level.short_name} · {leader}",
    )
    return record


def record_reading_instruction(instruction, actor) -> InstructionRecord | None:
    """Count a 批示 written in online reading in its unit's assessment, at the
    county level (none when no county level is configured).

    Registered with ``reading.services.on_instruction_written`` (see
    ``AssessmentConfig.ready``); runs inside the 批示's transaction.
    """
    level = AdoptionLevel.objects.filter(is_county=True).first()
    if level is None:  # no county level configured: nothing to score against
        return None
    return record_instruction(
        instruction.item,
        actor,
        level=level,
        instructed_on=timezone.localdate(instruction.created_at),
        leader=actor.get_full_name() or actor.username,
        note=instruction.text,
        source=InstructionRecord.Source.READING,
        source_ref=str(instruction.pk),
    )


@transaction.atomic
def delete_instruction(record: InstructionRecord, actor) -> None:
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = InstructionRecord.objects.select_for_update().get(pk=record.pk)
    if locked.source != InstructionRecord.Source.MANUAL:
        raise AssessmentError("在线阅读中的批示由系统自动记录，不能在此删除。")
    record_event(
        actor=actor,
        action="assessment.instruction_delete",
        obj=locked,
        reason=f"{locked.item.title} · {locked.leader}",
    )
    locked.delete()


# --- scoring rules -------------------------------------------------------------


def rule_change_reaches_back(rule_set: ScoringRuleSet | None, valid_from):
    """The first day of an ended month whose scores saving the rule set with
    ``valid_from`` would change, or None when only this month on is touched.

    Changing an existing set also changes the days it already covered.
    """
    month_start = timezone.localdate().replace(day=1)
    earliest = valid_from
    if rule_set is not None and rule_set.valid_from:
        earliest = min(earliest, rule_set.valid_from)
    if earliest >= month_start:
        return None
    return earliest.replace(day=1)


@transaction.atomic
def save_rule_set(
    actor,
    rule_set: ScoringRuleSet | None,
    *,
    valid_from,
    name,
    monthly_quota,
    quota_penalty,
    quota_note,
    points: dict,
    confirmed_past: bool = False,
    commission_missing_penalty=None,
    commission_late_penalty=None,
) -> ScoringRuleSet:
    """Create or change a rule set; ``points`` is {level: (adoption, instruction)}.

    Admins only. Changing a set changes the scores of the dates it covers; to
    change the rules from some day on, make a new set valid from that day.
    Reaching back before this month re-scores ended periods (whose issued 通报
    keep their frozen figures), so it needs ``confirmed_past``.
    """
    if not may_edit_rules(actor):
        raise AssessmentError("只有管理员可以修改计分规则。")
    reaches_back = rule_change_reaches_back(rule_set, valid_from)
    if reaches_back is not None and not confirmed_past:
        raise AssessmentError(
            f"此规则将改变 {reaches_back.year} 年 {reaches_back.month} 月起"
            "已结束时段的得分，请勾选确认后再保存。"
        )
    clash = ScoringRuleSet.objects.filter(valid_from=valid_from)
    if rule_set is not None:
        rule_set = ScoringRuleSet.objects.select_for_update().get(pk=rule_set.pk)
        clash = clash.exclude(pk=rule_set.pk)
    if clash.exists():
        raise AssessmentError(
            f"已有自 {valid_from:%Y-%m-%d} 起用的规则，请修改那一条。"
        )
    action = "assessment.rule_set_change" if rule_set else "assessment.rule_set_add"
    if rule_set is None:
        rule_set = ScoringRuleSet()
    rule_set.valid_from = valid_from
    rule_set.name = name.strip()
    rule_set.monthly_quota = monthly_quota
    rule_set.quota_penalty = quota_penalty
    rule_set.quota_note = quota_note.strip()
    if commission_missing_penalty is not None:
        rule_set.commission_missing_penalty = commission_missing_penalty
    if commission_late_penalty is not None:
        rule_set.commission_late_penalty = commission_late_penalty
    rule_set.save()
    for level, (adoption, instruction) in points.items():
        ScoringRule.objects.update_or_create(
            rule_set=rule_set,
            level=level,
            defaults={"adoption_points": adoption, "instruction_points": instruction},
        )
    detail = "；".join(
        f"{level.short_name}采用{adoption}、批示{instruction}"
        for level, (adoption, instruction) in points.items()
    )
    record_event(
        actor=actor,
        action=action,
        obj=rule_set,
        reason=f"{valid_from:%Y-%m-%d}起；任务{monthly_quota}条，扣{quota_penalty}分；"
        f"约稿未报扣{rule_set.commission_missing_penalty}分、"
        f"迟报扣{rule_set.commission_late_penalty}分；" + detail,
    )
    return rule_set


# --- the monthly 通报 ----------------------------------------------------------


def _require_month_ended(year: int, month: int, doing: str):
    # The quota only counts months that are over, so a 通报 of a running (or
    # future) month would wrongly say every unit met its task.
    if not month_has_ended(year, month):
        raise AssessmentError(f"{year}年{month}月尚未结束，月底后才能{doing}本月通报。")


@transaction.atomic
def create_bulletin(actor, year: int, month: int) -> Bulletin:
    """Draft the 通报 of a month with the current figures and the default text.

    Editors only; the month must have ended (Asia/Shanghai dates).
    """
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    _require_month_ended(year, month, "生成")
    exists = f"{year}年{month}月的通报已经存在。"
    # Checked first to spare the figures' computation; the unique constraint
    # decides when another editor saves the month in between.
    if Bulletin.objects.filter(year=year, month=month).exists():
        raise AssessmentError(exists)
    data = bulletin_doc.snapshot(year, month)
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(
                year=year,
                month=month,
                title=bulletin_doc.title_for(year, month),
                intro=bulletin_doc.default_intro(year, month, data),
                closing=bulletin_doc.DEFAULT_CLOSING,
                office_name=bulletin_doc.default_office_name(),
                issue_date=timezone.localdate(),
                data=data,
                created_by=actor,
            )
    except IntegrityError:
        raise AssessmentError(exists) from None
    record_event(actor=actor, action="assessment.bulletin_create", obj=bulletin)
    return bulletin


def _lock_draft(bulletin, version=None) -> Bulletin:
    locked = Bulletin.objects.select_for_update().get(pk=bulletin.pk)
    if locked.status != Bulletin.Status.DRAFT:
        raise AssessmentError("通报已印发，不能再修改。")
    if version is not None and locked.version != version:
        raise StaleBulletinError(
            "通报在您打开之后已被他人修改，您的修改未保存。请刷新页面后重试。"
        )
    return locked


def _bump(bulletin, fields):
    bulletin.version = F("version") + 1
    bulletin.save(update_fields=[*fields, "version"])
    bulletin.refresh_from_db(fields=["version"])


@transaction.atomic
def update_bulletin(bulletin, actor, *, version, **fields) -> Bulletin:
    """Save the editor's text (title, 主送, 导语, 结束语, 发文单位, 成文日期)."""
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = _lock_draft(bulletin, version)
    allowed = {"title", "recipients", "intro", "closing", "office_name", "issue_date"}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(name)
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if not locked.title or not locked.intro:
        raise AssessmentError("标题和导语不能为空。")
    _bump(locked, list(fields))
    record_event(actor=actor, action="assessment.bulletin_edit", obj=locked)
    return locked


@transaction.atomic
def refresh_bulletin(bulletin, actor, *, version=None) -> Bulletin:
    """Take the figures again (records added since); the text is kept."""
    require_editor(actor, AssessmentError(EDITORS_ONLY))
    locked = _lock_draft(bulletin, version)
    locked.data = bulletin_doc.snapshot(locked.year, locked.month)
    _bump(locked, ["data"])
    record_event(actor=actor, action="assessment.bulletin_refresh", obj=locked)
    return locked


def _store_document(bulletin, pdf: bytes, actor) -> BulletinDocument:
    """Write the PDF under MEDIA_ROOT and its row, with SHA-256 and size."""
    name = f"bulletin-{bulletin.pk}-{bulletin.year}-{bulletin.month:02d}.pdf"
    return save_pdf(BulletinDocument(bulletin=bulletin, created_by=actor), name, pdf)


def issue_bulletin(bulletin, actor, *, version=None) -> Bulletin:
    """印发: freeze the 通报, render and store its PDF with SHA-256, and tell the
    units' clerks and reviewers — one transaction.

    Only editors; the 通报 must be a draft (of ``version`` when given) of a month
    that has ended. When the PDF cannot be rendered nothing changes: it stays a
    draft, no file is kept.
    """
    from departments.models import Membership
    from notifications.services import notify

    require_editor(actor, AssessmentError(EDITORS_ONLY))
    document = None
    try:
        with transaction.atomic():
            locked = _lock_draft(bulletin, version)
            _require_month_ended(locked.year, locked.month, "印发")
            locked.status = Bulletin.Status.ISSUED
            locked.issued_by = actor
            locked.issued_at = timezone.now()
            try:
                pdf = bulletin_doc.bulletin_pdf(locked)
            except PdfRenderError as exc:
                raise AssessmentError(
                    f"{exc}（通报未印发，仍为草稿，可修复后重试。）"
                ) from exc
            document = _store_document(locked, pdf, actor)
            _bump(locked, ["status", "issued_by", "issued_at"])
            record_event(
                actor=actor,
                action="assessment.bulletin_issue",
                obj=locked,
                reason=f"PDF SHA-256 {document.sha256}",
            )
            members = [
                m.user
                for m in Membership.objects.select_related("user").filter(
                    department__is_active=True
                )
            ]
            notify(
                members,
                title=locked.title,
                body="本月政务信息报送情况通报已印发，请查阅。",
                url=reverse("assessment:bulletin_detail", args=[locked.pk]),
            )
    except BaseException:
        # The transaction rolled back; the file it wrote must go too.
        if document is not None:
            document.file.delete(save=False)
        raise
    return locked
