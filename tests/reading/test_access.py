"""Who may read which issue online: every reader kind × issues inside and
outside their distribution × issue states → 200 or 404 (302 for anonymous).

A unit's clerk or reviewer reads what goes to their unit (named, or 各单位)."""

import pytest
from django.urls import reverse

from briefing.models import Issue
from tests import factories

from .factories import make_distribution, make_document, make_group, make_issue

pytestmark = pytest.mark.django_db

S = Issue.Status
KINDS = [
    "anonymous",
    "clerk",
    "clerk_named",
    "reviewer_named",
    "reader_in_group",
    "reader_by_name",
    "reader_elsewhere",
    "editor",
    "signer",
    "admin",
]
# Issue → the kinds that may read it; everyone else gets 404 (anonymous 302).
CASES = {
    "issued_to_them": {
        "clerk_named",
        "reviewer_named",
        "reader_in_group",
        "reader_by_name",
        "editor",
        "signer",
        "admin",
    },
    "issued_elsewhere": {"reader_elsewhere", "editor", "signer", "admin"},
    "issued_to_all_units": {
        "clerk",
        "clerk_named",
        "reviewer_named",
        "editor",
        "signer",
        "admin",
    },
    "issued_no_list": {"editor", "signer", "admin"},
    "draft_to_them": set(),
    "pending_to_them": set(),
}


@pytest.fixture
def world(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    dept = factories.make_department()
    named = factories.make_department()
    users = {
        "anonymous": None,
        "clerk": factories.make_clerk(dept),
        "clerk_named": factories.make_clerk(named),
        "reviewer_named": factories.make_reviewer(named),
        "reader_in_group": factories.make_reader(),
        "reader_by_name": factories.make_reader(),
        "reader_elsewhere": factories.make_reader(),
        "editor": factories.make_editor(),
        "signer": factories.make_signer(),
        "admin": factories.make_admin(),
    }
    theirs = make_distribution(
        groups=[make_group(users["reader_in_group"])],
        users=[users["reader_by_name"]],
    )
    theirs.recipients.departments.add(named)
    elsewhere = make_distribution(groups=[make_group(users["reader_elsewhere"])])
    all_units = make_distribution()
    all_units.recipients.all_units = True
    all_units.recipients.save()
    issues = {
        "issued_to_them": make_issue(theirs),
        "issued_elsewhere": make_issue(elsewhere),
        "issued_to_all_units": make_issue(all_units),
        "issued_no_list": make_issue(None),
        "draft_to_them": make_issue(theirs, status=S.DRAFT),
        "pending_to_them": make_issue(theirs, status=S.PENDING_SIGNOFF),
    }
    documents = {name: make_document(issue) for name, issue in issues.items()}
    return users, issues, documents


def _expected(kind, case):
    if kind == "anonymous":
        return 302
    return 200 if kind in CASES[case] else 404


@pytest.mark.parametrize("kind", KINDS)
def test_issue_page_by_reader_kind_and_issue(client, world, kind):
    users, issues, _ = world
    if users[kind] is not None:
        client.force_login(users[kind])
    got = {
        case: client.get(reverse("reading:issue", args=[issue.pk])).status_code
        for case, issue in issues.items()
    }
    assert got == {case: _expected(kind, case) for case in issues}


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_download_by_reader_kind_and_issue(client, world, kind):
    users, issues, documents = world
    if users[kind] is not None:
        client.force_login(users[kind])
    got = {
        case: client.get(
            reverse("reading:document", args=[issue.pk, documents[case].pk])
        ).status_code
        for case, issue in issues.items()
    }
    assert got == {case: _expected(kind, case) for case in issues}


@pytest.mark.parametrize("kind", KINDS)
def test_home_lists_exactly_the_issues_they_may_read(client, world, kind):
    users, issues, _ = world
    if users[kind] is None:
        assert client.get(reverse("reading:home")).status_code == 302
        return
    client.force_login(users[kind])
    response = client.get(reverse("reading:home"))
    assert response.status_code == 200
    listed = {
        case
        for case, issue in issues.items()
        if reverse("reading:issue", args=[issue.pk]) in response.content.decode()
    }
    assert listed == {case for case in issues if kind in CASES[case]}


def test_another_issues_document_id_is_404(client, world):
    users, issues, documents = world
    client.force_login(users["reader_in_group"])
    url = reverse(
        "reading:document",
        args=[issues["issued_to_them"].pk, documents["issued_elsewhere"].pk],
    )
    assert client.get(url).status_code == 404


def test_reader_removed_from_the_group_loses_access(client, world):
    users, issues, _ = world
    reader = users["reader_in_group"]
    url = reverse("reading:issue", args=[issues["issued_to_them"].pk])
    client.force_login(reader)
    assert client.get(url).status_code == 200
    reader.recipient_groups.clear()
    assert client.get(url).status_code == 404


def test_receipts_page_only_for_editors(client, world):
    users, issues, _ = world
    url = reverse("reading:receipts", args=[issues["issued_to_them"].pk])
    for kind in ["clerk", "reader_in_group", "signer", "admin"]:
        client.force_login(users[kind])
        assert client.get(url).status_code == 404, kind
    client.force_login(users["editor"])
    assert client.get(url).status_code == 200
    draft = reverse("reading:receipts", args=[issues["draft_to_them"].pk])
    assert client.get(draft).status_code == 404


def test_unit_taken_off_the_distribution_loses_access(client, world):
    users, issues, _ = world
    clerk = users["clerk_named"]
    url = reverse("reading:issue", args=[issues["issued_to_them"].pk])
    client.force_login(clerk)
    assert client.get(url).status_code == 200
    issues["issued_to_them"].distribution_list.recipients.departments.clear()
    assert client.get(url).status_code == 404
