"""Read queries on items: what a user may see, the inbox, counts, timelines."""

from django.db.models import Count

from briefing.models import Issue, Item, ItemEvent, ItemRevision
from briefing.permissions import visible_items_q
from core import roles


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


def inbox_items(user):
    """What editors work through: items that have reached them."""
    if not (roles.is_editor(user) or roles.is_admin(user)):
        return Item.objects.none()
    return _list_columns(visible_items(user))


def status_counts(queryset) -> dict[str, int]:
    """Items per status in one query."""
    rows = queryset.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


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
