"""Chinese search: recall on the demo seed items, scope by who searches,
filters, highlighting; the same results on SQLite and PostgreSQL."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from audit.roles import AUDITOR
from briefing.models import Item
from reading import search
from tests import factories

from .factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.mark.parametrize(
    "term, unit",
    [
        ("低保", "民政局"),
        ("纠纷", "司寨乡"),
        ("护学岗", "教体局"),
        ("开发区", "开发区"),
    ],
)
def test_recall_on_the_demo_seed_items(demo, client, term, unit):
    leader = User.objects.get(username="leader")
    result = search.search(leader, term)
    units = {hit.unit for hit in result.hits}
    assert unit in units
    for hit in result.hits:  # exact: every hit really contains the term
        assert term in Item.objects.get(pk=hit.pk).search_text
    # Through the page, with the term highlighted.
    client.force_login(leader)
    page = client.get(reverse("reading:search"), {"q": term}).content.decode()
    assert f"<mark>{term}</mark>" in page
    assert f"（{unit}）" in page


def test_search_matches_exactly_what_a_substring_test_gives(demo):
    editor = User.objects.get(username="editor")
    items = list(search.search_scope(editor))
    for term in [
        "低保",
        "纠纷",
        "开发区",
        "项目",
        "营商环境",
        "不存在的词",
        "95%",
        "A",
    ]:
        result = search.search(editor, term, limit=1000)
        expected = {i.pk for i in items if term.lower() in i.search_text.lower()}
        assert {hit.pk for hit in result.hits} == expected, term
        assert result.count == len(expected)


def test_two_words_must_both_match(demo):
    leader = User.objects.get(username="leader")
    both = search.search(leader, "低保 走访")
    texts = Item.objects.filter(pk__in=[h.pk for h in both.hits])
    assert all("低保" in t and "走访" in t for t in texts.values_list("search_text"))
    assert search.search(leader, "低保 护学岗").count == 0


def test_readers_find_only_what_they_may_read():
    dept = factories.make_department(short_name="民政局")
    reader = factories.make_reader()
    theirs = make_issue(make_distribution(groups=[make_group(reader)]), department=dept)
    elsewhere = make_issue(make_distribution(), department=dept)
    draft = make_issue(
        make_distribution(groups=[make_group(reader)]),
        status="draft",
        department=dept,
    )
    for issue in (theirs, elsewhere, draft):
        issue.items.update(search_text="城乡低保提标")
    found = {hit.issue_id for hit in search.search(reader, "低保").hits}
    assert found == {theirs.pk}
    editor = factories.make_editor()
    found = {hit.issue_id for hit in search.search(editor, "低保").hits}
    assert found == {theirs.pk, elsewhere.pk, draft.pk}


def test_filters_narrow_the_result():
    reader = factories.make_reader()
    distribution = make_distribution(groups=[make_group(reader)])
    a = factories.make_department(short_name="民政局")
    b = factories.make_department(short_name="司寨乡")
    one = make_issue(distribution, department=a)
    two = make_issue(distribution, department=b)
    Item.objects.update(search_text="矛盾纠纷排查化解")
    assert search.search(reader, "纠纷").count == 2
    result = search.search(reader, "纠纷", {"department": b})
    assert [h.issue_id for h in result.hits] == [two.pk]
    result = search.search(reader, "纠纷", {"issue__publication": one.publication})
    assert [h.issue_id for h in result.hits] == [one.pk]
    assert search.search(reader, "纠纷", {"issue__year": 2025}).count == 0


def test_like_wildcards_are_taken_literally():
    reader = factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(reader)]), items=2)
    first, second = issue.items.order_by("pk")
    Item.objects.filter(pk=first.pk).update(search_text="合格率达95%以上")
    Item.objects.filter(pk=second.pk).update(search_text="合格率达95以上 a_b")
    assert [h.pk for h in search.search(reader, "95%").hits] == [first.pk]
    assert [h.pk for h in search.search(reader, "a_b").hits] == [second.pk]
    assert search.search(reader, "a%b").count == 0


def test_a_hit_shows_its_unit_issue_and_section(client):
    """Each hit on the page names its unit, the publication and issue number it
    was printed in, and its section (an editor also finds items in no issue)."""
    reader = factories.make_reader()
    unit = factories.make_department(short_name="民政局")
    section = factories.make_section(name="民生保障")
    issue = make_issue(
        make_distribution(groups=[make_group(reader)]), department=unit, section=section
    )
    Item.objects.update(search_text="城乡低保提标")
    loose = factories.make_item(department=unit, status=Item.Status.SUBMITTED)
    Item.objects.filter(pk=loose.pk).update(search_text="低保对象动态管理")
    client.force_login(reader)
    page = client.get(reverse("reading:search"), {"q": "低保"}).content.decode()
    label = f"{issue.publication.name}第{issue.number}期（总第{issue.total_number}期）"
    assert f"（民政局） · {label} · 【民生保障】" in page
    client.force_login(factories.make_editor())
    page = client.get(reverse("reading:search"), {"q": "低保"}).content.decode()
    assert page.count("（民政局）") == 2
    assert "<mark>低保</mark>对象动态管理" in page


def test_count_is_capped(monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    reader = factories.make_reader()
    make_issue(make_distribution(groups=[make_group(reader)]), items=5)
    Item.objects.update(search_text="民生实事")
    result = search.search(reader, "民生")
    assert result.count_label == "3+"
    assert len(result.hits) == 5


def test_highlight_escapes_first():
    html = search.highlight('<b>低保</b> & "低保"', ["低保"])
    assert html == (
        "&lt;b&gt;<mark>低保</mark>&lt;/b&gt; &amp; &quot;<mark>低保</mark>&quot;"
    )
    assert search.highlight("a &amp b", ["amp"]) == "a &amp;<mark>amp</mark> b"


def test_clerks_find_only_the_issues_sent_to_their_unit():
    dept = factories.make_department(short_name="民政局")
    clerk = factories.make_clerk(dept)
    to_unit = make_distribution()
    to_unit.recipients.departments.add(dept)
    theirs = make_issue(to_unit, department=dept)
    elsewhere = make_issue(make_distribution(), department=dept)
    for issue in (theirs, elsewhere):
        issue.items.update(search_text="城乡低保提标")
    found = {hit.issue_id for hit in search.search(clerk, "低保").hits}
    assert found == {theirs.pk}


def test_auditors_may_not_search(client):
    client.force_login(factories.make_user(group=AUDITOR))
    assert client.get(reverse("reading:search"), {"q": "低保"}).status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the bigram index exists on PostgreSQL"
)
def test_postgresql_search_uses_the_bigram_index(demo):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM briefing_item "
            "WHERE reading_bigrams(search_text) @@ %s::tsquery",
            [search.tsquery("低保")],
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "reading_item_bigrams" in plan


def test_a_unit_and_a_year_without_a_keyword_list_that_units_items(client):
    """A leader who picks 民政局 and 2026 and presses 检索 wants to see what
    民政局 reported that year, not an empty page."""
    reader = factories.make_reader()
    distribution = make_distribution(groups=[make_group(reader)])
    unit = factories.make_department(short_name="民政局")
    other = factories.make_department(short_name="司寨乡")
    theirs = make_issue(distribution, department=unit).items.get()
    make_issue(distribution, department=other)
    client.force_login(reader)
    response = client.get(
        reverse("reading:search"), {"q": "", "unit": unit.pk, "year": 2026}
    )
    page = response.content.decode()
    assert "符合条件的稿件 <strong>1</strong> 篇" in page
    assert theirs.title in page
    assert "（民政局）" in page and "（司寨乡）" not in page
    page = client.get(
        reverse("reading:search"), {"q": "", "unit": unit.pk, "year": 2025}
    ).content.decode()
    assert "没有符合条件的稿件。" in page


def test_nothing_to_search_for_says_so(client):
    reader = factories.make_reader()
    make_issue(make_distribution(groups=[make_group(reader)]))
    client.force_login(reader)
    page = client.get(reverse("reading:search"), {"q": "  ", "unit": ""}).content
    assert "请输入要查找的字词" in page.decode()
    assert b"result-count" not in page and b"search-hits" not in page
    # The first visit, before any search, shows the form only.
    assert (
        "请输入要查找的字词"
        not in client.get(reverse("reading:search")).content.decode()
    )


def test_too_long_keyword_gets_a_plain_message(client):
    client.force_login(factories.make_reader())
    page = client.get(reverse("reading:search"), {"q": "低" * 150}).content.decode()
    assert "关键词最多 100 个字。" in page
    assert "确保该变量" not in page
