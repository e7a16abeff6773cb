import pytest
from django.db import IntegrityError, transaction

from briefing.models import IssueSection
from tests import factories


@pytest.mark.django_db
def test_duplicate_issue_number_in_a_year_is_refused():
    publication = factories.make_publication()
    factories.make_issue(publication, year=2026, number=12, total_number=345)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_issue(publication, year=2026, number=12, total_number=346)


@pytest.mark.django_db
def test_duplicate_total_number_is_refused():
    publication = factories.make_publication()
    factories.make_issue(publication, year=2025, number=40, total_number=345)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_issue(publication, year=2026, number=1, total_number=345)


@pytest.mark.django_db
def test_same_numbers_in_another_publication_or_year_are_fine():
    first, second = factories.make_publication(), factories.make_publication()
    factories.make_issue(first, year=2026, number=1, total_number=100)
    factories.make_issue(second, year=2026, number=1, total_number=100)
    factories.make_issue(first, year=2027, number=1, total_number=101)


@pytest.mark.django_db
def test_many_unnumbered_draft_issues_may_coexist():
    publication = factories.make_publication()
    factories.make_issue(publication)
    factories.make_issue(publication)
    assert publication.issues.count() == 2


@pytest.mark.django_db
def test_item_position_is_unique_within_an_issue_section():
    issue = factories.make_issue()
    section = factories.make_section()
    factories.make_item(issue=issue, section=section, position=1)
    factories.make_item(issue=issue, section=factories.make_section(), position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.make_item(issue=issue, section=section, position=1)


@pytest.mark.django_db
def test_a_section_is_placed_once_per_issue_at_a_unique_position():
    issue = factories.make_issue()
    section = factories.make_section()
    IssueSection.objects.create(issue=issue, section=section, position=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueSection.objects.create(issue=issue, section=section, position=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        IssueSection.objects.create(
            issue=issue, section=factories.make_section(), position=1
        )
