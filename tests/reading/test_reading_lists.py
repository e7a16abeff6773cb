"""The readers' lists: each issue's headlines (目录) under its number, unread
marked, at a query count that does not grow with the issues listed."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from briefing.models import Item
from reading.services import record_read
from tests import factories

from .factories import make_distribution, make_issue

pytestmark = pytest.mark.django_db


def queries_for(client, url):
    client.get(url)  # the session and caches settle
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_home_and_year_pages_show_headlines_and_unread_at_a_fixed_query_count(
    client,
):
    leader = factories.make_reader(username="lingdao")
    distribution = make_distribution(users=[leader])
    publication = factories.make_publication(name="工作简报")
    client.force_login(leader)
    counts = {}
    for n in (1, 4):
        while publication.issues.count() < n:
            make_issue(distribution, publication=publication, items=2)
        counts[n] = (
            queries_for(client, reverse("reading:home"))[0],
            queries_for(client, reverse("reading:year", args=[2026]))[0],
        )
    assert counts[1] == counts[4]
    issue = publication.issues.order_by("-issue_date", "-id").first()
    record_read(issue, leader)
    _, home = queries_for(client, reverse("reading:home"))
    _, year = queries_for(client, reverse("reading:year", args=[2026]))
    for page in (home, year):
        for item in Item.objects.filter(issue__publication=publication):
            assert f"<li>{item.title}</li>" in page
        assert page.count("未读") >= 3
    first, second = Item.objects.filter(issue=issue).order_by("position")
    assert home.index(first.title) < home.index(second.title)
