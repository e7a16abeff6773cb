"""Issue actions: compose, order, submit, send back, sign off, correct, download.

The only code that changes an issue. Each action locks the issue row, checks the
state and the permission, writes with update_fields, bumps ``version``, leaves an
IssueEvent and an audit event, and notifies only on commit.
"""

import hashlib
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import record_event
from briefing import permissions, workflow
from briefing.docx_issue import issue_docx
from briefing.models import (
    Issue,
    IssueCopy,
    IssueDocument,
    IssueEvent,
    IssueSection,
    Item,
    Publication,
    Section,
    classification_error,
)
from briefing.pdf import PdfRenderError, render_pdf
from briefing.print_layout import issue_print_html
from briefing.selectors import issues as selectors
from briefing.services.items import (
    adopt_item,
    correct_item_text,
    publish_items_of_issue,
)
from briefing.services.positions import (
    ensure_issue_section,
    in_requested_order,
    last_item_position,
    moved,
    renumber,
    section_items,
)
from briefing.stamp import StampError, stamp_pdf
from briefing.uploads import save_pdf
from notifications.services import notify

from .errors import StaleVersionError, WorkflowError

S = Issue.Status

FROZEN_MESSAGE = (
    "本期已签发，内容、顺序、期号、分发范围和日期都不能再改。"
    "如需更正，请由签发人或管理员发布更正版。"
)
PENDING_MESSAGE = "本期已提交签发，等待签发人处理；如需修改，请签发人退回。"


class DocumentError(Exception):
    """A stored PDF cannot be given out; the message is fit to show."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DocumentIntegrityError(DocumentError):
    """A stored PDF no longer matches its SHA-256 (or is gone)."""


# -- helpers -------------------------------------------------------------------


def _lock(issue) -> Issue:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the
    # outer join to distribution_list; only the issue row needs the lock.
    return (
        Issue.objects.select_for_update(of=("self",))
        .select_related("publication", "distribution_list")
        .get(pk=issue.pk)
    )


# Why a move of briefing.workflow.ISSUE_TRANSITIONS is refused: the actor
# holds none of its roles, or the issue is in a state it does not start from.
_ROLE_REFUSALS = {
    "create": "只有编辑可以组版。",
    "compose": "只有编辑可以组版。",
    "submit": "只有编辑可以组版。",
    "send_back": "只有签发人可以退回待签发的简报。",
    "sign_off": "只有签发人可以签发简报。",
    "correct": "只有签发人或管理员可以发布更正版。",
}
# A refused sign-off, send-back or correction is a security event (audited
# under this action).
_AUDITED_REFUSALS = {
    "send_back": "send_back",
    "sign_off": "sign_off",
    "correct": "correction",
}
_NOT_ISSUED = "只有已签发的简报才能发布更正版。"
_STATE_REFUSALS = {
    ("compose", S.PENDING_SIGNOFF): PENDING_MESSAGE,
    ("compose", S.ISSUED): FROZEN_MESSAGE,
    ("submit", S.PENDING_SIGNOFF): PENDING_MESSAGE,
    ("submit", S.ISSUED): FROZEN_MESSAGE,
    ("send_back", S.DRAFT): "本期不在待签发状态。",
    ("send_back", S.ISSUED): FROZEN_MESSAGE,
    ("sign_off", S.DRAFT): "本期尚未提交签发，请编辑先提交。",
    ("sign_off", S.ISSUED): FROZEN_MESSAGE,
    ("correct", S.DRAFT): _NOT_ISSUED,
    ("correct", S.PENDING_SIGNOFF): _NOT_ISSUED,
}


def _require_role(actor, move, issue=None):
    """First of all: ``actor`` holds a role the table names for ``move``."""
    if workflow.may_make_issue_move(actor, move):
        return
    message = _ROLE_REFUSALS[move]
    if move in _AUDITED_REFUSALS:
        _refuse(actor, _AUDITED_REFUSALS[move], issue, message)
    raise WorkflowError(message)


def _require_state(issue, move) -> workflow.Transition:
    """Under the lock: the table's ``move`` from the issue's state (组版 only
    while 组稿中, 签发 only while 待签发, ...)."""
    t = workflow.issue_transition(move, issue.status)
    if t is None:
        raise WorkflowError(_STATE_REFUSALS[(move, issue.status)])
    return t


def _bump_version(issue):
    Issue.objects.filter(pk=issue.pk).update(version=F("version") + 1)
    issue.version += 1


def _event(
    issue, actor, action, *, from_status="", to_status="", comment="", audit_reason=""
):
    """The issue's timeline row and its audit event (``audit_reason`` when the
    audit log should say more than the timeline, else ``comment``)."""
    IssueEvent.objects.create(
        issue=issue,
        actor=actor,
        action=action,
        from_status=from_status,
        to_status=to_status,
        comment=comment,
    )
    record_event(
        actor=actor,
        action=f"issue_{action}",
        obj=issue,
        reason=audit_reason or comment,
    )


def _refuse(actor, action, issue, message):
    """A refused sign-off/correction is a security event: record it, then raise.

    Called outside any transaction so the record survives the refusal.
    """
    record_event(
        actor=actor,
        action=f"issue_{action}",
        obj=issue,
        result=AuditEvent.Result.FAILURE,
        reason=message,
    )
    raise WorkflowError(message)


def _issue_url(issue) -> str:
    return reverse("briefing:issue_detail", args=[issue.pk])


# -- compose -------------------------------------------------------------------


def create_issue(
    *, actor, publication, issue_date, distribution_list=None, copies=None, comment=""
) -> Issue:
    """Start a new issue (组稿中). Only editors; the publication must be active."""
    _require_role(actor, "create")
    if not publication.is_active:
        raise WorkflowError("该刊物已停用，不能新建一期。")
    if copies is None:
        copies = distribution_list.default_copies if distribution_list else 60
    with transaction.atomic():
        issue = Issue.objects.create(
            publication=publication,
            issue_date=issue_date,
            distribution_list=distribution_list,
            copies=copies,
            classification=publication.default_classification,
            secrecy_years=publication.default_secrecy_years,
            created_by=actor,
        )
        _event(issue, actor, "create", to_status=S.DRAFT, comment=comment)
    return issue


def special_publication() -> Publication | None:
    """The active 专报 publication (the first, should there be several)."""
    return (
        Publication.objects.filter(kind=Publication.Kind.SPECIAL, is_active=True)
        .order_by("id")
        .first()
    )


def make_special_issue(item, actor, *, version=None) -> Issue:
    """作为专报编发: a new issue of the 专报 publication holding ``item`` alone,
    in one transaction; then the usual 提交签发 and 签发.

    Only editors, only an urgent item they may adopt now (已报送, or 编辑中
    held by them). The issue is dated today and takes the distribution list
    and copies of the publication's last issue that had one; the item goes
    into its suggested 栏目, else the first active one.
    """
    _require_role(actor, "create")
    if not item.is_urgent:
        raise WorkflowError("只有紧急信息可以作为专报编发。")
    publication = special_publication()
    if publication is None:
        raise WorkflowError(
            "没有启用的专报刊物，请管理员在“刊物”中添加一个类型为“专报”的刊物。"
        )
    section = item.suggested_section
    if section is None or not section.is_active:
        section = Section.objects.filter(is_active=True).first()
    if section is None:
        raise WorkflowError("没有启用的栏目，请管理员先添加栏目。")
    last = (
        Issue.objects.filter(publication=publication, distribution_list__is_active=True)
        .select_related("distribution_list")
        .order_by("-created_at", "-id")
        .first()
    )
    with transaction.atomic():
        issue = create_issue(
            actor=actor,
            publication=publication,
            issue_date=timezone.localdate(),
            distribution_list=last.distribution_list if last else None,
            copies=last.copies if last else None,
            comment=f"专报：《{item.title}》（{item.get_urgent_category_display()}）",
        )
        adopt_item(item, issue, section, actor, version=version)
    return issue


def update_issue(
    issue,
    actor,
    *,
    issue_date,
    distribution_list,
    copies,
    version,
    classification=None,
    secrecy_years=None,
) -> Issue:
    """Change the date, the distribution list, the copies and the 密级.

    Only editors, only while 组稿中; ``version`` is the one the form was loaded
    with (someone else's save in between raises StaleVersionError). Without
    ``classification`` the 密级 stays as it is; a 密级 that contradicts its
    保密期限 raises WorkflowError (the database refuses it too).
    """
    _require_role(actor, "compose")
    if copies is None or copies < 1:
        raise WorkflowError("印数至少为 1 份。")
    if classification is None:
        classification, secrecy_years = issue.classification, issue.secrecy_years
    marking_error = classification_error(classification, secrecy_years)
    if marking_error:
        raise WorkflowError(marking_error)
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        changed = Issue.objects.filter(pk=locked.pk, version=version).update(
            issue_date=issue_date,
            distribution_list=distribution_list,
            copies=copies,
            classification=classification,
            secrecy_years=secrecy_years,
            version=F("version") + 1,
        )
        if not changed:
            raise StaleVersionError(
                "本期设置已被他人修改，请核对后重新保存（您填写的内容仍保留在表单中）。"
            )
        locked.refresh_from_db()
        parts = [f"印发日期 {issue_date:%Y-%m-%d}", f"印数 {copies} 份"]
        if distribution_list:
            parts.insert(1, f"分发范围 {distribution_list.name}")
        parts.append(f"密级 {locked.marking or '不标注'}")
        _event(locked, actor, "update", comment="；".join(parts))
    return locked


def move_section(issue, issue_section_id, direction, actor) -> Issue:
    """Move one section of the issue up or down by one place."""
    _require_role(actor, "compose")
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        rows = list(locked.issue_sections.select_related("section"))
        index = next(
            (i for i, row in enumerate(rows) if row.pk == int(issue_section_id)),
            None,
        )
        if index is None:
            raise WorkflowError("本期没有这个栏目。")
        new_rows = moved(rows, index, direction)
        if new_rows is None:
            raise WorkflowError("已经在最前（或最后），无法再移动。")
        return _save_section_order(locked, new_rows, actor)


def set_section_order(issue, issue_section_ids, actor) -> Issue:
    """Set the whole section order (from drag and drop)."""
    _require_role(actor, "compose")
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        rows = list(locked.issue_sections.select_related("section"))
        new_rows = in_requested_order(rows, issue_section_ids, "栏目")
        return _save_section_order(locked, new_rows, actor)


def _save_section_order(issue, rows, actor):
    renumber(IssueSection, rows)
    _bump_version(issue)
    order = "、".join(row.section.name for row in rows)
    _event(issue, actor, "reorder_sections", comment=order)
    return issue


def move_item(issue, item_id, direction, actor) -> Issue:
    """Move one item up or down by one place within its section."""
    _require_role(actor, "compose")
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        item = Item.objects.filter(issue=locked, pk=int(item_id)).first()
        if item is None:
            raise WorkflowError("本期没有这篇稿件。")
        rows = section_items(locked, item.section_id)
        index = [row.pk for row in rows].index(item.pk)
        new_rows = moved(rows, index, direction)
        if new_rows is None:
            raise WorkflowError("已经在本栏目最前（或最后），无法再移动。")
        return _save_item_order(locked, item.section_id, new_rows, actor)


def set_item_order(issue, section_id, item_ids, actor) -> Issue:
    """Set the whole order of one section's items (from drag and drop)."""
    _require_role(actor, "compose")
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        rows = section_items(locked, section_id)
        if not rows:
            raise WorkflowError("本期这个栏目没有稿件。")
        new_rows = in_requested_order(rows, item_ids, "稿件")
        return _save_item_order(locked, section_id, new_rows, actor)


def _save_item_order(issue, section_id, rows, actor):
    renumber(Item, rows)
    _bump_version(issue)
    section = Section.objects.get(pk=section_id)
    titles = "、".join(f"《{row.title}》" for row in rows)
    _event(issue, actor, "reorder_items", comment=f"【{section.name}】{titles}")
    return issue


def move_item_to_section(issue, item_id, section, actor) -> Issue:
    """Move an item to the end of another section of the same issue."""
    _require_role(actor, "compose")
    if not section.is_active:
        raise WorkflowError("该栏目已停用。")
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        item = (
            Item.objects.select_for_update(of=("self",))
            .filter(issue=locked, pk=int(item_id))
            .select_related("section")
            .first()
        )
        if item is None:
            raise WorkflowError("本期没有这篇稿件。")
        if item.section_id == section.pk:
            raise WorkflowError(f"稿件已在【{section.name}】栏目中。")
        old_section = item.section
        ensure_issue_section(locked, section)
        item.section = section
        item.position = last_item_position(locked, section) + 1
        item.save(update_fields=["section", "position", "updated_at"])
        # Close the gap it left behind.
        renumber(Item, section_items(locked, old_section.pk))
        _bump_version(locked)
        _event(
            locked,
            actor,
            "move_item",
            comment=f"《{item.title}》从【{old_section.name}】移到【{section.name}】",
        )
    return locked


def remove_empty_section(issue, issue_section_id, actor) -> Issue:
    """Take a section that has no items out of the issue; close the gap.

    Only editors, only while 组稿中, only a section with no items of this issue.
    Emptying a section never removes it on its own: the editor may keep it as
    a placeholder.
    """
    _require_role(actor, "compose")
    with transaction.atomic():
        locked = _lock(issue)
        _require_state(locked, "compose")
        issue_section = (
            IssueSection.objects.select_for_update(of=("self",))
            .select_related("section")
            .filter(issue=locked, pk=int(issue_section_id))
            .first()
        )
        if issue_section is None:
            raise WorkflowError("本期没有这个栏目。")
        section = issue_section.section
        if Item.objects.filter(issue=locked, section=section).exists():
            raise WorkflowError(
                f"【{section.name}】栏目中还有稿件，不能移除；"
                "请先把稿件移到其他栏目或撤出本期。"
            )
        issue_section.delete()
        renumber(IssueSection, list(locked.issue_sections.order_by("position")))
        _bump_version(locked)
        _event(locked, actor, "remove_section", comment=f"移除空栏目【{section.name}】")
    return locked


# -- sign-off ------------------------------------------------------------------


def submit_for_signoff(issue, actor) -> Issue:
    """组稿中 → 待签发. Only editors; the issue needs items and a distribution."""
    _require_role(actor, "submit")
    with transaction.atomic():
        locked = _lock(issue)
        t = _require_state(locked, "submit")
        if not Item.objects.filter(issue=locked).exists():
            raise WorkflowError("本期还没有稿件，不能提交签发。")
        if locked.distribution_list_id is None:
            raise WorkflowError("请先选择分发范围（本期发），再提交签发。")
        locked.status = t.target
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        _event(locked, actor, "submit", from_status=t.source, to_status=t.target)
        notify(
            selectors.signer_recipients(),
            title=f"《{locked.publication.name}》有一期待签发",
            body=f"印发日期 {selectors.date_label(locked.issue_date)}，"
            f"由{actor.get_full_name() or actor.get_username()}提交。",
            url=_issue_url(locked),
        )
    return locked


def send_back(issue, actor, comment) -> Issue:
    """待签发 → 组稿中, with the signer's comment (required)."""
    comment = (comment or "").strip()
    _require_role(actor, "send_back", issue)
    if not comment:
        raise WorkflowError("请填写退回意见，说明需要修改什么。")
    with transaction.atomic():
        locked = _lock(issue)
        t = _require_state(locked, "send_back")
        locked.status = t.target
        locked.version += 1
        locked.save(update_fields=["status", "version"])
        _event(
            locked,
            actor,
            "send_back",
            from_status=t.source,
            to_status=t.target,
            comment=comment,
        )
        submitter = (
            locked.events.filter(action="submit").order_by("-created_at", "-id").first()
        )
        recipients = {locked.created_by}
        if submitter and submitter.actor:
            recipients.add(submitter.actor)
        notify(
            recipients,
            title=f"《{locked.publication.name}》一期被退回修改",
            body=comment,
            url=_issue_url(locked),
        )
    return locked


def _store_document(
    issue, files: tuple[bytes, bytes], actor, *, is_correction=False, reason=""
):
    """Write the PDF and the .docx under MEDIA_ROOT and their row, each with
    its SHA-256."""
    pdf, docx = files
    document = IssueDocument(
        issue=issue, is_correction=is_correction, reason=reason, created_by=actor
    )
    kind = "correction" if is_correction else "original"
    name = f"issue-{issue.pk}-{issue.year}-{issue.number}-{kind}"
    document.docx_sha256 = hashlib.sha256(docx).hexdigest()
    document.docx.save(f"{name}.docx", ContentFile(docx), save=False)
    try:
        return save_pdf(document, f"{name}.pdf", pdf)
    except BaseException:
        document.docx.delete(save=False)
        raise


def _delete_files(document):
    document.file.delete(save=False)
    document.docx.delete(save=False)


def _render(
    issue,
    *,
    number_label,
    is_correction=False,
    outcome="本期未签发，期号未占用，可修复后重试。",
) -> tuple[bytes, bytes]:
    """The issue as PDF and as .docx, from one print context."""
    printed, sections = selectors.print_context(
        issue, number_label=number_label, is_correction=is_correction
    )
    try:
        pdf = render_pdf(issue_print_html(printed, sections))
    except PdfRenderError as exc:
        raise WorkflowError(f"{exc}（{outcome}）") from exc
    return pdf, issue_docx(printed, sections)


DEFAULT_SIGN_OFF_OPINION = "同意印发"


def sign_off_issue(issue, actor, opinion=DEFAULT_SIGN_OFF_OPINION) -> IssueDocument:
    """签发: number, render, store with SHA-256, freeze, publish items — one
    transaction.

    Only signers; the issue must be 待签发; ``opinion`` (签发意见) is required
    and kept on the issue's timeline. The publication row is locked, so
    numbers are unique and gapless under concurrent sign-offs; when rendering
    fails nothing is used up and a retry gets the same number.
    """
    _require_role(actor, "sign_off", issue)
    opinion = (opinion or "").strip()
    if not opinion:
        raise WorkflowError("请填写签发意见，如“同意印发”。")
    document = None
    try:
        with transaction.atomic():
            locked = _lock(issue)
            t = _require_state(locked, "sign_off")
            if not Item.objects.filter(issue=locked).exists():
                raise WorkflowError("本期没有稿件，不能签发。")
            if locked.distribution_list_id is None:
                raise WorkflowError("本期没有分发范围，不能签发。")
            publication = Publication.objects.select_for_update().get(
                pk=locked.publication_id
            )
            year = locked.issue_date.year
            number, total = selectors.next_numbers(publication, year)
            clash = Issue.objects.filter(publication=publication).filter(
                Q(year=year, number=number) | Q(total_number=total)
            )
            if clash.exists():
                raise WorkflowError(
                    f"期号{selectors.number_label(number, total)}已被占用，"
                    "请管理员核对刊物的起始期号。"
                )
            locked.year, locked.number, locked.total_number = year, number, total
            locked.publication = publication
            locked.distribution_text = "\n".join(locked.distribution_list.line_list())
            files = _render(locked, number_label=locked.number_label)
            document = _store_document(locked, files, actor)

            publication.number_year = year
            publication.last_number = number
            publication.last_total_number = total
            publication.save(
                update_fields=["number_year", "last_number", "last_total_number"]
            )
            locked.status = t.target
            locked.signed_by = actor
            locked.signed_at = timezone.now()
            locked.version += 1
            locked.save(
                update_fields=[
                    "year",
                    "number",
                    "total_number",
                    "distribution_text",
                    "status",
                    "signed_by",
                    "signed_at",
                    "version",
                ]
            )
            publish_items_of_issue(locked, actor)
            _event(
                locked,
                actor,
                "sign_off",
                from_status=t.source,
                to_status=t.target,
                comment=opinion,
                audit_reason=f"{opinion}（{locked.number_label}，"
                f"PDF SHA-256 {document.sha256}）",
            )
            notify(
                selectors.reader_recipients(locked),
                title=f"《{publication.name}》{locked.number_label}已签发",
                body=f"印发日期 {selectors.date_label(locked.issue_date)}。",
                url=_issue_url(locked),
            )
    except BaseException:
        # The transaction rolled back; the files it wrote must go too.
        if document is not None:
            _delete_files(document)
        raise
    return document


class Correction(NamedTuple):
    """What a correction made: the new document and the items whose text changed."""

    document: IssueDocument
    corrected: list


def issue_correction(issue, actor, *, reason, version, items) -> Correction:
    """发布更正版: correct the items' text and print the issue again, marked 更正版.

    Only signers and admins; the issue must be issued; ``reason`` is required;
    ``version`` is the issue version the form was loaded at (a correction in
    between raises StaleVersionError); ``items`` maps item id → {"title",
    "body"} as typed. Each item whose text changed is sanitised, saved with a
    revision and an event. The PDF keeps the issue's number; the original and
    earlier documents stay untouched. A correction that changes no text is
    allowed: it prints the issue again (e.g. after a font or layout fix). If
    rendering fails nothing changes.
    """
    reason = (reason or "").strip()
    _require_role(actor, "correct", issue)
    if not reason:
        raise WorkflowError("请填写更正原因。")
    document = None
    try:
        with transaction.atomic():
            locked = _lock(issue)
            _require_state(locked, "correct")
            if int(version) != locked.version:
                raise StaleVersionError(
                    "本期在您打开更正页面之后已有变动（可能他人已发布更正版），"
                    "您的更正未生效。您填写的内容仍保留在下方，"
                    "请复制保留后刷新页面，核对最新内容再提交。"
                )
            rows = {
                row.pk: row
                for row in Item.objects.filter(issue=locked, pk__in=list(items))
            }
            if len(rows) != len(items):
                raise WorkflowError("本期稿件已有变动，请刷新页面后重试。")
            changed_ids = [
                pk
                for pk in sorted(rows)
                if correct_item_text(
                    rows[pk],
                    actor,
                    title=items[pk]["title"],
                    body=items[pk]["body"],
                    reason=reason,
                )
            ]
            corrected = list(Item.objects.filter(pk__in=changed_ids).order_by("pk"))
            files = _render(
                locked,
                number_label=locked.number_label,
                is_correction=True,
                outcome="更正未发布，稿件文字未改动，可修复后重试。",
            )
            document = _store_document(
                locked, files, actor, is_correction=True, reason=reason
            )
            _bump_version(locked)
            titles = "、".join(f"《{row.title}》" for row in corrected)
            changed = f"更正稿件{titles}" if corrected else "文字未改动，重新印发"
            _event(
                locked,
                actor,
                "correction",
                comment=f"{reason}（{changed}；PDF SHA-256 {document.sha256}）",
            )
            notify(
                selectors.reader_recipients(locked),
                title=f"《{locked.publication.name}》{locked.number_label}发布更正版",
                body=reason,
                url=_issue_url(locked),
            )
    except BaseException:
        if document is not None:
            _delete_files(document)
        raise
    return Correction(document, corrected)


def store_original_document(issue, actor) -> IssueDocument | None:
    """Render and store the original PDF of an issue issued outside this system
    (the demo seed, an import); None when it already has its documents.

    The issue must be issued (numbered, distribution frozen).
    """
    with transaction.atomic():
        locked = _lock(issue)
        if locked.status != S.ISSUED or locked.number is None:
            raise WorkflowError("只有已签发的期才能存档 PDF。")
        if locked.documents.exists():
            return None
        files = _render(locked, number_label=locked.number_label)
        document = _store_document(locked, files, actor)
        _bump_version(locked)  # the reading page offers the new PDF at once
        record_event(
            actor=actor,
            action="issue_document_stored",
            obj=locked,
            reason=f"存档原版 PDF，SHA-256 {document.sha256}",
        )
    return document


# -- download ------------------------------------------------------------------


def read_verified_document(document, actor) -> bytes:
    """The stored PDF's bytes after checking them against the stored SHA-256.

    Records the download; a missing or altered file raises
    DocumentIntegrityError and records a failed audit event instead.
    """
    data = _verified_bytes(document, actor)
    record_event(actor=actor, action="pdf_download", obj=document)
    return data


def _verified_bytes(document, actor, *, docx=False) -> bytes:
    stored, expected = (
        (document.docx, document.docx_sha256)
        if docx
        else (document.file, document.sha256)
    )
    try:
        # A handle of its own: FieldFile.open() reuses one on the instance.
        with stored.storage.open(stored.name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError, OSError):
        data = None
    if data is None or hashlib.sha256(data).hexdigest() != expected:
        problem = "文件缺失" if data is None else "SHA-256 不符"
        kind = "Word 文件" if docx else ""
        record_event(
            actor=actor,
            action="pdf_integrity_failure",
            obj=document,
            result=AuditEvent.Result.FAILURE,
            reason=f"{document}{kind}：{problem}（应为 {expected}）",
        )
        raise DocumentIntegrityError(
            "这份 PDF 未通过完整性校验（文件与签发时保存的 SHA-256 不一致或已缺失），"
            "为防止传播被改动的文件，系统拒绝提供下载。已记录此事件，请联系管理员。"
        )
    return data


def read_verified_docx(document, actor) -> bytes:
    """The stored .docx after its SHA-256 check, for editors and signers (the
    .docx carries no reader's mark). Records the download; an altered or
    missing file raises DocumentIntegrityError, recorded."""
    data = _verified_bytes(document, actor, docx=True)
    record_event(actor=actor, action="docx_download", obj=document)
    return data


class DownloadedCopy(NamedTuple):
    """A numbered copy (份号 ``number``) as given to one user."""

    data: bytes
    number: int
    is_marked: bool


def copy_number_label(number: int) -> str:
    """GB/T 9704's 份号: six Arabic digits."""
    return f"{number:06d}"


def download_copy(document, actor) -> DownloadedCopy:
    """Give ``actor`` a numbered copy of an issue's stored PDF.

    The SHA-256 check runs first (an altered or missing file raises
    DocumentIntegrityError, recorded). The issue row is the copy counter,
    locked so numbers stay unique under concurrent downloads. Editors and
    signers get the original bytes; everyone else gets them with a diagonal
    watermark on every page (name, unit, time, copy number) and, for a
    classified issue, the 份号 in the masthead. The copy and its audit event are
    written in the same transaction: a copy that cannot be marked uses no
    number. The stored file and its hash are never touched.
    """
    original = _verified_bytes(document, actor)
    marked = not permissions.may_take_original(actor)
    try:
        with transaction.atomic():
            issue = Issue.objects.select_for_update().get(pk=document.issue_id)
            number = issue.last_copy_number + 1
            # Only the counter: an UPDATE of the one column, not a save().
            Issue.objects.filter(pk=issue.pk).update(last_copy_number=number)
            data = original
            if marked:
                who, when = selectors.reader_mark(actor, timezone.now())
                label = copy_number_label(number)
                data = stamp_pdf(
                    original,
                    [who, f"{when}　第{label}份"],
                    copy_number=label if issue.is_classified else "",
                )
            IssueCopy.objects.create(
                issue=issue,
                document=document,
                number=number,
                recipient=actor,
                is_marked=marked,
            )
            kind = "加标记" if marked else "原版（未加标记）"
            record_event(
                actor=actor,
                action="pdf_download",
                obj=document,
                reason=f"第{copy_number_label(number)}份，{kind}",
            )
    except StampError as exc:
        record_event(
            actor=actor,
            action="pdf_download",
            obj=document,
            result=AuditEvent.Result.FAILURE,
            reason=str(exc),
        )
        raise DocumentError(str(exc)) from exc
    return DownloadedCopy(data, number, marked)


def document_filename(document) -> str:
    """工作简报第12期.pdf, or 工作简报第12期（更正版）.pdf."""
    issue = document.issue
    suffix = "（更正版）" if document.is_correction else ""
    return f"{issue.publication.name}第{issue.number}期{suffix}.pdf"
