"""Read queries for online reading: the reading pages, receipts, 批示 (which
issues a reader may see: ``briefing.selectors.issues.readable_issues``)."""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass, field
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.safestring import mark_safe

from briefing.models import (
    DistributionRecipients,
    Issue,
    Item,
    RecipientGroup,
    Section,
    units_label,
)
from briefing.permissions import can_see_all_issues
from briefing.sanitize import clean_html
from briefing.selectors.issues import (
    current_document,
    readable_issues,
    readable_lists,
    recipients,
)
from core import roles
from core.paths import path_of
from core.sql import fetch_all, tables
from departments.models import Department, Membership

from .models import Instruction, InstructionUnit, ReadReceipt

S = Issue.Status
S_I = Instruction.Status

# How long an issue's text as issued and a publication's list of issued issues
# stay cached: a bound on memory only, as their keys change with what they hold.
CACHE_SECONDS = 60 * 60


def read_key(issue_pk, user_pk) -> str:
    """The cache key that remembers ``user`` has a receipt for the issue."""
    return f"reading:read:{issue_pk}:{user_pk}"


def with_read_flag(issues, user):
    """Annotate ``is_read`` (the user has a receipt) on each issue."""
    return issues.annotate(
        is_read=Exists(ReadReceipt.objects.filter(issue=OuterRef("pk"), user=user))
    )


# --- the reading home ---------------------------------------------------------


@dataclass
class PublicationShelf:
    publication: object
    issues: list = field(default_factory=list)


def latest_by_publication(user, per_publication=5) -> list[PublicationShelf]:
    """The newest issues of each publication the user may read, unread marked."""
    issues = with_read_flag(readable_issues(user), user).order_by(
        "publication_id", "-issue_date", "-id"
    )
    shelves: dict[int, PublicationShelf] = {}
    # One query per publication keeps each list short however long the archive.
    publication_ids = issues.order_by().values_list("publication_id", flat=True)
    for publication_id in sorted(set(publication_ids)):
        rows = list(
            issues.filter(publication_id=publication_id).order_by("-issue_date", "-id")[
                :per_publication
            ]
        )
        shelves[publication_id] = PublicationShelf(rows[0].publication, rows)
    return list(shelves.values())


def archive_years(user) -> list[dict]:
    """[{"year": 2026, "count": 12, "unread": 3}, …], newest year first."""
    issues = with_read_flag(readable_issues(user), user)
    return list(
        issues.annotate(y=ExtractYear("issue_date"))
        .order_by()
        .values("y")
        .annotate(count=Count("id"), unread=Count("id", filter=Q(is_read=False)))
        .order_by("-y")
        .values("y", "count", "unread")
    )


def issues_of_year(user, year):
    return (
        with_read_flag(readable_issues(user), user)
        .filter(issue_date__year=year)
        .order_by("-issue_date", "-id")
    )


# --- the issue page -----------------------------------------------------------


@dataclass
class ReadingItem:
    """An item of an issued issue as every reader sees it; the 批示 the user
    may see and their count are set per request."""

    pk: int
    title: str
    body_html: str
    unit: str
    instruct_url: str
    shown_instructions: list = field(default_factory=list)
    instruction_count: int = 0

    @property
    def key(self) -> str:
        """The id as text, for the page's element ids: an int is localized
        each time a template shows it, and the page shows it a dozen times."""
        return str(self.pk)


@dataclass
class ReadingSection:
    pk: int
    name: str
    items: list[ReadingItem]


@dataclass(frozen=True)
class DocumentLink:
    """One of the issue's PDFs, as the page links it."""

    pk: int
    is_correction: bool
    created_at: datetime.datetime


@dataclass
class IssuePage:
    """What the issue page needs but the names and the 批示 (``issue_page``)."""

    issue: Issue
    # The user has a receipt already (remembered in the cache).
    read_before: bool
    # ``_text_as_issued``: the sections' items and the PDFs.
    text: dict
    # ``issued_numbers`` of the issue's publication.
    numbers: list


def issue_page(user, pk) -> IssuePage | None:
    """The issue page's data if ``user`` may read the issue, else None.

    One query: the issue, whether the user's distribution lists name it, and
    whether it has any 批示; then one cache round trip for the receipt, the
    text as issued and the publication's issued numbers.
    """
    # Not .first(): one row by its key needs no ORDER BY.
    issue = next(
        iter(
            readable_issues(user, lists_in_query=True)
            .select_related("distribution_list")
            .annotate(
                has_instructions=Exists(
                    Instruction.objects.filter(issue=OuterRef("pk"))
                )
            )
            .filter(pk=pk)
            .order_by()
        ),
        None,
    )
    if issue is None:
        return None
    keys = {
        "read": read_key(pk, user.pk),
        "text": _text_key(issue),
        "numbers": _numbers_key(issue.publication),
    }
    found = cache.get_many(keys.values())
    text = found.get(keys["text"])
    if text is None:
        text = _text_as_issued(issue)
        cache.set(keys["text"], text, CACHE_SECONDS)
    numbers = found.get(keys["numbers"])
    if numbers is None:
        numbers = _issued_numbers(issue.publication)
        cache.set(keys["numbers"], numbers, CACHE_SECONDS)
    return IssuePage(issue, bool(found.get(keys["read"])), text, numbers)


def _text_key(issue) -> str:
    """The issue's version (a correction, or a PDF stored, moves it on) and
    its creation time (so a row id used again, in a restored database, never
    meets an old entry)."""
    created = issue.created_at.timestamp() if issue.created_at else 0
    # A new name when the entry's shape changes: Redis outlives a deploy.
    return f"reading:issue-text:v2:{issue.pk}:{issue.version}:{created}"


def _text_as_issued(issue) -> dict:
    """{"sections": [(issue section id, [(item id, title, cleaned body), …]),
    …] in the issue's order, "documents": [(id, is_correction, created_at), …]
    oldest first}: the issue as issued, cached under ``_text_key``."""
    items = (
        Item.objects.filter(issue=issue)
        .only("pk", "title", "body", "section_id")
        .order_by("position", "id")
    )
    by_section: dict[int, list[tuple]] = {}
    for item in items:
        by_section.setdefault(item.section_id, []).append(
            (item.pk, item.title, clean_html(item.body or ""))
        )
    sections = [
        (pk, by_section[section_id])
        for pk, section_id in issue.issue_sections.order_by("position").values_list(
            "pk", "section_id"
        )
        if by_section.get(section_id)
    ]
    documents = list(
        issue.documents.order_by("created_at", "id").values_list(
            "pk", "is_correction", "created_at"
        )
    )
    return {"sections": sections, "documents": documents}


def sections_as_issued(page: IssuePage) -> list[ReadingSection]:
    """The issue's sections with their items (bodies already cleaned), as
    every reader sees them, with the units' and sections' names as they are
    now (one query). New objects on every call: ``reading_sections`` sets
    per-user fields on them."""
    issue = page.issue
    rows = fetch_all(Item, _names_sql(), [issue.pk])
    own, joint, section_of = {}, defaultdict(list), {}
    for pk, unit_pk, unit_name, section, *joint_unit in rows:
        own[pk] = SimpleNamespace(pk=unit_pk, short_name=unit_name)
        section_of[pk] = section
        if joint_unit[0] is not None:
            joint[pk].append(
                SimpleNamespace(
                    pk=joint_unit[0], order=joint_unit[1], short_name=joint_unit[2]
                )
            )
    names = {pk: (units_label(own[pk], joint[pk]), section_of[pk]) for pk in own}
    return [
        ReadingSection(
            pk,
            names[rows[0][0]][1],
            [
                ReadingItem(
                    pk=item_pk,
                    title=title,
                    body_html=mark_safe(body),
                    unit=names[item_pk][0],
                    instruct_url=path_of(
                        "reading:instruction_create", issue.pk, item_pk
                    ),
                )
                for item_pk, title, body in rows
            ],
        )
        for pk, rows in page.text["sections"]
    ]


@functools.cache
def _names_sql() -> str:
    """(item id, unit id, unit short name, section name, 合报 unit id, order,
    short name) of an issue's items (issue id), one row per 合报 unit (LEFT
    JOIN): the units printed after each item. Written out, not built with
    the ORM: every reading of an issue asks, and building the joins cost
    several times what the database takes to answer."""
    t = tables(
        item=Item, unit=Department, section=Section, joint=Item.joint_units.through
    )
    return (
        'SELECT i.id, d.id, d.short_name, s.name, j.id, j."order", j.short_name'
        f" FROM {t['item']} i JOIN {t['unit']} d ON d.id = i.department_id"
        f" LEFT JOIN {t['section']} s ON s.id = i.section_id"
        f" LEFT JOIN {t['joint']} ij ON ij.item_id = i.id"
        f" LEFT JOIN {t['unit']} j ON j.id = ij.department_id"
        " WHERE i.issue_id = %s"
    )


def shown_instructions(page: IssuePage, user) -> dict[int, list[Instruction]]:
    """{item id: the 批示 on it ``user`` may see, with their units}, oldest
    first; no query for an issue without any."""
    shown = {}
    if not page.issue.has_instructions:
        return shown
    for instruction in (
        visible_instructions(user)
        .filter(issue=page.issue)
        # Only what the page shows: the planner's time grows with the joins.
        .select_related(None)
        .select_related("author")
        .prefetch_related(_units_prefetch())
        .order_by("created_at", "id")
    ):
        instruction_units(instruction, user)  # sets unit_rows
        shown.setdefault(instruction.item_id, []).append(instruction)
    return shown


def reading_sections(page: IssuePage, shown) -> list[ReadingSection]:
    """``sections_as_issued`` with, on each item, the 批示 the user may see
    (``shown``) and their number (shown to editors, who see them all)."""
    sections = sections_as_issued(page)
    for section in sections:
        for item in section.items:
            item.shown_instructions = shown.get(item.pk, [])
            item.instruction_count = len(item.shown_instructions)
    return sections


@dataclass(frozen=True)
class IssueLink:
    pk: int
    number_label: str


def _numbers_key(publication) -> str:
    """The publication's numbering, which each sign-off moves on."""
    return (
        f"reading:issued:{publication.pk}:{publication.number_year}:"
        f"{publication.last_number}:{publication.last_total_number}"
    )


def _issued_numbers(publication) -> list[tuple[int, int | None, str]]:
    """(id, distribution list id, number label) of the publication's issued
    issues, oldest first; cached under ``_numbers_key``."""
    return [
        (row.pk, row.distribution_list_id, row.number_label)
        for row in Issue.objects.filter(publication=publication, status=S.ISSUED)
        .only("pk", "distribution_list_id", "number", "total_number")
        .order_by("issue_date", "id")
    ]


def neighbours(page: IssuePage, user) -> tuple[IssueLink | None, IssueLink | None]:
    """The previous and next issue of the same publication the user may read.

    The user reads this issue, so they may read those sent to the same
    distribution list: their own lists are read only when another list is
    among the publication's issues.
    """
    issue = page.issue
    others = {list_id for _, list_id, _ in page.numbers} - {issue.distribution_list_id}
    lists = readable_lists(user) if others else None
    rows = [
        IssueLink(pk, label)
        for pk, list_id, label in page.numbers
        if pk == issue.pk or lists is None or list_id in lists
    ]
    index = next((i for i, link in enumerate(rows) if link.pk == issue.pk), None)
    if index is None:
        return None, None
    previous = rows[index - 1] if index > 0 else None
    following = rows[index + 1] if index + 1 < len(rows) else None
    return previous, following


def documents(page: IssuePage) -> tuple[DocumentLink | None, list[DocumentLink]]:
    """The PDF to offer (``current_document``) and the others."""
    links = [DocumentLink(*row) for row in page.text["documents"]]
    current = current_document(links)
    return current, [d for d in links if d != current]


# --- receipts -----------------------------------------------------------------


@dataclass
class ReceiptGroup:
    name: str
    read: list = field(default_factory=list)
    unread: list = field(default_factory=list)

    @property
    def total(self):
        return len(self.read) + len(self.unread)


def receipt_table(issue) -> list[ReceiptGroup]:
    """Who has read the issue and who has not, by recipient group.

    A reader in two groups appears in both; individuals under 个人; the
    units' clerks and reviewers under their unit.
    """
    read_at = dict(
        ReadReceipt.objects.filter(issue=issue).values_list("user_id", "first_read_at")
    )
    people = {user.pk: user for user in recipients(issue).order_by("username")}
    dist = DistributionRecipients.objects.filter(
        distribution_list_id=issue.distribution_list_id
    ).first()
    table = []
    if dist is not None:
        members = {}
        for group in dist.groups.order_by("order", "id"):
            members[group.pk] = ReceiptGroup(group.name)
        through = RecipientGroup.members.through.objects.filter(
            recipientgroup_id__in=members
        ).order_by("user__username")
        for row in through:
            user = people.get(row.user_id)
            if user is None:
                continue
            _sort(members[row.recipientgroup_id], user, read_at)
        table = list(members.values())
        individuals = ReceiptGroup("个人")
        for user_id in dist.users.values_list("pk", flat=True):
            if user_id in people:
                _sort(individuals, people[user_id], read_at)
        if individuals.total:
            table.append(individuals)
        table.extend(_unit_groups(dist, people, read_at))
    return table


def _unit_groups(dist, people, read_at) -> list[ReceiptGroup]:
    """One row per unit the distribution names (every unit: all_units)."""
    memberships = Membership.objects.filter(user_id__in=people)
    if not dist.all_units:
        memberships = memberships.filter(department__in=dist.departments.all())
    units: dict[int, ReceiptGroup] = {}
    for user_id, unit_id, unit_name in memberships.order_by(
        "department__order", "department_id", "user__username"
    ).values_list("user_id", "department_id", "department__name"):
        group = units.setdefault(unit_id, ReceiptGroup(unit_name))
        _sort(group, people[user_id], read_at)
    return list(units.values())


def _sort(group, user, read_at):
    if user.pk in read_at:
        user.first_read_at = read_at[user.pk]
        group.read.append(user)
    else:
        group.unread.append(user)


def unread_recipients(issue) -> QuerySet:
    return recipients(issue).exclude(
        pk__in=ReadReceipt.objects.filter(issue=issue).values("user_id")
    )


# --- 批示 -----------------------------------------------------------------------


def visible_instructions(user) -> QuerySet[Instruction]:
    """批示 ``user`` may see: editors, signers and admins all; a unit's members
    those their unit handles (the item's unit, or sent on to it: 转办); a leader
    the ones they wrote."""
    instructions = Instruction.objects.select_related(
        "item__department", "issue__publication", "author"
    )
    if not user.is_authenticated:
        return instructions.none()
    if can_see_all_issues(user):
        return instructions
    scope = Q(author=user)
    m = roles.membership(user)
    if m is not None:
        scope |= Exists(
            InstructionUnit.objects.filter(
                instruction=OuterRef("pk"), department_id=m.department_id
            )
        )
    return instructions.filter(scope)


def get_visible_instruction(user, pk) -> Instruction | None:
    """The 批示 with its units if ``user`` may see it, else None."""
    return (
        visible_instructions(user)
        .prefetch_related(_units_prefetch())
        .filter(pk=pk)
        .first()
    )


def _units_prefetch():
    return Prefetch(
        "units",
        queryset=InstructionUnit.objects.select_related(
            "department", "signed_by", "feedback__author"
        ).prefetch_related("feedback__attachments"),
    )


def instruction_units(instruction, user) -> list[InstructionUnit]:
    """The units handling ``instruction`` (prefetched), also set as its
    ``unit_rows``, each with ``is_overdue`` and ``feedback_shown``: the leader
    who wrote it and those who see every issue read every unit's feedback, a
    unit its own."""
    rows = _with_age([instruction])[0].unit_rows
    m = roles.membership(user)
    sees_all = can_see_all_issues(user) or instruction.author_id == user.pk
    for row in rows:
        row.feedback_shown = sees_all or (
            m is not None and m.department_id == row.department_id
        )
    return rows


def own_unit(instruction, user) -> InstructionUnit | None:
    """The row of ``user``'s unit, if their unit handles ``instruction``."""
    m = roles.membership(user)
    if m is None:
        return None
    return next(
        (u for u in instruction.units.all() if u.department_id == m.department_id),
        None,
    )


def unit_instructions(user) -> list[InstructionUnit]:
    """The 批示 inbox of the user's unit: its rows (the unit's own 签收 and 反馈,
    ``is_overdue`` set), those not fed back first, overdue first among them."""
    m = roles.membership(user)
    if m is None:
        return []
    rows = list(
        InstructionUnit.objects.filter(department_id=m.department_id)
        .select_related(
            "instruction__item",
            "instruction__issue__publication",
            "instruction__author",
        )
        .order_by("-instruction__created_at", "-id")
    )
    now = timezone.now()
    for row in rows:
        row.is_overdue = _unit_overdue(row.instruction, row, now)
    return sorted(
        rows, key=lambda row: (row.status == S_I.ANSWERED, not row.is_overdue)
    )


def overdue_days() -> int:
    return getattr(settings, "INSTRUCTION_OVERDUE_DAYS", 7)


def limit_passed(instruction, now) -> bool:
    """The 批示's 办理时限 has ended (the end of that day, local time)."""
    return (
        instruction.deadline is not None
        and instruction.deadline < timezone.localdate(now)
    )


def _unit_overdue(instruction, row, now) -> bool:
    """逾期: not fed back after the 办理时限, or, without one, after
    INSTRUCTION_OVERDUE_DAYS."""
    if row.status == S_I.ANSWERED:
        return False
    if instruction.deadline is not None:
        return limit_passed(instruction, now)
    return now - instruction.created_at > datetime.timedelta(days=overdue_days())


def all_instructions(status=""):
    """Every 批示 for the editors' list, with its units, ``days_open`` and
    ``is_overdue``; overdue first, then newest first."""
    instructions = (
        Instruction.objects.select_related(
            "item__department", "issue__publication", "author"
        )
        .prefetch_related(_units_prefetch())
        .order_by("-created_at", "-id")
    )
    if status:
        instructions = instructions.filter(status=status)
    return sorted(_with_age(list(instructions)), key=lambda row: not row.is_overdue)


def my_instructions(user) -> list[Instruction]:
    """The 批示 ``user`` (a leader) wrote, with their units, ``days_open`` and
    ``is_overdue``: overdue ones first, then those not fed back, each group
    newest first."""
    rows = _with_age(
        list(
            Instruction.objects.filter(author=user)
            .select_related("item__department", "issue__publication")
            .prefetch_related(_units_prefetch())
            .order_by("-created_at", "-id")
        )
    )
    # sorted() keeps the newest-first order within each group.
    return sorted(
        rows,
        key=lambda row: (not row.is_overdue, row.status == S_I.ANSWERED),
    )


def _with_age(rows: list[Instruction]) -> list[Instruction]:
    """Set ``days_open`` (until the last unit's feedback, or now), ``is_overdue``
    and ``unit_rows`` (its units, prefetched, each with ``is_overdue``) on each
    批示."""
    now = timezone.now()
    for row in rows:
        units = list(row.units.all())
        for unit in units:
            unit.is_overdue = _unit_overdue(row, unit, now)
        answered = [u.answered_at for u in units if u.answered_at]
        done = row.status == S_I.ANSWERED and answered
        end = max(answered) if done else now
        row.days_open = (end - row.created_at).days
        row.is_overdue = any(u.is_overdue for u in units)
        row.unit_rows = units
    return rows


def due_reminders(now) -> list[tuple[InstructionUnit, str]]:
    """(unit row, "before" or "overdue") for each reminder of a 办理时限 due at
    ``now`` and not yet sent, to a unit that has not fed back.

    "before": from the start of the day INSTRUCTION_REMIND_DAYS_BEFORE days
    before the 办理时限 ends (default 1: its last day), unless the 批示 was
    written after that; "overdue": once the 办理时限 has ended.
    """
    today = timezone.localdate(now)
    days_before = settings.INSTRUCTION_REMIND_DAYS_BEFORE
    last_day = today + datetime.timedelta(days=days_before - 1)
    rows = (
        InstructionUnit.objects.filter(
            status__in=[S_I.PENDING, S_I.SIGNED],
            instruction__deadline__lte=last_day,
        )
        .filter(
            Q(instruction__deadline__lt=today, overdue_reminded_at__isnull=True)
            | Q(instruction__deadline__gte=today, reminded_at__isnull=True)
        )
        .select_related("instruction__item", "instruction__author", "department")
        .order_by("instruction_id", "id")
    )
    due = []
    for row in rows:
        deadline = row.instruction.deadline
        if deadline < today:
            due.append((row, "overdue"))
            continue
        start = deadline - datetime.timedelta(days=days_before - 1)
        if timezone.localtime(row.instruction.created_at).date() < start:
            due.append((row, "before"))
    return due


def unit_members(department_ids) -> QuerySet:
    """The units' clerks and reviewers (who receive and answer their 批示)."""
    return get_user_model().objects.filter(
        is_active=True,
        membership__department_id__in=department_ids,
        membership__role__in=[Membership.Role.CLERK, Membership.Role.REVIEWER],
    )


def editors() -> QuerySet:
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.EDITOR)
        .distinct()
    )


def transfer_units() -> list[tuple[int, str]]:
    """(id, short name) of the units a 批示 may be sent on to (转办): every
    active one."""
    return list(
        Department.objects.filter(is_active=True).values_list("pk", "short_name")
    )
