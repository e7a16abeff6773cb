"""Read queries of 上报."""

from django.db.models import OuterRef, Subquery

from briefing.models import Issue, IssueSection, Item

from .models import Submission, SubmissionItem

S = Item.Status


def sendable_items():
    """Items that may go up to the city: adopted (本期组稿中) or published."""
    return Item.objects.filter(status__in=[S.ADOPTED, S.PUBLISHED]).select_related(
        "department", "issue", "issue__publication"
    )


def candidates(issue=None):
    """The items offered on the 上报 form: one issued issue's, in print order,
    or the adopted ones not yet issued."""
    items = sendable_items()
    if issue is not None:
        section_place = IssueSection.objects.filter(
            issue=issue, section=OuterRef("section")
        ).values("position")[:1]
        return (
            items.filter(issue=issue, status=S.PUBLISHED)
            .annotate(section_place=Subquery(section_place))
            .order_by("section_place", "position", "pk")
        )
    return items.filter(status=S.ADOPTED).order_by("-submitted_at", "-pk")


def issued_issues(limit=24):
    return list(
        Issue.objects.filter(status=Issue.Status.ISSUED)
        .select_related("publication")
        .order_by("-issue_date", "-pk")[:limit]
    )


def submission_list():
    return Submission.objects.select_related("created_by").prefetch_related("entries")


def entries_of(submission) -> list[SubmissionItem]:
    return list(submission.entries.select_related("item", "item__department"))


def of_item(item):
    """The 上报 records that carried ``item``, newest first."""
    return list(
        Submission.objects.filter(entries__item=item)
        .select_related("created_by")
        .order_by("-sent_at", "-pk")
    )
