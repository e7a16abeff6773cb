"""The reader's issue page: its content, and a query count that does not grow
with the number of items, sections or 批示."""

import pytest
from django.urls import reverse

from reading.services import write_instruction
from tests import factories

from .factories import make_distribution, make_document, make_group, make_issue

pytestmark = pytest.mark.django_db


# The session, the user with their unit and password state, their groups with
# their permissions, unread notifications; the issue with the reader's lists and
# whether it has 批示 (its text and PDFs are cached), the 批示 shown with their
# units and feedback files, the names of its sections and units, the units a
# 批示 may be sent on to (转办).
ISSUE_PAGE_QUERIES = 10


@pytest.mark.parametrize("items", [1, 8])
def test_query_count_does_not_grow_with_the_issue(
    client, tmp_path, settings, items, django_assert_max_num_queries
):
    settings.MEDIA_ROOT = tmp_path
    reader = factories.make_reader()
    distribution = make_distribution(groups=[make_group(reader)])
    issue = make_issue(distribution, items=items)
    make_issue(distribution, publication=issue.publication)  # the next one
    make_document(issue)
    for item in issue.items.all():
        item.department = factories.make_department()
        item.save(update_fields=["department"])
        write_instruction(item, issue, reader, "请抓好落实。")
    client.force_login(reader)
    url = reverse("reading:issue", args=[issue.pk])
    client.get(url)  # the first read writes the receipt
    with django_assert_max_num_queries(ISSUE_PAGE_QUERIES):
        text = client.get(url).content.decode()
    assert text.count("请抓好落实。") == items
    assert "下一期：" in text


def test_issue_page_shows_masthead_sections_units_and_the_correction(
    client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    reader = factories.make_reader()
    distribution = make_distribution(groups=[make_group(reader)])
    unit = factories.make_department(short_name="司寨乡")
    publication = factories.make_publication()
    earlier = make_issue(distribution, publication=publication, department=unit)
    issue = make_issue(distribution, publication=publication, department=unit)
    original = make_document(issue)
    correction = make_document(issue, is_correction=True)
    client.force_login(reader)
    page = client.get(reverse("reading:issue", args=[issue.pk])).content.decode()
    assert issue.publication.name in page
    assert issue.number_label in page
    assert "2026年11月24日" in page
    assert "（司寨乡）" in page
    section = issue.issue_sections.get().section.name
    assert f"【{section}】" in page
    assert "下载 PDF（更正版）" in page
    assert reverse("reading:document", args=[issue.pk, correction.pk]) in page
    assert reverse("reading:document", args=[issue.pk, original.pk]) in page
    assert reverse("reading:issue", args=[earlier.pk]) in page  # 上一期
    page = client.get(reverse("reading:issue", args=[earlier.pk])).content.decode()
    assert reverse("reading:issue", args=[issue.pk]) in page  # 下一期


def test_a_joint_item_names_its_units_own_first_then_in_their_order(client):
    reader = factories.make_reader()
    own = factories.make_department(short_name="开发区", order=50)
    later = factories.make_department(short_name="民政局", order=20)
    earlier = factories.make_department(short_name="财政局", order=10)
    issue = make_issue(make_distribution(groups=[make_group(reader)]), items=2)
    joint, alone = issue.items.order_by("position", "id")
    joint.department = own
    joint.save(update_fields=["department"])
    joint.joint_units.set([later, earlier, own])
    alone.department = later
    alone.save(update_fields=["department"])
    client.force_login(reader)
    page = client.get(reverse("reading:issue", args=[issue.pk])).content.decode()
    assert "（开发区、财政局、民政局）" in page
    assert page.count("（民政局）") == 1


def test_issued_pdf_is_not_kept_by_shared_computers_or_proxies(
    client, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    reader = factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(reader)]))
    document = make_document(issue)
    client.force_login(reader)
    url = reverse("reading:document", args=[issue.pk, document.pk])
    for query in ({}, {"inline": "1"}):
        response = client.get(url, query)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Cache-Control"] == "private, no-store"
