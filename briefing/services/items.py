"""Item workflow actions: the ONLY code that changes an item's state.

Each function is one move of ``briefing.workflow.TRANSITIONS``: it runs in a
transaction, locks the item row, checks the source state, the actor's role and
(when given) the version the user loaded, writes with ``update_fields``, bumps
``version``, writes an ``ItemEvent`` and an audit event, and queues
notifications for after the commit.
"""

import datetime
import uuid
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F, Max, Q
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event
from briefing import same_event, workflow
from briefing.duplicates import band_keys, body_text, pack, shingles
from briefing.hygiene import Tidied, UnitNames, char_count, tidy_body
from briefing.models import (
    Attachment,
    DuplicateDecision,
    EditorImage,
    Issue,
    Item,
    ItemBandKey,
    ItemEvent,
    ItemFingerprint,
    ItemRevision,
    UrgentCategory,
)
from briefing.sanitize import IMAGE_URL_RE, clean_html, html_to_text, search_text
from briefing.services.errors import StaleVersionError, WorkflowError
from briefing.services.positions import ensure_issue_section, last_item_position
from briefing.uploads import ATTACHMENT_TYPES, check_upload, store_editor_image
from core import roles
from departments.models import Department, Membership
from notifications.services import notify
from notifications.sms import send_sms

S = Item.Status


# --- helpers -----------------------------------------------------------------


def _lock(item) -> Item:
    return (
        Item.objects.select_for_update()
        .select_related("department", "author")
        .get(pk=item.pk)
    )


def _holder_text(item) -> str:
    if item.claimed_by_id is None:
        return ""
    holder = item.claimed_by
    since = timezone.localtime(item.claimed_at).strftime("%m-%d %H:%M")
    return f"（{holder.get_full_name() or holder.username} 于 {since} 领取）"


def _check(item, actor, move, version=None) -> workflow.Transition:
    """Refuse with a clear message unless ``actor`` may make ``move`` now."""
    state = workflow.state_of(item)
    t = workflow.transition(move, state)
    label = workflow.MOVES[move]
    if t is None:
        raise WorkflowError(
            f"稿件当前状态为“{workflow.STATE_LABELS[state]}”{_holder_text(item)}，"
            f"不能执行“{label}”。请刷新页面查看最新情况。"
        )
    if not t.roles & workflow.roles_of(actor, item):
        if item.status == S.EDITING and workflow.EDITOR in workflow.roles_of(
            actor, item
        ):
            raise WorkflowError(
                f"稿件正由他人处理{_holder_text(item)}，您不能执行“{label}”。"
            )
        raise WorkflowError(f"您无权对这篇稿件执行“{label}”。")
    if version is not None and int(version) != item.version:
        raise StaleVersionError(
            "稿件在您打开之后已被他人修改或处理，您的操作未执行。请刷新页面后重试。"
        )
    return t


def _status_label(status) -> str:
    return S(status).label if status in S.values else "—"


def _event(item, actor, move, from_status, comment=""):
    ItemEvent.objects.create(
        item=item,
        actor=actor,
        action=move,
        from_status=from_status,
        to_status=item.status,
        comment=comment,
    )
    record_event(
        actor=actor,
        action=f"item.{move}",
        obj=item,
        reason=f"{_status_label(from_status)}→{item.get_status_display()}"
        + (f"：{comment}" if comment else ""),
    )


def _move(item, actor, move, to_status, fields=(), comment=""):
    """Write the new state (plus ``fields``), bump the version, log the event."""
    from_status = item.status
    item.status = to_status
    item.version = F("version") + 1
    item.save(update_fields=["status", "version", "updated_at", *fields])
    item.refresh_from_db(fields=["version", "updated_at"])
    _event(item, actor, move, from_status, comment)
    return item


def _store_revision(item, actor, note) -> ItemRevision:
    last = item.revisions.aggregate(n=Max("number"))["n"] or 0
    return ItemRevision.objects.create(
        item=item,
        number=last + 1,
        title=item.title,
        body=item.body,
        author=actor,
        note=note,
    )


def _url(item) -> str:
    return reverse("briefing:item_detail", args=[item.pk])


def editors():
    """Active users who hold the editor permission."""
    app_label, codename = roles.EDIT_PERM.split(".")
    perm = Q(
        groups__permissions__codename=codename,
        groups__permissions__content_type__app_label=app_label,
    ) | Q(
        user_permissions__codename=codename,
        user_permissions__content_type__app_label=app_label,
    )
    return get_user_model().objects.filter(perm, is_active=True).distinct()


def unit_reviewers(department):
    return get_user_model().objects.filter(
        is_active=True,
        membership__department=department,
        membership__role=Membership.Role.REVIEWER,
    )


def unit_names(department) -> UnitNames:
    """Every unit's names, those of ``department`` marked as the item's own."""
    own, others = set(), {}
    for pk, name, short_name in Department.objects.values_list(
        "pk", "name", "short_name"
    ):
        if pk == department.pk:
            own.update((name, short_name))
        else:
            others.setdefault(name, short_name)
            others.setdefault(short_name, short_name)
    return UnitNames(own=frozenset(own), others=others)


def _text_fields(title, body, department) -> tuple[dict, Tidied]:
    """The stored text fields, sanitised and tidied, and what tidying did."""
    title = (title or "").strip()
    tidied = tidy_body(title, clean_html(body), unit_names(department))
    fields = {
        "title": title,
        "body": tidied.body,
        "search_text": search_text(title, tidied.body),
        "char_count": char_count(html_to_text(tidied.body)),
    }
    return fields, tidied


# A clock a few minutes ahead on the clerk's computer is not an error.
EVENT_TIME_SLACK = datetime.timedelta(minutes=5)


def _urgent_fields(is_urgent, urgent_category, event_at) -> dict:
    """The 紧急 mark as stored: category and event time only when urgent."""
    if not is_urgent:
        return {"is_urgent": False, "urgent_category": "", "event_at": None}
    if urgent_category not in UrgentCategory.values:
        raise WorkflowError("紧急信息请选择类别。")
    if event_at is None:
        raise WorkflowError("紧急信息请填写事件发生时间。")
    if event_at > timezone.now() + EVENT_TIME_SLACK:
        raise WorkflowError("事件发生时间不能晚于现在。")
    return {"is_urgent": True, "urgent_category": urgent_category, "event_at": event_at}


def index_for_duplicates(item) -> None:
    """Replace the item's band keys and fingerprint (briefing.duplicates,
    briefing.same_event) after its text changed."""
    text = body_text(item.search_text)
    hashes = shingles(text)
    ItemBandKey.objects.filter(item=item).delete()
    ItemBandKey.objects.bulk_create(
        ItemBandKey(item=item, key=key, item_created_at=item.created_at)
        for key in set(band_keys(hashes))
    )
    ItemFingerprint.objects.update_or_create(
        item=item,
        defaults={
            "shingles": pack(hashes),
            "facts": "\n".join(sorted(same_event.facts(text))),
        },
    )


def _tie_images(item, actor) -> None:
    """Tie the images in the item's text that ``actor`` uploaded and no item
    holds yet to this item: from now on whoever may see it sees them."""
    names = [url.rsplit("/", 1)[1] for url in IMAGE_URL_RE.findall(item.body)]
    if names:
        EditorImage.objects.filter(
            name__in=names, uploaded_by=actor, item__isnull=True
        ).update(item=item)


def upload_editor_image(actor, uploaded) -> str:
    """Check and store an image pasted into the editor; return its file name.

    Only its uploader sees it until they save it in an item's text.
    """
    name = store_editor_image(uploaded)
    EditorImage.objects.create(name=name, uploaded_by=actor)
    return name


# --- clerk: write, submit, withdraw -------------------------------------------


@transaction.atomic
def create_item(
    actor,
    *,
    title,
    body="",
    suggested_section=None,
    contact_name="",
    contact_phone="",
    is_urgent=False,
    urgent_category="",
    event_at=None,
) -> Item:
    """Save a new draft for the actor's unit. Only a clerk may."""
    if not roles.is_clerk(actor):
        raise WorkflowError("只有单位信息员可以新建稿件。")
    department = actor.membership.department
    text_fields, tidied = _text_fields(title, body, department)
    if not text_fields["title"]:
        raise WorkflowError("请填写标题。")
    urgent = _urgent_fields(is_urgent, urgent_category, event_at)
    item = Item.objects.create(
        department=department,
        author=actor,
        **text_fields,
        **urgent,
        suggested_section=suggested_section,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        status=S.DRAFT,
    )
    _tie_images(item, actor)
    _event(item, actor, "create", "")
    index_for_duplicates(item)
    item.tidied = tidied
    return item


@transaction.atomic
def update_item(
    item,
    actor,
    *,
    version,
    title,
    body="",
    suggested_section=None,
    contact_name="",
    contact_phone="",
    is_urgent=False,
    urgent_category="",
    event_at=None,
) -> Item:
    """Save the clerk's changes, refusing if someone saved a newer version.

    Preconditions: state allows "edit" (草稿/已退回/已撤回) and actor is a clerk of
    the unit; ``version`` is the version the form was loaded at.
    """
    locked = _lock(item)
    _check(locked, actor, "edit")
    text_fields, tidied = _text_fields(title, body, locked.department)
    if not text_fields["title"]:
        raise WorkflowError("请填写标题。")
    urgent = _urgent_fields(is_urgent, urgent_category, event_at)
    # The conditional UPDATE is what makes a lost edit impossible.
    updated = Item.objects.filter(pk=locked.pk, version=int(version)).update(
        **text_fields,
        **urgent,
        suggested_section=suggested_section,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise StaleVersionError(
            "保存失败：稿件在您打开之后已被修改（可能是您在另一个窗口保存过）。"
            "您填写的内容仍在下方，请复制保留后刷新页面再合并修改。"
        )
    locked.refresh_from_db()
    _tie_images(locked, actor)
    record_event(actor=actor, action="item.edit", obj=locked)
    index_for_duplicates(locked)
    locked.tidied = tidied
    return locked


def save_draft(actor, item=None, *, version=None, **fields) -> Item:
    """Create the draft, or update it when ``item`` is given."""
    if item is None:
        return create_item(actor, **fields)
    return update_item(item, actor, version=version, **fields)


@transaction.atomic
def submit_item(item, actor, *, version=None) -> Item:
    """Send the item on: to the unit reviewer if the unit requires it, else editors."""
    locked = _lock(item)
    _check(locked, actor, "submit", version)
    if not locked.title.strip() or not (
        html_to_text(locked.body) or "<img" in locked.body
    ):
        raise WorkflowError("标题和正文都不能为空，请补充后再提交。")
    fields = ["claimed_by", "claimed_at", "keep_for_later"]
    locked.claimed_by = None
    locked.claimed_at = None
    locked.keep_for_later = False
    unit = locked.department
    skips_review = locked.is_urgent and unit.urgent_skips_review
    comment = ""
    if unit.requires_unit_review and not skips_review:
        target = S.PENDING_REVIEW
    else:
        target = S.SUBMITTED
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
        if unit.requires_unit_review:
            comment = "紧急信息，本单位规定免单位审核，直接报送"
    _move(locked, actor, "submit", target, fields, comment)
    _store_revision(locked, actor, "信息员提交")
    who = actor.get_full_name() or actor.username
    if target == S.PENDING_REVIEW:
        notify(
            unit_reviewers(locked.department),
            title=f"{_urgent_prefix(locked)}待审核：{locked.title}",
            body=f"{who} 提交了稿件，请审核。",
            url=_url(locked),
        )
    else:
        _tell_editors(locked, f"{locked.department.short_name} 报送了稿件。")
    return locked


def _urgent_prefix(item) -> str:
    return "【紧急】" if item.is_urgent else ""


def _tell_editors(item, body) -> None:
    """The item reached the editors: tell them after commit. An urgent item
    says so, with its category and event time, and goes by SMS as well."""
    if not item.is_urgent:
        notify(editors(), title=f"新稿件：{item.title}", body=body, url=_url(item))
        return
    at = timezone.localtime(item.event_at)
    event = f"{at.month}月{at.day}日 {at:%H:%M}"
    what = f"{item.get_urgent_category_display()}，事件发生于{event}"
    notify(
        editors(),
        title=f"【紧急】{item.title}",
        body=f"{body}（紧急信息：{what}）请即处理。",
        url=_url(item),
        purpose="urgent_item",
    )
    send_sms(
        settings.URGENT_SMS_NUMBERS,
        f"【简报系统】紧急信息：{item.department.short_name}报送《{item.title}》"
        f"（{what}），请即登录处理。",
    )


@transaction.atomic
def approve_item(item, actor, comment="", *, version=None) -> Item:
    """Unit reviewer's sign-off: the item goes on to the editors, with an
    optional opinion (审核意见) that the clerk and the editors see."""
    locked = _lock(item)
    _check(locked, actor, "approve", version)
    locked.submitted_at = timezone.now()
    comment = (comment or "").strip()
    _move(locked, actor, "approve", S.SUBMITTED, ["submitted_at"], comment)
    unit = locked.department.short_name
    _tell_editors(locked, f"{unit} 报送了稿件（已经单位审核）。")
    return locked


@transaction.atomic
def withdraw_item(item, actor, *, version=None) -> Item:
    """The clerk takes the item back before an editor claims it."""
    locked = _lock(item)
    _check(locked, actor, "withdraw", version)
    return _move(locked, actor, "withdraw", S.WITHDRAWN)


# --- reviewer or editor: return, not use ----------------------------------------


@transaction.atomic
def return_item(item, actor, comment, *, version=None) -> Item:
    """Send the item back to the clerk with a comment (required)."""
    comment = (comment or "").strip()
    locked = _lock(item)
    _check(locked, actor, "return", version)
    if not comment:
        raise WorkflowError("退回时必须填写修改意见。")
    locked.claimed_by = None
    locked.claimed_at = None
    _move(locked, actor, "return", S.RETURNED, ["claimed_by", "claimed_at"], comment)
    notify(
        [locked.author],
        title=f"稿件被退回：{locked.title}",
        body=f"退回意见：{comment}",
        url=_url(locked),
    )
    return locked


@transaction.atomic
def not_use_item(item, actor, reason, *, keep_for_later=False, version=None) -> Item:
    """Mark the item not used, with a reason; optionally 存档备用 (kept for later)."""
    reason = (reason or "").strip()
    locked = _lock(item)
    _check(locked, actor, "not_use", version)
    if not reason:
        raise WorkflowError("不采用时必须填写原因。")
    locked.claimed_by = None
    locked.claimed_at = None
    locked.keep_for_later = bool(keep_for_later)
    comment = reason + ("（存档备用）" if keep_for_later else "")
    _move(
        locked,
        actor,
        "not_use",
        S.NOT_USED,
        ["claimed_by", "claimed_at", "keep_for_later"],
        comment,
    )
    notify(
        [locked.author],
        title=f"稿件未采用：{locked.title}",
        body=f"原因：{comment}",
        url=_url(locked),
    )
    return locked


# --- editor: claim, release, edit -----------------------------------------------


@transaction.atomic
def claim_item(item, actor, *, version=None) -> Item:
    """An editor takes the item to work on it; others see who holds it."""
    locked = _lock(item)
    _check(locked, actor, "claim", version)
    if locked.status == S.NOT_USED and not locked.keep_for_later:
        raise WorkflowError("只有“存档备用”的未采用稿件可以重新领取。")
    locked.claimed_by = actor
    locked.claimed_at = timezone.now()
    return _move(locked, actor, "claim", S.EDITING, ["claimed_by", "claimed_at"])


@transaction.atomic
def release_item(item, actor, *, version=None) -> Item:
    """The holder (or an admin) gives the item back to the inbox."""
    locked = _lock(item)
    _check(locked, actor, "release", version)
    comment = "" if locked.claimed_by_id == actor.pk else f"释放{_holder_text(locked)}"
    locked.claimed_by = None
    locked.claimed_at = None
    return _move(
        locked, actor, "release", S.SUBMITTED, ["claimed_by", "claimed_at"], comment
    )


ISSUE_FROZEN = "该期已送签或已签发，稿件不能再修改；如需修改请由签发人退回。"


def issue_still_composed(item) -> bool:
    """An adopted item changes only while its issue is 组稿中 (or while it waits
    in the pool): once submitted for sign-off the signer signs exactly what they
    previewed."""
    return (
        item.status != S.ADOPTED or item.issue_id is None or _issue_composed(item.issue)
    )


def _issue_composed(issue) -> bool:
    """The issue's table has 组版 from its state (组稿中)."""
    return workflow.issue_transition("compose", issue.status) is not None


@transaction.atomic
def editor_save_item(item, actor, *, version, title, body, note="", files=()) -> Item:
    """The editor's copy-edit, stored as a new revision (the clerk's text is kept),
    with ``files`` added as attachments; all of it or none of it.

    Preconditions: the actor holds the item (编辑中), or it is adopted into an
    issue still being composed (组稿中).
    """
    locked = _lock(item)
    _check(locked, actor, "editor_save")
    if not issue_still_composed(locked):
        raise WorkflowError(ISSUE_FROZEN)
    text_fields, tidied = _text_fields(title, body, locked.department)
    if not text_fields["title"]:
        raise WorkflowError("请填写标题。")
    updated = Item.objects.filter(pk=locked.pk, version=int(version)).update(
        **text_fields,
        version=F("version") + 1,
        updated_at=timezone.now(),
    )
    if updated != 1:
        raise StaleVersionError(
            "保存失败：稿件在您打开之后已被他人修改。"
            "您的修改仍在下方，请复制保留后刷新页面再合并修改。"
        )
    locked.refresh_from_db()
    _tie_images(locked, actor)
    _store_revision(locked, actor, (note or "编辑修改").strip()[:100])
    ItemEvent.objects.create(
        item=locked,
        actor=actor,
        action="editor_save",
        from_status=locked.status,
        to_status=locked.status,
        comment=note.strip(),
    )
    record_event(actor=actor, action="item.editor_save", obj=locked)
    index_for_duplicates(locked)
    for uploaded in files:
        add_attachment(locked, actor, uploaded)
    locked.tidied = tidied
    return locked


# --- adopting: into an issue, or into the pool (待编入) ----------------------------


def _lock_issue(issue) -> Issue | None:
    # Lock order: issue, then item (as every issue-level service does).
    if issue is None:
        return None
    return Issue.objects.select_for_update().get(pk=issue.pk)


def _place(locked, issue, section) -> list[str]:
    """Put the locked item last in ``section`` of ``issue`` (组稿中); returns
    the fields changed."""
    if not _issue_composed(issue):
        raise WorkflowError(f"“{issue}”已不在组稿中，不能再编入稿件。")
    if section is None:
        raise WorkflowError("请选择栏目。")
    ensure_issue_section(issue, section)
    locked.issue = issue
    locked.section = section
    locked.position = last_item_position(issue, section) + 1
    return ["issue", "section", "position"]


@transaction.atomic
def adopt_item(item, issue, section, actor, *, version=None) -> Item:
    """Adopt the item into ``section`` of ``issue`` (组稿中), placed last there;
    with no ``issue``, into the pool (已采用，待编入) to be placed later.

    Either way it counts as 采用 from now (assessment counts the adopt event).
    """
    locked_issue = _lock_issue(issue)
    locked = _lock(item)
    _check(locked, actor, "adopt", version)
    fields = ["claimed_by", "claimed_at"]
    if locked_issue is not None:
        fields += _place(locked, locked_issue, section)
        comment = f"采用至{locked_issue}【{section.name}】"
        body = f"您的稿件已被采用，编入“{locked_issue}”【{section.name}】栏目。"
    else:
        comment = "采用，待编入"
        body = "您的稿件已被采用，待编入简报。"
    locked.claimed_by = None
    locked.claimed_at = None
    _move(locked, actor, "adopt", S.ADOPTED, fields, comment)
    notify(
        [locked.author],
        title=f"稿件已采用：{locked.title}",
        body=body,
        url=_url(locked),
    )
    return locked


@transaction.atomic
def place_item(item, issue, section, actor, *, version=None) -> Item:
    """编入本期: a pooled item goes last into ``section`` of ``issue`` (组稿中)."""
    locked_issue = _lock_issue(issue)
    locked = _lock(item)
    _check(locked, actor, "place", version)
    fields = _place(locked, locked_issue, section)
    _move(
        locked,
        actor,
        "place",
        S.ADOPTED,
        fields,
        f"编入{locked_issue}【{section.name}】",
    )
    notify(
        [locked.author],
        title=f"稿件已编入简报：{locked.title}",
        body=f"您的稿件已编入“{locked_issue}”【{section.name}】栏目。",
        url=_url(locked),
    )
    return locked


def _locked_in_issue(item, actor, move, version):
    """Lock the item's issue and the item for a move out of the issue (组稿中)."""
    locked_issue = _lock_issue(item.issue) if item.issue_id is not None else None
    locked = _lock(item)
    _check(locked, actor, move, version)
    if locked_issue is None or locked_issue.pk != locked.issue_id:
        raise WorkflowError("稿件所在的期已变化，请刷新页面后重试。")
    if not _issue_composed(locked_issue):
        raise WorkflowError(f"“{locked_issue}”已不在组稿中，不能撤出稿件。")
    locked.issue = None
    locked.section = None
    locked.position = None
    return locked, locked_issue


@transaction.atomic
def return_to_pool(item, actor, *, version=None) -> Item:
    """移回待编池: out of its issue (组稿中), still adopted, to be placed later."""
    locked, issue = _locked_in_issue(item, actor, "to_pool", version)
    return _move(
        locked,
        actor,
        "to_pool",
        S.ADOPTED,
        ["issue", "section", "position"],
        f"从{issue}移回待编池",
    )


@transaction.atomic
def remove_from_issue(item, actor, *, version=None) -> Item:
    """撤出本期: the item goes back to editing (held by the actor)."""
    locked, issue = _locked_in_issue(item, actor, "remove_from_issue", version)
    locked.claimed_by = actor
    locked.claimed_at = timezone.now()
    return _move(
        locked,
        actor,
        "remove_from_issue",
        S.EDITING,
        ["issue", "section", "position", "claimed_by", "claimed_at"],
        f"撤出{issue}",
    )


@transaction.atomic
def unadopt_item(item, actor, *, version=None) -> Item:
    """撤销采用: a pooled item goes back to editing (held by the actor), from
    where it may be returned, not used or adopted again."""
    locked = _lock(item)
    _check(locked, actor, "unadopt", version)
    locked.claimed_by = actor
    locked.claimed_at = timezone.now()
    return _move(
        locked,
        actor,
        "unadopt",
        S.EDITING,
        ["claimed_by", "claimed_at"],
        "撤销采用（原在待编池）",
    )


# --- the inbox's batch actions -------------------------------------------------


class BatchOutcome(NamedTuple):
    done: list[Item]
    refused: list[tuple[Item, str]]  # the item and why, in words for the user


# The moves the inbox makes on ticked items, each by its item-page service.
BATCH_MOVES = {
    "adopt": lambda item, actor, text, version: adopt_item(
        item, None, None, actor, version=version
    ),
    "return": lambda item, actor, text, version: return_item(
        item, actor, text, version=version
    ),
    "not_use": lambda item, actor, text, version: not_use_item(
        item, actor, text, version=version
    ),
}


def move_each(items, actor, move, text="", *, versions=None) -> BatchOutcome:
    """``move`` (采用 into the pool, 退回, 不采用) on each of ``items``.

    Each item goes through the same service as on the item page, in its own
    transaction with its own event and audit row. An item that cannot make the
    move now (another state, changed since ``versions`` were read — so a
    second submit moves nothing twice) is refused with the reason; the others
    go through.
    """
    versions = versions or {}
    done, refused = [], []
    for item in items:
        try:
            done.append(BATCH_MOVES[move](item, actor, text, versions.get(item.pk)))
        except WorkflowError as exc:
            refused.append((item, exc.message))
    return BatchOutcome(done, refused)


# --- 疑似重复: the editor's decisions -------------------------------------------


def _item_label(item) -> str:
    return f"{item.department.short_name}《{item.title}》"


def _decide(item, other, actor, kind, reason):
    """Lock both items (lower id first), check the actor and that the pair is
    undecided, store the decision and write the event on ``item``."""
    if not roles.is_editor(actor):
        raise WorkflowError("只有编辑可以处理疑似重复。")
    if item.pk == other.pk:
        raise WorkflowError("不能与稿件自身比较。")
    first, second = sorted([item.pk, other.pk])
    locked = {
        row.pk: row
        for row in Item.objects.select_for_update()
        .select_related("department", "author")
        .filter(pk__in=[first, second])
        .order_by("pk")
    }
    locked_item, locked_other = locked[item.pk], locked[other.pk]
    if DuplicateDecision.objects.filter(
        Q(item=locked_item, other=locked_other)
        | Q(item=locked_other, other=locked_item)
    ).exists():
        raise WorkflowError("这两篇稿件的疑似重复已经处理过，请刷新页面查看。")
    decision = DuplicateDecision.objects.create(
        item=locked_item, other=locked_other, kind=kind, reason=reason, decided_by=actor
    )
    return locked_item, locked_other, decision


@transaction.atomic
def clear_duplicate(item, other, actor, reason) -> DuplicateDecision:
    """The editor judges ``other`` not a duplicate of ``item`` and goes on;
    the reason is stored, shown on the item and audited. Editors only."""
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError("请填写理由：为什么这两篇不是重复稿件。")
    locked, locked_other, decision = _decide(
        item, other, actor, DuplicateDecision.Kind.PROCEED, reason
    )
    _event(
        locked,
        actor,
        "duplicate_proceed",
        locked.status,
        f"与{_item_label(locked_other)}不是重复：{reason}",
    )
    return decision


@transaction.atomic
def merge_duplicate(kept, other, actor, *, version=None) -> DuplicateDecision:
    """Close ``other`` as merged into ``kept`` (未采用, “已合并到《…》”), both
    items' timelines and the audit log say so. The two must be of different
    units; ``other`` must be one the editor may still not use. The 合报 units
    are set by the caller (assessment.services.merge_into_joint_item)."""
    if kept.department_id == other.department_id:
        raise WorkflowError(
            "两篇稿件来自同一单位，无需合报：请对重复的一篇选择“不采用”。"
        )
    locked, locked_other, decision = _decide(
        kept,
        other,
        actor,
        DuplicateDecision.Kind.MERGE,
        f"合并{_item_label(other)}",
    )
    if locked.status == S.PUBLISHED:
        # The issued PDF names the kept item's units; they stay as printed.
        raise WorkflowError(
            f"《{locked.title}》已随“{locked.issue}”签发，不能再合报；"
            "请对另一篇选择“不采用”并注明理由。"
        )
    not_use_item(locked_other, actor, f"已合并到《{locked.title}》", version=version)
    _event(
        locked,
        actor,
        "duplicate_merge",
        locked.status,
        f"合并{_item_label(locked_other)}，两单位合报",
    )
    return decision


def publish_items_of_issue(issue, actor) -> int:
    """Mark every adopted item of ``issue`` 已刊发; returns how many.

    Called by the issue sign-off inside its own transaction (the issue row is
    already locked there); ``actor`` is the signer.
    """
    with transaction.atomic():
        items = list(
            Item.objects.select_for_update()
            .select_related("author")
            .filter(issue=issue, status=S.ADOPTED)
            .order_by("pk")
        )
        for item in items:
            _check(item, actor, "publish")
            _move(item, actor, "publish", S.PUBLISHED, comment=f"随{issue}签发")
            notify(
                [item.author],
                title=f"稿件已刊发：{item.title}",
                body=f"您的稿件已随“{issue}”签发。",
                url=_url(item),
            )
        return len(items)


# --- attachments ---------------------------------------------------------------


def _may_change_files(item, actor) -> bool:
    """The clerk while they may edit; the editor in the states of editor_save."""
    return workflow.allows(actor, item, "edit") or (
        workflow.allows(actor, item, "editor_save") and issue_still_composed(item)
    )


@transaction.atomic
def add_attachment(item, actor, uploaded) -> Attachment:
    """Attach a checked file (type by content, size limit) to the item."""
    locked = _lock(item)
    if not _may_change_files(locked, actor):
        raise WorkflowError("稿件当前状态下不能添加附件。")
    ext = check_upload(uploaded)
    attachment = Attachment(
        item=locked,
        original_name=uploaded.name[:200],
        size=uploaded.size,
        content_type=ATTACHMENT_TYPES[ext],
        uploaded_by=actor,
    )
    attachment.file.save(f"{uuid.uuid4().hex}.{ext}", uploaded, save=False)
    attachment.save()
    record_event(
        actor=actor, action="item.attachment_add", obj=locked, reason=uploaded.name
    )
    return attachment


@transaction.atomic
def remove_attachment(attachment, actor) -> None:
    """Delete an attachment while the item may still be changed."""
    locked = _lock(attachment.item)
    if not _may_change_files(locked, actor):
        raise WorkflowError("稿件当前状态下不能删除附件。")
    name = attachment.original_name
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(stored))
    record_event(actor=actor, action="item.attachment_remove", obj=locked, reason=name)


# --- the clerk's form, in one transaction ---------------------------------------


@transaction.atomic
def save_item(actor, item=None, *, version=None, files=(), submit=False, **fields):
    """Save the clerk's form (new or existing), add its files, submit if asked.

    All of it happens or none of it does. The item returned carries ``tidied``:
    what the paste hygiene changed and warns about.
    """
    item = save_draft(actor, item, version=version, **fields)
    for uploaded in files:
        add_attachment(item, actor, uploaded)
    if submit:
        tidied = item.tidied
        item = submit_item(item, actor)
        item.tidied = tidied
    return item


# --- correcting an issued issue ---------------------------------------------------


def correct_item_text(item, actor, *, title, body, reason) -> bool:
    """更正: replace the printed text of an item of an issued issue.

    Called by the issue correction inside its transaction, with the issue row
    already locked; checks nothing about the actor (the issue service does).
    Stores a revision noted 更正 and a "correct" event; returns False and writes
    nothing when the text is unchanged.
    """
    locked = _lock(item)
    if locked.status != S.PUBLISHED:
        raise WorkflowError(f"《{locked.title}》不是已刊发的稿件，不能更正。")
    text_fields, _tidied = _text_fields(title, body, locked.department)
    if not text_fields["title"]:
        raise WorkflowError(f"《{locked.title}》的标题不能为空。")
    if text_fields["title"] == locked.title and text_fields["body"] == clean_html(
        locked.body
    ):
        return False
    for name, value in text_fields.items():
        setattr(locked, name, value)
    locked.version = F("version") + 1
    locked.save(update_fields=[*text_fields, "version", "updated_at"])
    locked.refresh_from_db(fields=["version", "updated_at"])
    _tie_images(locked, actor)
    _store_revision(locked, actor, "更正")
    index_for_duplicates(locked)
    ItemEvent.objects.create(
        item=locked,
        actor=actor,
        action="correct",
        from_status=locked.status,
        to_status=locked.status,
        comment=reason,
    )
    record_event(actor=actor, action="item.correct", obj=locked, reason=reason)
    return True
