"""Read queries on items: what a user may see, the inbox, counts, timelines."""

import datetime
import functools
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import (
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    Subquery,
    prefetch_related_objects,
)
from django.db.models.expressions import RawSQL
from django.utils import timezone

from briefing import duplicates, same_event
from briefing.models import (
    DuplicateDecision,
    EditorImage,
    Issue,
    Item,
    ItemBandKey,
    ItemEvent,
    ItemFingerprint,
    ItemRevision,
    Publication,
    Section,
    open_urgent,
    units_label,
)
from briefing.permissions import can_view_item, office_items_q, visible_items_q
from briefing.selectors.issues import visible_issues
from core import roles
from departments.models import Department

# A 合报 item's units (Item.joint_units), one row per unit.
JointUnit = Item.joint_units.through

# What templates/briefing/items/inbox.html shows of an item (any other column
# would be read one row at a time).
INBOX_COLUMNS = [
    "title",
    "char_count",
    "status",
    "department",
    "suggested_section",
    "submitted_at",
    "claimed_by",
    "claimed_at",
    "issue",
    "section",
    "is_urgent",
    "urgent_category",
    "event_at",
    "version",  # the batch form's checkboxes carry it
]


def visible_items(user):
    """Every item ``user`` may see (empty for anyone else)."""
    q = visible_items_q(user)
    if q is None:
        return Item.objects.none()
    return Item.objects.filter(q)


def get_visible_item(user, pk) -> Item | None:
    return (
        visible_items(user)
        .select_related(
            "department", "author", "suggested_section", "claimed_by", "issue",
            "issue__publication", "section",
        )
        .filter(pk=pk)
        .first()
    )  # fmt: skip


def _list_columns(queryset):
    # Lists show titles only: leave the long text columns in the database.
    # Only the unit is joined: with all seven joins PostgreSQL spent ~8 ms
    # PLANNING the page query (0.3 ms to run it); the other small rows come in
    # one short query each (none when every row's column is empty).
    return (
        queryset.defer("body", "search_text")
        .select_related("department")
        .prefetch_related(
            "author",
            "suggested_section",
            "claimed_by",
            "section",
            "issue__publication",
        )
    )


def unit_items(user):
    """The user's unit's items (信息员 / 单位审核人), newest change first."""
    m = roles.membership(user)
    if m is None:
        return Item.objects.none()
    return _list_columns(visible_items(user).filter(department_id=m.department_id))


# Events whose comment is an opinion on the text, for the clerk to act on:
# 退回意见 and the unit reviewer's 审核意见.
OPINION_ACTIONS = ("return", "approve")
OPINION_LABELS = {"return": "退回意见", "approve": "审核意见"}


def with_latest_opinion(items):
    """``items`` annotated with the last 退回/审核通过's comment and action
    (``opinion``, ``opinion_action``), in the same query. Shown as
    ``latest_opinion`` decides (templates/briefing/items/my_items.html)."""
    last = ItemEvent.objects.filter(
        item=OuterRef("pk"), action__in=OPINION_ACTIONS
    ).order_by("-created_at", "-id")
    return items.annotate(
        opinion=Subquery(last.values("comment")[:1]),
        opinion_action=Subquery(last.values("action")[:1]),
    )


def latest_opinion(item, events):
    """The last 退回 or 审核通过 event among ``events`` (oldest first) when it
    carries a comment, else None; with ``label`` (退回意见 / 审核意见). A
    退回意见 counts only while the item is 已退回 (once resubmitted it is done)."""
    for event in reversed(list(events)):
        if event.action in OPINION_ACTIONS:
            if not event.comment or (
                event.action == "return" and item.status != Item.Status.RETURNED
            ):
                return None
            event.label = OPINION_LABELS[event.action]
            return event
    return None


def inbox_items(user):
    """What editors work through: items that have reached them.

    Only the columns the list shows; ``with_list_relations`` adds the related
    rows it shows to the items of one page.
    """
    if not roles.sees_every_unit(user):
        return Item.objects.none()
    items = visible_items(user).only(*INBOX_COLUMNS)
    return items.annotate(is_joint=_compiled(items.db, _is_joint))


def _is_joint():
    return Exists(JointUnit.objects.filter(item=OuterRef("pk")))


def urgent_first(items):
    """``items`` with the urgent ones the editors still have to act on (已报送,
    编辑中) first, then the newest submitted first."""
    # The expression as indexed (item_inbox_urgent_first): the page is read
    # from the index, not sorted (0.09 ms, not 3 ms, for 3 000 submitted items).
    return items.order_by(
        _compiled(items.db, open_urgent).desc(), "-submitted_at", "-id"
    )


@functools.cache
def _compiled(alias, expression) -> RawSQL:
    """``expression()``, an expression on items, as SQL compiled once per
    process for the database ``alias``: the inbox's order and its 合报 mark,
    resolved and compiled for every page, cost more than the rest of its
    query. The same SQL, so the indexes serve it as before; it names the
    items' table, so it is for queries on items (not as a subquery's alias)."""
    query = Item.objects.all().query
    resolved = expression().resolve_expression(query)
    sql, params = query.get_compiler(alias).compile(resolved)
    return RawSQL(sql, params, output_field=resolved.output_field)


def with_list_relations(items, units, sections) -> list[Item]:
    """The inbox rows of one page with their unit (``unit_names``: all the
    units of a 合报 item), sections, holder and issue.

    ``units`` and ``sections``: every unit and section, as the page read them
    for its filters (``units_and_sections``); holders and issues are read (one
    query each) only when a row on the page has one.
    """
    items = list(items)
    unit_by_id = {unit.pk: unit for unit in units}
    section_by_id = {section.pk: section for section in sections}
    # A row added since they were read loads when shown.
    for item in items:
        if item.department_id in unit_by_id:
            item.department = unit_by_id[item.department_id]
        if item.suggested_section_id in section_by_id:
            item.suggested_section = section_by_id[item.suggested_section_id]
        if item.section_id in section_by_id:
            item.section = section_by_id[item.section_id]
    # 合报 units (read only when a row on the page is a 合报 item).
    joint = defaultdict(list)
    if any(item.is_joint for item in items):
        for item_id, unit_id in JointUnit.objects.filter(
            item__in=[item for item in items if item.is_joint]
        ).values_list("item_id", "department_id"):
            joint[item_id].append(
                unit_by_id.get(unit_id) or Department.objects.get(pk=unit_id)
            )
    for item in items:
        item.unit_names = units_label(item.department, joint[item.pk])
    prefetch_related_objects(
        [item for item in items if item.claimed_by_id], "claimed_by"
    )
    prefetch_related_objects(
        [item for item in items if item.issue_id], "issue__publication"
    )
    return items


def status_counts(queryset) -> dict[str, int]:
    """Items per status in one query.

    COUNT(*), not of a column: PostgreSQL then counts from the (status,
    submitted_at) index alone, without reading the rows (2 ms, not 13, for
    10 000 items).
    """
    rows = queryset.order_by().values("status").annotate(n=Count("*"))
    return {row["status"]: row["n"] for row in rows}


def units_and_sections() -> tuple[list[Department], list[Section]]:
    """Every unit and every section, each in its order: a list page reads them
    once, for its filter choices and the names on its rows."""
    # Put in order here, as their models order them: compiling the ORDER BY
    # cost the ORM more than reading the rows (0.1 ms of 0.4 ms a list).
    return (
        sorted(Department.objects.order_by(), key=_in_order),
        sorted(Section.objects.order_by(), key=_in_order),
    )


def _in_order(row):
    """The order of units and of sections (their Meta.ordering)."""
    return row.order, row.pk


def timeline(item):
    return ItemEvent.objects.filter(item=item).select_related("actor")


def revisions(item):
    return ItemRevision.objects.filter(item=item).select_related("author")


def open_issues():
    """Issues still being composed (组稿中), for adopting into."""
    return (
        Issue.objects.filter(status=Issue.Status.DRAFT)
        .select_related("publication")
        .order_by("issue_date", "id")
    )


def pooled_items():
    """待编池: items adopted but not yet placed into an issue, oldest first."""
    return (
        Item.objects.filter(status=Item.Status.ADOPTED, issue__isnull=True)
        .defer("body", "search_text")
        .select_related("department", "suggested_section")
        .prefetch_related("joint_units")
        .order_by("updated_at", "id")
    )


def length_guide(item=None) -> int | None:
    """每篇字数上限 for ``item``: its issue's publication's once adopted, else the
    strictest of the active publications' (None when none sets one)."""
    if item is not None and item.issue_id:
        return item.issue.publication.item_length_guide
    return Publication.objects.filter(is_active=True).aggregate(
        n=Min("item_length_guide")
    )["n"]


DUPLICATE_WINDOW = datetime.timedelta(days=365)
DUPLICATE_CANDIDATES = 20


@dataclass
class Suspect:
    item: Item
    similarity: float
    visible: bool = True  # may the user open it (and the comparison)?
    decision: DuplicateDecision | None = None  # an editor's, once decided

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def suspected_duplicates(user, item, *, limit=3) -> list[Suspect]:
    """Items of the last 12 months whose text is a copy or near copy of
    ``item``'s, most similar first, each with the editor's decision if any.

    Compared with every item that has reached the editors (any unit, any
    status, published included) and those ``user`` may see; the ones ``user``
    may not open come without a link (``visible``).
    """
    own = visible_items_q(user)
    if own is None:
        return []
    scope = Item.objects.filter(office_items_q() | own).exclude(pk=item.pk)
    mine = _shingles_of(item)
    suspects = duplicates_of_shingles(scope, mine, limit=limit)
    if not suspects:
        return suspects
    ids = [suspect.item.pk for suspect in suspects]
    seen = set(Item.objects.filter(own, pk__in=ids).values_list("pk", flat=True))
    decisions = {}
    for decision in DuplicateDecision.objects.filter(
        Q(item=item, other_id__in=ids) | Q(other=item, item_id__in=ids)
    ).select_related("decided_by"):
        decisions[
            decision.other_id if decision.item_id == item.pk else decision.item_id
        ] = decision
    for suspect in suspects:
        suspect.visible = suspect.item.pk in seen
        suspect.decision = decisions.get(suspect.item.pk)
    return suspects


def duplicate_decision(item, other) -> DuplicateDecision | None:
    """The editor's decision on the pair, whichever item it was made on."""
    return (
        DuplicateDecision.objects.filter(
            Q(item=item, other=other) | Q(item=other, other=item)
        )
        .select_related("decided_by", "item", "other")
        .first()
    )


def _shingles_of(item) -> set[int]:
    stored = (
        ItemFingerprint.objects.filter(item=item)
        .values_list("shingles", flat=True)
        .first()
    )
    if stored is not None:
        return duplicates.unpack(stored)
    return duplicates.shingles(duplicates.body_text(item.search_text))


def pair_similarity(item, other) -> Suspect:
    """How similar the two items' texts are (as the check measures it)."""
    return Suspect(
        other, duplicates.similarity(_shingles_of(item), _shingles_of(other))
    )


@dataclass
class SameEvent:
    """疑似同一事件: another unit's item telling the same event in its words."""

    item: Item
    facts: list[str]  # what both tell, as written (10月12日, 王屯村, 253名)
    similarity: float


def same_event_items(user, item, *, limit=3) -> list[SameEvent]:
    """Items of other units that reached the editors within
    ``same_event.WINDOW`` of ``item`` and seem to tell the same event
    (briefing.same_event), most facts shared first. Editors only; not the
    items already 疑似重复 of it, nor pairs an editor has decided on."""
    if not roles.is_editor(user):
        return []
    mine = same_event.facts(duplicates.body_text(item.search_text))
    if len(mine) < same_event.MIN_SHARED:
        return []
    at = item.submitted_at or timezone.now()
    window = Item.objects.filter(
        office_items_q(),
        submitted_at__gte=at - same_event.WINDOW,
        submitted_at__lte=at + same_event.WINDOW,
    ).exclude(department_id=item.department_id)
    shared = {}
    # The stored facts of the window's items (not their texts), then the
    # shingles of the few that share enough of them.
    for pk, facts in ItemFingerprint.objects.filter(
        item_id__in=window.values("pk")
    ).values_list("item_id", "facts"):
        common = mine.intersection(facts.split("\n"))
        if len(common) >= same_event.MIN_SHARED:
            shared[pk] = common
    if not shared:
        return []
    text = _shingles_of(item)
    similar = {}  # id -> (shared facts, text similarity)
    for pk, stored in ItemFingerprint.objects.filter(item_id__in=shared).values_list(
        "item_id", "shingles"
    ):
        similarity = duplicates.similarity(text, duplicates.unpack(stored))
        # A copy is 疑似重复 already.
        if same_event.MIN_SIMILARITY <= similarity < duplicates.THRESHOLD:
            similar[pk] = (shared[pk], similarity)
    if not similar:
        return []
    for pair in DuplicateDecision.objects.filter(
        Q(item=item, other_id__in=similar) | Q(other=item, item_id__in=similar)
    ).values_list("item_id", "other_id"):
        for pk in pair:
            similar.pop(pk, None)
    found = [
        SameEvent(other, same_event.labels(similar[other.pk][0]), similar[other.pk][1])
        for other in Item.objects.filter(pk__in=similar).select_related(
            "department", "issue__publication"
        )
    ]
    found.sort(key=lambda s: (-len(s.facts), -s.similarity, -s.item.pk))
    return found[:limit]


def same_event_of_items(user, items) -> list[tuple[Item, list[SameEvent]]]:
    """Those of ``items`` that seem to tell the same event as another unit's."""
    found = []
    for item in items:
        others = same_event_items(user, item)
        if others:
            found.append((item, others))
    return found


def same_event_note(user, item) -> str:
    """One line for a message after 采用 or 提交签发: the items of other units
    that seem to tell the same event as ``item`` (empty when none)."""
    found = same_event_items(user, item)
    if not found:
        return ""
    return f"《{item.title}》疑似同一事件：" + "；".join(
        f"{s.item.department.short_name}《{s.item.title}》（{s.item.get_status_display()}"
        f"{f'，{s.item.issue}' if s.item.issue_id else ''}；都写到"
        f"{'、'.join(s.facts)}）"
        for s in found
    )


def undecided(suspects: list[Suspect]) -> list[Suspect]:
    return [suspect for suspect in suspects if suspect.decision is None]


def undecided_duplicates(user, items) -> list[tuple[Item, list[Suspect]]]:
    """Those of ``items`` with suspected duplicates no editor has decided on."""
    found = []
    for item in items:
        suspects = undecided(suspected_duplicates(user, item))
        if suspects:
            found.append((item, suspects))
    return found


def duplicate_warning(user, item) -> str:
    """One line for a message after a move: the undecided 疑似重复 of ``item``
    (empty when there are none)."""
    suspects = undecided(suspected_duplicates(user, item))
    if not suspects:
        return ""
    return f"《{item.title}》疑似重复：" + "；".join(_suspect_text(s) for s in suspects)


def _suspect_text(suspect: Suspect) -> str:
    other = suspect.item
    title = f"《{other.title}》" if suspect.visible else "另一单位的稿件"
    where = f"，{other.issue}" if other.issue_id else ""
    return (
        f"与{title}相似度 {suspect.percent}%"
        f"（{other.department.short_name}，{other.get_status_display()}{where}）"
    )


def duplicates_of_text(
    items, text, *, limit=3, threshold=duplicates.THRESHOLD
) -> list[Suspect]:
    """Those of ``items`` whose body text is at least ``threshold`` similar to
    ``text``."""
    return duplicates_of_shingles(
        items, duplicates.shingles(text), limit=limit, threshold=threshold
    )


def duplicates_of_shingles(
    items, mine, *, limit=3, threshold=duplicates.THRESHOLD
) -> list[Suspect]:
    """Those of ``items`` created in the last 12 months whose shingles are at
    least ``threshold`` similar to ``mine``: candidates by shared band keys
    (newer than the window, in the same query), compared by their stored
    fingerprints (one query); only those that pass are read as items."""
    keys = duplicates.band_keys(mine)
    if not keys:
        return []
    since = timezone.now() - DUPLICATE_WINDOW
    candidates = (
        ItemBandKey.objects.filter(key__in=keys, item_created_at__gte=since)
        .values("item_id")
        .annotate(shared=Count("*"))
        .order_by("-shared")
        .values_list("item_id", flat=True)[:DUPLICATE_CANDIDATES]
    )
    scores = {}
    # One round trip: the candidates are a subquery of the fingerprints'.
    for pk, stored in ItemFingerprint.objects.filter(
        item_id__in=candidates
    ).values_list("item_id", "shingles"):
        score = duplicates.similarity(mine, duplicates.unpack(stored))
        if score >= threshold:
            scores[pk] = score
    if not scores:
        return []
    found = [
        Suspect(other, scores[other.pk])
        for other in items.filter(pk__in=scores).select_related(
            "department", "issue__publication"
        )
    ]
    found.sort(key=lambda suspect: (-suspect.similarity, -suspect.item.pk))
    return found[:limit]


def visible_editor_image(user, name) -> EditorImage | None:
    """The editor image ``name`` if ``user`` may see it, else None: its
    uploader, and whoever may see the item it was saved in (on the site, or as
    the signer of an adopted item or the reader of a published one)."""
    if user is None or not user.is_authenticated:
        return None
    image = EditorImage.objects.filter(name=name).select_related("item").first()
    if image is None or image.uploaded_by_id == user.pk:
        return image
    item = image.item
    if item is None:
        return None
    if can_view_item(user, item):
        return image
    # Signers see adopted items when signing; readers the published ones of
    # the issues they may read (their distribution).
    if roles.is_signer(user) and item.status in (
        Item.Status.ADOPTED,
        Item.Status.PUBLISHED,
    ):
        return image
    if not roles.is_reader(user) or item.status != Item.Status.PUBLISHED:
        return None
    if visible_issues(user).filter(pk=item.issue_id).exists():
        return image
    return None
