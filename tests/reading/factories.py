"""Test data for online reading: recipient groups, distributions, issued issues."""

import hashlib
import itertools

from django.core.files.base import ContentFile
from django.db.models import F

from briefing.models import DistributionRecipients, Issue, IssueDocument, RecipientGroup
from tests import factories
from tests.briefing.issue_factories import blank_pdf, place_item

_seq = itertools.count(1)


def make_group(*members, name=None):
    group = RecipientGroup.objects.create(name=name or f"阅读组{next(_seq)}")
    group.members.add(*members)
    return group


def make_distribution(groups=(), users=(), **kwargs):
    """A distribution list readable online by ``groups`` and ``users``."""
    distribution = factories.make_distribution(**kwargs)
    recipients = DistributionRecipients.objects.create(distribution_list=distribution)
    recipients.groups.add(*groups)
    recipients.users.add(*users)
    return distribution


_numbers = itertools.count(1)


def make_issue(
    distribution=None,
    *,
    status=Issue.Status.ISSUED,
    publication=None,
    section=None,
    items=1,
    department=None,
    **kwargs,
):
    """An issue with ``items`` items; issued ones are numbered and published."""
    number = next(_numbers)
    issued = status == Issue.Status.ISSUED
    issue = factories.make_issue(
        publication,
        distribution_list=distribution,
        status=status,
        year=2026 if issued else None,
        number=number if issued else None,
        total_number=number if issued else None,
        **kwargs,
    )
    if issued:  # as the sign-off numbers it
        publication = issue.publication
        publication.number_year, publication.last_number = 2026, number
        publication.last_total_number = number
        publication.save(
            update_fields=["number_year", "last_number", "last_total_number"]
        )
    section = section or factories.make_section()
    for _ in range(items):
        item = place_item(issue, section, department=department)
        if issued:
            item.status = item.Status.PUBLISHED
            item.save(update_fields=["status"])
    return issue


def make_document(issue, *, is_correction=False, content=None):
    # A real (blank) PDF: a reader's download is a copy marked on it.
    content = content or blank_pdf(f"test {next(_seq)}")
    document = IssueDocument(
        issue=issue,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        is_correction=is_correction,
        created_by=issue.created_by,
    )
    document.file.save(f"test-{next(_seq)}.pdf", ContentFile(content), save=False)
    document.save()
    # As the services store one (briefing.services.issues): the issue's version
    # moves on, and the reading page offers the new PDF at once.
    Issue.objects.filter(pk=issue.pk).update(version=F("version") + 1)
    issue.version += 1
    return document
