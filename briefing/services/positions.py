"""Positions of an issue's sections and of the items in each: the helpers the
issue and item services share (ordering, and placing an item in a section)."""

from django.db.models import Max

from briefing.models import IssueSection, Item

from .errors import WorkflowError

# Positions are unique per issue (sections) and per issue section (items), and
# the constraints are not deferrable: rows are parked above this offset first,
# then given their final positions.
PARKING_OFFSET = 100_000


def renumber(model, rows):
    """Give ``rows`` (in their new order) positions 1..n, without a clash."""
    for index, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(position=PARKING_OFFSET + index)
    for index, row in enumerate(rows, start=1):
        model.objects.filter(pk=row.pk).update(position=index)
        row.position = index


def moved(rows, index, direction):
    """``rows`` with the one at ``index`` swapped up or down, or None at an end."""
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(rows):
        return None
    rows = list(rows)
    rows[index], rows[target] = rows[target], rows[index]
    return rows


def in_requested_order(rows, requested_ids, what):
    """``rows`` ordered as ``requested_ids``, which must name each row once."""
    by_id = {row.pk: row for row in rows}
    try:
        ids = [int(pk) for pk in requested_ids]
    except (TypeError, ValueError):
        raise WorkflowError(f"{what}顺序无法识别，请刷新页面后重试。") from None
    if sorted(ids) != sorted(by_id):
        raise WorkflowError(f"{what}已有变动，请刷新页面后重新排序。")
    return [by_id[pk] for pk in ids]


def section_items(issue, section_id):
    """The items of one section of the issue, locked, in order."""
    return list(
        Item.objects.select_for_update()
        .filter(issue=issue, section_id=section_id)
        .order_by("position", "id")
    )


def ensure_issue_section(issue, section) -> IssueSection:
    """The section's place in the issue; a new one goes where Section.order
    puts it among the sections already there.

    It goes right after the nearest section before it in Section.order (else
    right before the nearest one after it), so an order the editor arranged
    stays as it is; positions stay 1..n. Call inside the transaction that
    locks the issue.
    """
    issue_section = IssueSection.objects.filter(issue=issue, section=section).first()
    if issue_section is not None:
        return issue_section
    rows = list(issue.issue_sections.select_related("section").order_by("position"))

    def rank(row):
        return (row.section.order, row.section_id)

    earlier = [row for row in rows if rank(row) < (section.order, section.pk)]
    later = [row for row in rows if rank(row) > (section.order, section.pk)]
    if earlier:
        index = rows.index(max(earlier, key=rank)) + 1
    elif later:
        index = rows.index(min(later, key=rank))
    else:
        index = len(rows)
    # Created above every position in use (and above the parking range), then
    # renumbered with the others into its place.
    issue_section = IssueSection.objects.create(
        issue=issue, section=section, position=PARKING_OFFSET * 2
    )
    rows.insert(index, issue_section)
    renumber(IssueSection, rows)
    return issue_section


def last_item_position(issue, section) -> int:
    """The position of the last item in ``section`` of ``issue`` (0: none)."""
    last = Item.objects.filter(issue=issue, section=section).aggregate(
        n=Max("position")
    )["n"]
    return last or 0
