"""Read queries about issues: who may see which, their content, their print HTML."""

import functools
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.db.models.expressions import RawSQL
from django.utils import timezone

from briefing.models import (
    DistributionRecipients,
    Issue,
    IssueDocument,
    IssueSection,
    Item,
    Publication,
    RecipientGroup,
)
from briefing.page_estimate import estimate_pages
from briefing.permissions import can_see_all_issues, may_read
from briefing.print_layout import issue_print_html
from briefing.services.errors import WorkflowError
from briefing.uploads import images_for_print
from core import roles
from core.sql import fetch_all, tables

# IssueEvent.action → label on the timeline; actions other code writes on an
# issue (e.g. 采用) show as they are.
ACTION_LABELS = {
    "create": "新建",
    "update": "修改设置",
    "reorder_sections": "调整栏目顺序",
    "reorder_items": "调整稿件顺序",
    "move_item": "调整稿件栏目",
    "remove_section": "移除空栏目",
    "submit": "提交签发",
    "send_back": "退回修改",
    "sign_off": "签发",
    "correction": "发布更正版",
}


# --- who may see which issue -------------------------------------------------


def reader_list_ids(user) -> list[int]:
    """The distribution lists that name ``user``: in a group, by name, or,
    for a unit's clerk or reviewer, by their unit (or all units).

    Read once per request's user object: a page asks several times.
    """
    if not hasattr(user, "_reader_list_ids"):
        naming = _naming(user)
        rows = fetch_all(DistributionRecipients, naming.sql, naming.params)
        user._reader_list_ids = sorted({row[0] for row in rows})
    return user._reader_list_ids


def _naming(user) -> RawSQL:
    """The ids of the distribution lists that name ``user``, as a subquery.

    Written out in SQL, not built with the ORM: every reading page asks, and
    building its joins cost several times what the database takes to answer.
    """
    m = roles.membership(user)
    unit = m.department_id if m is not None else None
    return RawSQL(_naming_sql(), [user.pk, user.pk, unit is not None, unit])


@functools.cache
def _naming_sql() -> str:
    """The ids of the distribution lists whose recipients name a user (user
    id twice, whether they are in a unit, their unit's id)."""
    recipients = DistributionRecipients
    t = tables(
        recipients=recipients,
        groups=recipients.groups.through,
        members=RecipientGroup.members.through,
        users=recipients.users.through,
        units=recipients.departments.through,
    )
    return (
        f"SELECT r.distribution_list_id FROM {t['recipients']} r WHERE r.id IN ("
        f"SELECT g.distributionrecipients_id FROM {t['groups']} g"
        f" JOIN {t['members']} m ON m.recipientgroup_id = g.recipientgroup_id"
        " WHERE m.user_id = %s)"
        f" OR r.id IN (SELECT u.distributionrecipients_id FROM {t['users']} u"
        " WHERE u.user_id = %s)"
        # A unit's member: lists for every unit, or naming theirs.
        " OR (%s AND (r.all_units OR r.id IN ("
        f"SELECT d.distributionrecipients_id FROM {t['units']} d"
        " WHERE d.department_id = %s)))"
    )


def readable_lists(user) -> set[int] | None:
    """Whose issues ``user`` may read: None for every issued issue (editors,
    signers, admins), else the ids of the distribution lists naming them
    (readers, 领导; a unit's members through their unit); an empty set for
    anyone else."""
    if not user.is_authenticated:
        return set()
    if can_see_all_issues(user):
        return None
    if may_read(user):
        return set(reader_list_ids(user))
    return set()


def readable_issues(user, *, lists_in_query=False) -> QuerySet[Issue]:
    """The issued issues ``user`` may read online (``readable_lists``).

    The list ids go in as a literal list: the planner estimates the rows well;
    as a subquery with an OR over two joins it guessed one row and then
    computed the search function for every item. ``lists_in_query``: as a
    subquery all the same, for one issue looked up by its key (the reading
    page: one query instead of two).
    """
    issues = Issue.objects.filter(status=Issue.Status.ISSUED).select_related(
        "publication"
    )
    if lists_in_query and user.is_authenticated and not can_see_all_issues(user):
        if not may_read(user):
            return issues.none()
        return issues.filter(distribution_list_id__in=_naming(user))
    lists = readable_lists(user)
    if lists is None:
        return issues
    return issues.filter(distribution_list_id__in=sorted(lists))


def get_readable_issue(user, pk) -> Issue | None:
    """The issued issue if ``user`` may read it, else None."""
    return (
        readable_issues(user).select_related("distribution_list").filter(pk=pk).first()
    )


def visible_issues(user) -> QuerySet[Issue]:
    """The issues ``user`` may see: all for editors, signers and admins; the
    issued ones they may read (``readable_issues``) for anyone else."""
    if can_see_all_issues(user):
        return Issue.objects.select_related("publication")
    return readable_issues(user)


def get_visible_issue(user, pk) -> Issue | None:
    """The issue, or None when it does not exist or ``user`` may not see it."""
    return visible_issues(user).filter(pk=pk).first()


def get_visible_document(user, issue_pk, document_pk) -> IssueDocument | None:
    """One of the files of an issue ``user`` may see (``visible_issues``), or
    None."""
    return _document_of(visible_issues(user), issue_pk, document_pk)


def get_readable_document(user, issue_pk, document_pk) -> IssueDocument | None:
    """One of the files of an issue ``user`` may read online
    (``readable_issues``: issued ones only), or None."""
    return _document_of(readable_issues(user), issue_pk, document_pk)


def _document_of(issues, issue_pk, document_pk) -> IssueDocument | None:
    issue = issues.filter(pk=issue_pk).first()
    if issue is None:
        return None
    return (
        issue.documents.select_related("issue__publication")
        .filter(pk=document_pk)
        .first()
    )


@dataclass
class IssueLists:
    pending: list = field(default_factory=list)
    drafts: list = field(default_factory=list)
    issued: list = field(default_factory=list)


def issue_lists(user, issued_limit=50) -> IssueLists:
    """The issue list page: 待签发 and 组稿中 for those who see them, then 已签发."""
    issues = visible_issues(user).order_by("-issue_date", "-id")
    lists = IssueLists(
        issued=list(issues.filter(status=Issue.Status.ISSUED)[:issued_limit])
    )
    if can_see_all_issues(user):
        lists.pending = list(issues.filter(status=Issue.Status.PENDING_SIGNOFF))
        lists.drafts = list(issues.filter(status=Issue.Status.DRAFT))
    return lists


def issue_sections(issue) -> list[IssueSection]:
    """The issue's sections in order, each with ``placed_items`` in order."""
    items = (
        Item.objects.filter(issue=issue)
        .select_related("department")
        .prefetch_related("joint_units")
    )
    sections = list(issue.issue_sections.select_related("section").order_by("position"))
    by_section: dict[int, list[Item]] = {}
    for item in items.order_by("position", "id"):
        by_section.setdefault(item.section_id, []).append(item)
    for issue_section in sections:
        issue_section.placed_items = by_section.get(issue_section.section_id, [])
    return sections


def next_numbers(publication: Publication, year: int) -> tuple[int, int]:
    """第N期 and 总第M期 the next issue of ``year`` gets, from the counter.

    Reads the counter only; the sign-off locks the row before using this.
    Raises WorkflowError when ``year`` lies before the counter's year.
    """
    if publication.number_year is not None and year < publication.number_year:
        raise WorkflowError(
            f"印发日期在{year}年，而《{publication.name}》已编号到"
            f"{publication.number_year}年，无法再编{year}年的期号。请核对印发日期。"
        )
    if publication.number_year == year:
        number = publication.last_number + 1
    else:
        number = 1  # a new year starts again at 第1期
    return number, publication.last_total_number + 1


def number_label(number: int, total_number: int) -> str:
    return f"第{number}期（总第{total_number}期）"


def expected_number_label(issue) -> str:
    """The number the issue has, or will get if signed now (for previews)."""
    if issue.number:
        return issue.number_label
    publication = Publication.objects.get(pk=issue.publication_id)
    try:
        return number_label(*next_numbers(publication, issue.issue_date.year))
    except WorkflowError:
        return "第　期（总第　期）"


def expected_number_labels(issues) -> dict[int, str]:
    """The number each unnumbered issue of ``issues`` will get (by pk), if the
    issues awaiting sign-off are signed first and the open ones then in date
    order: two open issues of one publication read differently. Two queries.
    """
    publication_ids = {issue.publication_id for issue in issues}
    queue = sorted(
        Issue.objects.filter(
            publication_id__in=publication_ids,
            status__in=[Issue.Status.PENDING_SIGNOFF, Issue.Status.DRAFT],
        ).only("id", "publication_id", "status", "issue_date"),
        key=lambda i: (i.status != Issue.Status.PENDING_SIGNOFF, i.issue_date, i.pk),
    )
    counters = {
        p.pk: SimpleNamespace(
            name=p.name,
            number_year=p.number_year,
            last_number=p.last_number,
            last_total_number=p.last_total_number,
        )
        for p in Publication.objects.filter(pk__in=publication_ids)
    }
    labels = {}
    for issue in queue:
        counter = counters[issue.publication_id]
        try:
            number, total = next_numbers(counter, issue.issue_date.year)
        except WorkflowError:
            labels[issue.pk] = "期号待定"
            continue
        labels[issue.pk] = number_label(number, total)
        counter.number_year = issue.issue_date.year
        counter.last_number, counter.last_total_number = number, total
    return labels


def date_label(day) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def distribution_lines(issue) -> list[str]:
    """The printed 版记 lines: the frozen copy once issued, else the chosen list."""
    if issue.distribution_text:
        text = issue.distribution_text
    elif issue.distribution_list_id:
        text = issue.distribution_list.lines
    else:
        text = ""
    return [line.strip() for line in text.splitlines() if line.strip()]


def print_context(
    issue, *, number_label=None, is_correction=False, preview=False, sections=None
):
    """The print template's ``issue`` and ``sections`` built from an Issue
    (``sections``: its ``issue_sections`` when already read).

    Sections without items are left out of print. A preview carries the
    diagonal 预览 mark, which changes nothing else on the page.
    """
    publication = issue.publication
    printed = SimpleNamespace(
        publication_name=publication.name,
        office_name=publication.office_name,
        number_label=number_label or expected_number_label(issue),
        date_label=date_label(issue.issue_date),
        marking=issue.marking,
        numbered=issue.is_classified,
        preview=preview,
        distribution_lines=distribution_lines(issue),
        copies=issue.copies,
        is_correction=is_correction,
    )
    printed_sections = [
        SimpleNamespace(
            name=issue_section.section.name,
            items=[
                SimpleNamespace(
                    headline=item.title,
                    body_html=images_for_print(item.body),
                    unit_name=item.units_label,
                )
                for item in issue_section.placed_items
            ],
        )
        for issue_section in (issue_sections(issue) if sections is None else sections)
        if issue_section.placed_items
    ]
    return printed, printed_sections


@dataclass
class IssueLength:
    """字数 and estimated printed pages of an issue, against the publication's
    settings."""

    chars: int
    pages: int
    target_pages: int | None
    length_guide: int | None

    @property
    def over_target(self) -> bool:
        return bool(self.target_pages) and self.pages > self.target_pages


def issue_length(issue, sections) -> IssueLength:
    """The issue's 字数 and printed pages (estimated on the layout grid).

    ``sections`` are those of ``issue_sections(issue)``; each gets ``chars``,
    and each placed item ``over_by``: how many characters its body has over the
    publication's 每篇字数上限 (0 when none).
    """
    publication = issue.publication
    guide = publication.item_length_guide
    for issue_section in sections:
        issue_section.chars = sum(
            item.char_count for item in issue_section.placed_items
        )
        for item in issue_section.placed_items:
            item.over_by = max(0, item.char_count - guide) if guide else 0
    estimate = estimate_pages(*print_context(issue, sections=sections))
    return IssueLength(
        chars=sum(issue_section.chars for issue_section in sections),
        pages=estimate.pages,
        target_pages=publication.target_pages,
        length_guide=guide,
    )


def issue_html(issue, *, number_label=None, is_correction=False, preview=False):
    """The complete print HTML of the issue; a preview carries a 预览 mark."""
    printed, sections = print_context(
        issue, number_label=number_label, is_correction=is_correction, preview=preview
    )
    return issue_print_html(printed, sections)


def reader_mark(user, when) -> tuple[str, str]:
    """Who and when, as a reader's copies and reading page are marked:
    ("陈副县长　领导", "2026-12-07 08:15"), the time in the site's zone."""
    name = user.get_full_name() or user.get_username()
    local = timezone.localtime(when)
    return f"{name}　{roles.unit_label(user)}", f"{local:%Y-%m-%d %H:%M}"


def with_headlines(issues) -> list[Issue]:
    """``issues`` (a list) with ``headlines``: their items' titles in print
    order (目录), read for all of them in one query."""
    issues = list(issues)
    section_position = IssueSection.objects.filter(
        issue=OuterRef("issue_id"), section=OuterRef("section_id")
    ).values("position")[:1]
    rows = (
        Item.objects.filter(issue__in=[issue.pk for issue in issues])
        .annotate(section_position=Subquery(section_position))
        .order_by("issue_id", "section_position", "position", "id")
        .values_list("issue_id", "title")
    )
    titles: dict[int, list[str]] = {}
    for issue_id, title in rows:
        titles.setdefault(issue_id, []).append(title)
    for issue in issues:
        issue.headlines = titles.get(issue.pk, [])
    return issues


def issue_timeline(issue) -> list:
    """The issue's events, oldest first, each with a Chinese ``label``."""
    events = list(issue.events.select_related("actor").order_by("created_at", "id"))
    for event in events:
        event.label = ACTION_LABELS.get(event.action, event.action)
    return events


def sign_off_opinion(issue) -> str:
    """The signer's 签发意见 (from the timeline), "" before sign-off."""
    if issue.status != Issue.Status.ISSUED:
        return ""
    event = issue.events.filter(action="sign_off").order_by("-created_at", "-id")
    return event.values_list("comment", flat=True).first() or ""


def issue_documents(issue):
    """The issue's PDFs, oldest first: the original, then each 更正版."""
    return issue.documents.select_related("created_by").order_by("created_at", "id")


def current_document(documents):
    """The PDF offered by default (oldest first in ``documents``): the newest
    更正版, else the original."""
    documents = list(documents)
    corrections = [d for d in documents if d.is_correction]
    if corrections:
        return corrections[-1]
    return documents[0] if documents else None


def recipients(issue) -> QuerySet:
    """Everyone the issue's distribution names (groups, individuals, and the
    members of the units it names or of every unit)."""
    User = get_user_model()
    if issue.distribution_list_id is None:
        return User.objects.none()
    lists = DistributionRecipients.objects.filter(
        distribution_list_id=issue.distribution_list_id
    )
    if lists.filter(all_units=True).exists():
        units = Q(membership__isnull=False)
    else:
        units = Q(membership__department__in=lists.values("departments"))
    return User.objects.filter(
        Q(recipient_groups__in=lists.values("groups"))
        | Q(pk__in=lists.values("users"))
        | units,
        is_active=True,
    ).distinct()


def reader_recipients(issue):
    """Who is told that an issue is out: its online recipients and the signers."""
    return recipients(issue) | signer_recipients()


def signer_recipients():
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SIGNER)
        .distinct()
    )
