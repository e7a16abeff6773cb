"""Composing an issue: create, settings with a version check, ordering."""

import datetime

import pytest

from briefing.models import Issue, IssueSection, Item
from briefing.services import issues as services
from briefing.services.errors import StaleVersionError, WorkflowError
from tests import factories
from tests.briefing.issue_factories import item_titles, place_item, section_names


@pytest.fixture
def editor(db):
    return factories.make_editor()


@pytest.fixture
def issue(editor):
    return factories.make_issue(created_by=editor)


def three_items(issue):
    section = factories.make_section()
    for title in ("甲", "乙", "丙"):
        place_item(issue, section, title=title)
    return section


def three_sections(issue):
    sections = [factories.make_section(name=n) for n in ("项目", "质量", "民生")]
    for section in sections:
        place_item(issue, section)
    return sections


@pytest.mark.django_db
def test_an_editor_creates_an_issue_with_the_lists_default_copies(editor):
    distribution = factories.make_distribution(default_copies=80)
    issue = services.create_issue(
        actor=editor,
        publication=factories.make_publication(),
        issue_date=datetime.date(2026, 5, 6),
        distribution_list=distribution,
    )
    assert issue.status == Issue.Status.DRAFT and issue.number is None
    assert issue.copies == 80 and issue.created_by == editor
    assert issue.events.filter(action="create").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("maker", ["make_signer", "make_reader", "make_admin"])
def test_only_editors_create_issues(maker):
    with pytest.raises(WorkflowError, match="只有编辑"):
        services.create_issue(
            actor=getattr(factories, maker)(),
            publication=factories.make_publication(),
            issue_date=datetime.date(2026, 5, 6),
        )


@pytest.mark.django_db
def test_update_issue_saves_and_refuses_a_stale_version(issue, editor):
    distribution = factories.make_distribution()
    loaded_version = issue.version
    services.update_issue(
        issue,
        editor,
        issue_date=datetime.date(2026, 6, 1),
        distribution_list=distribution,
        copies=120,
        version=loaded_version,
    )
    issue.refresh_from_db()
    assert (issue.issue_date, issue.distribution_list, issue.copies) == (
        datetime.date(2026, 6, 1),
        distribution,
        120,
    )
    # A second editor still holding the old form loses, with a clear message.
    with pytest.raises(StaleVersionError, match="已被他人修改"):
        services.update_issue(
            issue,
            factories.make_editor(),
            issue_date=datetime.date(2026, 7, 1),
            distribution_list=None,
            copies=1,
            version=loaded_version,
        )
    issue.refresh_from_db()
    assert issue.copies == 120


@pytest.mark.django_db
def test_pending_issue_cannot_be_recomposed(issue, editor):
    section = three_items(issue)
    issue.status = Issue.Status.PENDING_SIGNOFF
    issue.save()
    first = Item.objects.get(issue=issue, title="甲")
    with pytest.raises(WorkflowError, match="已提交签发"):
        services.move_item(issue, first.pk, "down", editor)
    assert item_titles(issue, section) == ["甲", "乙", "丙"]


@pytest.mark.django_db
def test_move_item_down_and_up(issue, editor):
    section = three_items(issue)
    first = Item.objects.get(issue=issue, title="甲")
    services.move_item(issue, first.pk, "down", editor)
    assert item_titles(issue, section) == ["乙", "甲", "丙"]
    services.move_item(issue, first.pk, "down", editor)
    assert item_titles(issue, section) == ["乙", "丙", "甲"]
    with pytest.raises(WorkflowError, match="最后"):
        services.move_item(issue, first.pk, "down", editor)
    services.move_item(issue, first.pk, "up", editor)
    assert item_titles(issue, section) == ["乙", "甲", "丙"]
    positions = Item.objects.filter(issue=issue).order_by("position")
    assert [item.position for item in positions] == [1, 2, 3]
    assert issue.events.filter(action="reorder_items").count() == 3


@pytest.mark.django_db
def test_set_item_order_from_drag_and_drop(issue, editor):
    section = three_items(issue)
    ids = dict(Item.objects.filter(issue=issue).values_list("title", "pk"))
    services.set_item_order(
        issue, section.pk, [ids["丙"], ids["甲"], ids["乙"]], editor
    )
    assert item_titles(issue, section) == ["丙", "甲", "乙"]


@pytest.mark.django_db
def test_set_item_order_refuses_a_stale_or_foreign_list(issue, editor):
    section = three_items(issue)
    ids = list(Item.objects.filter(issue=issue).values_list("pk", flat=True))
    stranger = factories.make_item()
    for bad in (ids[:2], [*ids, stranger.pk], [ids[0], ids[0], ids[1]], ["x"]):
        with pytest.raises(WorkflowError):
            services.set_item_order(issue, section.pk, bad, editor)
    assert item_titles(issue, section) == ["甲", "乙", "丙"]


@pytest.mark.django_db
def test_move_and_set_section_order(issue, editor):
    three_sections(issue)
    middle = IssueSection.objects.get(issue=issue, section__name="质量")
    services.move_section(issue, middle.pk, "up", editor)
    assert section_names(issue) == ["质量", "项目", "民生"]
    ids = dict(issue.issue_sections.values_list("section__name", "pk"))
    services.set_section_order(issue, [ids["民生"], ids["项目"], ids["质量"]], editor)
    assert section_names(issue) == ["民生", "项目", "质量"]
    assert sorted(issue.issue_sections.values_list("position", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_move_item_to_another_section_appends_and_closes_the_gap(issue, editor):
    section = three_items(issue)
    other = factories.make_section(name="交通")
    place_item(issue, other, title="丁")
    first = Item.objects.get(issue=issue, title="甲")
    services.move_item_to_section(issue, first.pk, other, editor)
    assert item_titles(issue, other) == ["丁", "甲"]
    assert item_titles(issue, section) == ["乙", "丙"]
    remaining = Item.objects.filter(issue=issue, section=section)
    assert sorted(remaining.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_move_item_to_a_section_not_yet_in_the_issue_adds_it_last(issue, editor):
    three_items(issue)
    new = factories.make_section(name="社会稳定")
    item = Item.objects.get(issue=issue, title="乙")
    services.move_item_to_section(issue, item.pk, new, editor)
    assert section_names(issue)[-1] == "社会稳定"
    assert item_titles(issue, new) == ["乙"]


@pytest.mark.django_db
def test_reorder_is_for_editors_only(issue):
    three_items(issue)
    first = Item.objects.get(issue=issue, title="甲")
    with pytest.raises(WorkflowError, match="只有编辑"):
        services.move_item(issue, first.pk, "down", factories.make_signer())


@pytest.mark.django_db
def test_an_item_of_another_issue_cannot_be_moved_here(issue, editor):
    three_items(issue)
    other_issue = factories.make_issue()
    foreign = place_item(other_issue, factories.make_section())
    with pytest.raises(WorkflowError, match="本期没有"):
        services.move_item(issue, foreign.pk, "up", editor)
