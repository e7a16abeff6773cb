"""Composing an issue: create, settings with a version check, ordering."""

import datetime

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from briefing.models import Issue, IssueSection, Item
from briefing.services import issues as services
from briefing.services.errors import StaleVersionError, WorkflowError
from briefing.services.items import adopt_item, remove_from_issue
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


# -- removing an empty section ------------------------------------------------


def emptied_middle_section(issue, editor):
    """Three sections 项目/质量/民生; 质量's only item moved to 民生."""
    three_sections(issue)
    item = Item.objects.get(issue=issue, section__name="质量")
    services.move_item_to_section(
        issue, item.pk, IssueSection.objects.get(section__name="民生").section, editor
    )
    return IssueSection.objects.get(issue=issue, section__name="质量")


@pytest.mark.django_db
def test_moving_the_last_item_away_keeps_the_empty_section(issue, editor):
    emptied_middle_section(issue, editor)
    assert section_names(issue) == ["项目", "质量", "民生"]


@pytest.mark.django_db
def test_remove_empty_section_closes_the_gap(issue, editor):
    empty = emptied_middle_section(issue, editor)
    issue.refresh_from_db()
    version = issue.version
    services.remove_empty_section(issue, empty.pk, editor)
    assert section_names(issue) == ["项目", "民生"]
    assert list(
        issue.issue_sections.order_by("position").values_list("position", flat=True)
    ) == [1, 2]
    issue.refresh_from_db()
    assert issue.version == version + 1
    event = issue.events.get(action="remove_section")
    assert event.actor == editor and "质量" in event.comment
    assert AuditEvent.objects.filter(
        action="issue_remove_section", user=editor
    ).exists()
    # A section added afterwards goes last, without clashing positions.
    place_item(issue, factories.make_section(name="交通"))
    assert section_names(issue) == ["项目", "民生", "交通"]


@pytest.mark.django_db
def test_remove_first_section_left_empty_by_remove_from_issue(issue, editor):
    three_sections(issue)
    item = Item.objects.get(issue=issue, section__name="项目")
    remove_from_issue(item, editor)
    first = IssueSection.objects.get(issue=issue, section__name="项目")
    services.remove_empty_section(issue, first.pk, editor)
    assert section_names(issue) == ["质量", "民生"]
    assert sorted(issue.issue_sections.values_list("position", flat=True)) == [1, 2]


@pytest.mark.django_db
def test_a_section_with_items_is_not_removed(issue, editor):
    three_sections(issue)
    full = IssueSection.objects.get(issue=issue, section__name="质量")
    with pytest.raises(WorkflowError, match="还有稿件"):
        services.remove_empty_section(issue, full.pk, editor)
    assert section_names(issue) == ["项目", "质量", "民生"]
    assert not issue.events.filter(action="remove_section").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "status,message",
    [(Issue.Status.PENDING_SIGNOFF, "已提交签发"), (Issue.Status.ISSUED, "已签发")],
)
def test_an_empty_section_stays_once_the_issue_left_compose(
    issue, editor, status, message
):
    empty = emptied_middle_section(issue, editor)
    Issue.objects.filter(pk=issue.pk).update(status=status)
    issue.refresh_from_db()
    with pytest.raises(WorkflowError, match=message):
        services.remove_empty_section(issue, empty.pk, editor)
    assert section_names(issue) == ["项目", "质量", "民生"]


@pytest.mark.django_db
def test_only_editors_remove_sections(issue, editor):
    empty = emptied_middle_section(issue, editor)
    with pytest.raises(WorkflowError, match="只有编辑"):
        services.remove_empty_section(issue, empty.pk, factories.make_signer())
    with pytest.raises(WorkflowError, match="本期没有"):
        services.remove_empty_section(factories.make_issue(), empty.pk, editor)
    assert "质量" in section_names(issue)


def remove_url(issue, issue_section):
    return reverse("briefing:issue_section_remove", args=[issue.pk, issue_section.pk])


@pytest.mark.django_db
def test_the_editor_removes_an_empty_section_from_the_page(issue, editor, client):
    empty = emptied_middle_section(issue, editor)
    client.force_login(editor)
    page = client.get(reverse("briefing:issue_detail", args=[issue.pk]))
    assert page.content.decode().count(">移除空栏目</button>") == 1
    assert remove_url(issue, empty) in page.content.decode()
    response = client.post(remove_url(issue, empty), follow=True)
    assert section_names(issue) == ["项目", "民生"]
    assert "空栏目【质量】已移出本期" in response.content.decode()


@pytest.mark.django_db
def test_the_page_refuses_a_section_with_items(issue, editor, client):
    three_sections(issue)
    full = IssueSection.objects.get(issue=issue, section__name="质量")
    client.force_login(editor)
    response = client.post(remove_url(issue, full), follow=True)
    assert "还有稿件" in response.content.decode()
    assert section_names(issue) == ["项目", "质量", "民生"]


@pytest.mark.django_db
def test_remove_section_is_post_only_and_hidden_from_non_editors(issue, editor, client):
    empty = emptied_middle_section(issue, editor)
    client.force_login(editor)
    assert client.get(remove_url(issue, empty)).status_code == 405
    for user in (
        factories.make_signer(),
        factories.make_reader(),
        factories.make_admin(),
    ):
        client.force_login(user)
        assert client.post(remove_url(issue, empty)).status_code == 404
    assert section_names(issue) == ["项目", "质量", "民生"]


# -- a section new to the issue goes where the sections table puts it ----------


def standard_sections():
    """The sections table's order, as in the seed issue (created out of order)."""
    names = [("质量强县", 20), ("民生实事", 40), ("项目建设", 10), ("招商引资", 30)]
    return {
        name: factories.make_section(name=name, order=order) for name, order in names
    }


@pytest.mark.django_db
def test_adopting_into_new_sections_follows_the_sections_order(issue, editor, client):
    sections = standard_sections()
    department = factories.make_department()
    client.force_login(editor)
    for name in ("民生实事", "项目建设", "招商引资", "质量强县"):
        item = factories.make_item(
            department, status=Item.Status.SUBMITTED, title=f"{name}稿件"
        )
        response = client.post(
            reverse("briefing:item_move", args=[item.pk, "adopt"]),
            {
                "issue": issue.pk,
                "section": sections[name].pk,
                "version": item.version,
            },
        )
        assert response.status_code == 302
    assert section_names(issue) == ["项目建设", "质量强县", "招商引资", "民生实事"]
    positions = issue.issue_sections.values_list("position", flat=True)
    assert sorted(positions) == [1, 2, 3, 4]
    page = client.get(reverse("briefing:issue_detail", args=[issue.pk]))
    text = page.content.decode()
    assert (
        text.index("【项目建设】")
        < text.index("【质量强县】")
        < text.index("【招商引资】")
        < text.index("【民生实事】")
    )


@pytest.mark.django_db
def test_a_new_section_keeps_the_editors_own_order_of_the_others(issue, editor):
    sections = standard_sections()
    for name in ("项目建设", "招商引资", "民生实事"):
        place_item(issue, sections[name])
    # The editor put 民生实事 first on purpose.
    ids = dict(issue.issue_sections.values_list("section__name", "pk"))
    services.set_section_order(
        issue, [ids["民生实事"], ids["项目建设"], ids["招商引资"]], editor
    )
    item = factories.make_item(status=Item.Status.SUBMITTED)
    adopt_item(item, issue, sections["质量强县"], editor)
    # Right after the section before it in the table; the others stay as set.
    assert section_names(issue) == ["民生实事", "项目建设", "质量强县", "招商引资"]
    positions = issue.issue_sections.values_list("position", flat=True)
    assert sorted(positions) == [1, 2, 3, 4]


@pytest.mark.django_db
def test_a_new_first_section_goes_before_the_next_one_in_the_table(issue, editor):
    sections = standard_sections()
    for name in ("招商引资", "质量强县"):
        place_item(issue, sections[name])
    item = factories.make_item(status=Item.Status.SUBMITTED)
    adopt_item(item, issue, sections["项目建设"], editor)
    assert section_names(issue) == ["招商引资", "项目建设", "质量强县"]
