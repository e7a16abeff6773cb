"""Search finds exactly what a plain substring scan finds, in the same order.

A small corpus of items in every status, in issues sent to the reader, to
others, and not yet issued, with frequent, rare and odd terms. For an editor,
a reader and a unit's clerk, every term's hits must equal a scan in Python:
the items the person may find whose text contains the term (case ignored),
newest first, the undated ones last, the higher id first on a tie. Both ways
of paging are checked: a count under the cap, and over it. Over it, on
PostgreSQL, the page is looked for among the newest WALK_ROWS items in scope,
and if not all there, in the index's matches sorted by date: a small
WALK_ROWS sends the same terms down that second way.
"""

import datetime
import random
import sys

import pytest
from django.db import connection
from django.utils import timezone

from briefing.models import Issue, Item
from reading import search
from tests import factories

from .factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db
S = Item.Status

PIECES = [
    "养老服务", "义务教育", "医共体", "低保", "纠纷", "柳园村", "王楼", "营商环境",
    "基层治理", "服务", "教育", "ABC工作法", "abc", "95%", "a_b", "的", "，", "。",
    "群众反映的问题已全部办结", "扎实推进", "民生实事", "路径\\文件",
]  # fmt: skip
TERMS = [
    "养老服务", "义务教育", "医共体", "低保", "柳园", "柳园村", "王楼", "服务",
    "教育", "abc", "ABC", "Abc工作", "95%", "a_b", "a%b", "_", "的", "不存在",
    "低保 服务", "服务 教育 的", "营商环境", "治理", "群众", "问题已全部办结",
    "径\\文", "\\", "%", "径\\%",
]  # fmt: skip
EDITOR_SEES = {S.SUBMITTED, S.EDITING, S.ADOPTED, S.PUBLISHED, S.NOT_USED}


@pytest.fixture
def corpus():
    rng = random.Random(17)
    unit = factories.make_department(short_name="民政局")
    other_unit = factories.make_department(short_name="司寨乡")
    reader = factories.make_reader()
    editor = factories.make_editor()
    clerk = factories.make_clerk(unit)
    theirs = make_distribution(groups=[make_group(reader)])
    to_units = make_distribution()
    to_units.recipients.departments.add(unit)
    elsewhere = make_distribution()
    issues = [
        make_issue(theirs, items=6, department=unit),
        make_issue(theirs, items=6, department=other_unit),
        make_issue(to_units, items=8, department=other_unit),
        make_issue(elsewhere, items=6, department=unit),
        make_issue(theirs, status=Issue.Status.DRAFT, items=4, department=unit),
    ]
    for status in [S.DRAFT, S.PENDING_REVIEW, S.SUBMITTED, S.EDITING, S.NOT_USED]:
        for department in (unit, other_unit):
            factories.make_item(department=department, status=status)
    for status in [S.RETURNED, S.WITHDRAWN]:
        factories.make_item(department=unit, status=status)  # never submitted
        factories.make_item(department=other_unit, status=status)
    base = timezone.make_aware(datetime.datetime(2026, 3, 2, 9))
    for item in Item.objects.all():
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(3, 12)))
        # Ties on the date (order by id then), and a few without one.
        dated = item.status not in {S.DRAFT, S.PENDING_REVIEW} or rng.random() < 0.5
        never_sent = item.status in {S.RETURNED, S.WITHDRAWN} and item.pk % 2
        submitted_at = (
            base + datetime.timedelta(days=rng.randint(0, 9))
            if dated and not never_sent
            else None
        )
        Item.objects.filter(pk=item.pk).update(
            search_text=f"{item.title}\n{text}", submitted_at=submitted_at
        )
    return {"reader": reader, "editor": editor, "clerk": clerk, "issues": issues}


def may_find(who, item, corpus):
    """Whom the search serves what, written out without the code's querysets."""
    if who == "editor":
        return item.status in EDITOR_SEES or (
            item.status in {S.RETURNED, S.WITHDRAWN} and item.submitted_at is not None
        )
    readable = {
        "reader": {corpus["issues"][i].pk for i in (0, 1)},
        "clerk": {corpus["issues"][2].pk},
    }[who]
    return item.status == S.PUBLISHED and item.issue_id in readable


def scan(who, query, corpus, **filters):
    """A plain substring scan, newest first, undated last, ties by id."""
    words = search.words_of(query)
    found = [
        item
        for item in Item.objects.filter(**filters)
        if may_find(who, item, corpus)
        and all(w.lower() in item.search_text.lower() for w in words)
    ]
    found.sort(
        key=lambda i: (
            i.submitted_at is not None,
            i.submitted_at.timestamp() if i.submitted_at else 0,
            i.pk,
        ),
        reverse=True,
    )
    return [item.pk for item in found]


# (COUNT_CAP, WALK_ROWS, READ_COST): as shipped (no term passes the
# cap); a cap most terms pass; so few rows to walk that the page is rarely
# among them; and every word counted by reading the newest items first.
SHIPPED = (search.COUNT_CAP, search.WALK_ROWS, search.READ_COST)
SIZES = [SHIPPED, (2, *SHIPPED[1:]), (2, 3, SHIPPED[2]), (2, SHIPPED[1], 0)]


def sized(monkeypatch, cap, walk_rows, read_cost=SHIPPED[2]):
    if (walk_rows, read_cost) != SHIPPED[1:] and (connection.vendor != "postgresql"):
        pytest.skip("SQLite reads every item: no index, no walk")
    monkeypatch.setattr(search, "COUNT_CAP", cap)
    monkeypatch.setattr(search, "WALK_ROWS", walk_rows)
    monkeypatch.setattr(search, "READ_COST", read_cost)


@pytest.mark.parametrize("cap, walk_rows, beats", SIZES)
@pytest.mark.parametrize("who", ["editor", "reader", "clerk"])
def test_hits_are_a_plain_substring_scan(
    corpus, monkeypatch, who, cap, walk_rows, beats
):
    sized(monkeypatch, cap, walk_rows, beats)
    user = corpus[who]
    over_cap = 0
    for term in TERMS:
        expected = scan(who, term, corpus)
        result = search.search(user, term, limit=100)
        assert [hit.pk for hit in result.hits] == expected, term
        assert result.count == min(len(expected), cap + 1), term
        page = search.search(user, term, limit=3)
        assert [hit.pk for hit in page.hits] == expected[:3], term
        over_cap += len(expected) > cap
    # With the small cap most terms take the walk; with the real one none does.
    assert over_cap > 3 if cap == 2 else over_cap == 0


@pytest.mark.parametrize("cap, walk_rows, beats", SIZES)
@pytest.mark.parametrize("who", ["editor", "reader"])
def test_filters_keep_the_hits_exact(corpus, monkeypatch, who, cap, walk_rows, beats):
    sized(monkeypatch, cap, walk_rows, beats)
    unit = corpus["issues"][0].items.first().department
    for term in ["服务", "低保", "柳园村", "的"]:
        expected = scan(who, term, corpus, department=unit)
        result = search.search(corpus[who], term, {"department": unit}, limit=100)
        assert [hit.pk for hit in result.hits] == expected, term


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the index and the walk are PostgreSQL's"
)
def test_the_small_sizes_send_searches_down_every_way(corpus, monkeypatch):
    """The sizes above are only worth their time if each way of finding the
    page is taken by some term: the matches counted through the index or by
    reading the newest items, the walk newest first, and the index's matches
    sorted by date."""
    taken = set()
    ways = ["cap_among_newest", "index_matches", "newest_matches", "newest_candidates"]
    for name in ways:
        original = getattr(search, name)

        def spy(*args, _name=name, _original=original, **kwargs):
            # Each way as the search takes it (the count among the newest
            # items reads them with newest_matches too).
            if sys._getframe(1).f_code.co_name == "_search_postgresql":
                taken.add(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(search, name, spy)
    for sizes in SIZES[1:]:
        sized(monkeypatch, *sizes)
        for term in TERMS:
            search.search(corpus["editor"], term, limit=3)
    assert taken == set(ways)
