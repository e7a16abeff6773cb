"""Every issue state × every move × every role: allowed or refused, through the
services (the item's counterpart: test_workflow_matrix).

The expected set below is written out by hand from issue 14 and the README
(组版、编号与签发), not derived from briefing.workflow, so a wrong row in the
table or a service that ignores it fails here. 组版 is every compose service
(settings, orders, moving an item, removing an empty section), each on its own.
"""

import datetime

import pytest
from django.db import transaction

from audit.roles import AUDITOR
from briefing import workflow
from briefing.models import Issue, IssueSection, Item
from briefing.services import issues as services
from briefing.services.errors import WorkflowError
from tests import factories
from tests.briefing.issue_factories import FakeRenderer, composed_issue, place_item

S = Issue.Status

ROLES = [
    "editor",
    "signer",
    "admin",
    "reader",
    "clerk",
    "reviewer",
    "auditor",
    "no_role",
]

# (role, move) → issue states in which that role may make that move.
ALLOWED = {
    ("editor", "compose"): {S.DRAFT},
    ("editor", "submit"): {S.DRAFT},
    ("signer", "send_back"): {S.PENDING_SIGNOFF},
    ("signer", "sign_off"): {S.PENDING_SIGNOFF},
    ("signer", "correct"): {S.ISSUED},
    ("admin", "correct"): {S.ISSUED},
}
MAY_CREATE = {"editor"}

TARGET = {
    "submit": S.PENDING_SIGNOFF,
    "send_back": S.DRAFT,
    "sign_off": S.ISSUED,
}


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(services, "render_pdf", renderer)
    return renderer


@pytest.fixture
def people():
    department = factories.make_department()
    return {
        "editor": factories.make_editor(),
        "signer": factories.make_signer(),
        "admin": factories.make_admin(),
        "reader": factories.make_reader(),
        "clerk": factories.make_clerk(department),
        "reviewer": factories.make_reviewer(department),
        "auditor": factories.make_user(group=AUDITOR),
        "no_role": factories.make_user(),
    }


def issue_in_state(state, signer):
    """An issue with two sections of items and one empty section, in ``state``."""
    status = S.DRAFT if state == S.DRAFT else S.PENDING_SIGNOFF
    issue = composed_issue(status=status)
    place_item(issue, factories.make_section())
    empty = factories.make_section()
    IssueSection.objects.create(issue=issue, section=empty, position=3)
    if state == S.ISSUED:
        services.sign_off_issue(issue, signer)
    return Issue.objects.get(pk=issue.pk)


def _rows(issue):
    return list(issue.issue_sections.order_by("position"))


def _items(issue, issue_section):
    return list(
        Item.objects.filter(issue=issue, section=issue_section.section).order_by(
            "position"
        )
    )


def _update(issue, user):
    services.update_issue(
        issue,
        user,
        issue_date=datetime.date(2026, 12, 1),
        distribution_list=issue.distribution_list,
        copies=30,
        version=issue.version,
    )


def _move_section(issue, user):
    services.move_section(issue, _rows(issue)[0].pk, "down", user)


def _set_section_order(issue, user):
    services.set_section_order(issue, [r.pk for r in reversed(_rows(issue))], user)


def _move_item(issue, user):
    services.move_item(issue, _items(issue, _rows(issue)[0])[0].pk, "down", user)


def _set_item_order(issue, user):
    first = _rows(issue)[0]
    ids = [i.pk for i in reversed(_items(issue, first))]
    services.set_item_order(issue, first.section_id, ids, user)


def _move_item_to_section(issue, user):
    first, second = _rows(issue)[:2]
    item = _items(issue, first)[0]
    services.move_item_to_section(issue, item.pk, second.section, user)


def _remove_empty_section(issue, user):
    services.remove_empty_section(issue, _rows(issue)[-1].pk, user)


def _submit(issue, user):
    services.submit_for_signoff(issue, user)


def _send_back(issue, user):
    services.send_back(issue, user, "请补充第二篇的数据")


def _sign_off(issue, user):
    services.sign_off_issue(issue, user)


def _correct(issue, user):
    item = Item.objects.filter(issue=issue).order_by("pk").first()
    services.issue_correction(
        issue,
        user,
        reason="更正错字",
        version=issue.version,
        items={item.pk: {"title": "更正后的标题", "body": "<p>更正后的正文</p>"}},
    )


# move → the service calls that make it.
ACTIONS = {
    "compose": [
        _update,
        _move_section,
        _set_section_order,
        _move_item,
        _set_item_order,
        _move_item_to_section,
        _remove_empty_section,
    ],
    "submit": [_submit],
    "send_back": [_send_back],
    "sign_off": [_sign_off],
    "correct": [_correct],
}


def test_the_table_matches_the_issue():
    table = {(move, state) for (_, move), states in ALLOWED.items() for state in states}
    table.add(("create", workflow.NEW_ISSUE))
    assert table == {(t.move, t.source) for t in workflow.ISSUE_TRANSITIONS}
    assert set(ACTIONS) | {"create"} == set(workflow.ISSUE_MOVES)


def check_case(issue, user, role, move, action) -> list[str]:
    """``action`` by ``user`` on ``issue``: what differs from the table."""
    state = issue.status
    allowed = state in ALLOWED.get((role, move), set())
    name = f"{state} {move}/{action.__name__} {role}"
    wrong = []
    error = None
    try:
        action(issue, user)
    except WorkflowError as exc:
        error = exc
    after = Issue.objects.get(pk=issue.pk)
    changed = after.version != issue.version
    if allowed:
        expected = TARGET.get(move, state)
        if error or not changed or after.status != expected:
            wrong.append(f"{name}: refused ({error})")
    elif error is None:
        wrong.append(f"{name}: no refusal")
    elif changed or after.status != state:
        wrong.append(f"{name}: refused but changed")
    # The buttons follow the same table.
    if workflow.issue_allows(user, issue, move) != allowed:
        wrong.append(f"{name}: issue_allows says {not allowed}")
    return wrong


# The rule table, walked through the services. What each move does in the
# database (locks, numbering, constraints) is tested move by move on both
# databases; the walk itself runs on PostgreSQL only (.ci/run).
@pytest.mark.one_database
@pytest.mark.django_db
def test_every_issue_state_move_and_role(fake_pdf, people):
    cases = 0
    wrong = []
    for state in S.values:
        # The issue is built once per state; each case runs in a savepoint of
        # its own, rolled back, so that every case starts from the same issue.
        with transaction.atomic():
            built = issue_in_state(state, people["signer"])
            for move, actions in ACTIONS.items():
                for action in actions:
                    for role in ROLES:
                        cases += 1
                        with transaction.atomic():
                            issue = Issue.objects.get(pk=built.pk)
                            wrong += check_case(issue, people[role], role, move, action)
                            transaction.set_rollback(True)
            transaction.set_rollback(True)
    for role in ROLES:
        cases += 1
        before = Issue.objects.count()
        error = None
        with transaction.atomic():
            try:
                services.create_issue(
                    actor=people[role],
                    publication=factories.make_publication(),
                    issue_date=datetime.date(2026, 12, 1),
                )
            except WorkflowError as exc:
                error = exc
            made = Issue.objects.count() - before
            transaction.set_rollback(True)
        if role in MAY_CREATE and (error or made != 1):
            wrong.append(f"create {role}: refused ({error})")
        if role not in MAY_CREATE and (error is None or made):
            wrong.append(f"create {role}: allowed")
        if workflow.issue_allows(people[role], None, "create") != (role in MAY_CREATE):
            wrong.append(f"create {role}: issue_allows disagrees")
    print(f"issue workflow matrix: {cases} cases")
    compose_calls = sum(len(actions) for actions in ACTIONS.values())
    assert cases == len(S.values) * compose_calls * len(ROLES) + len(ROLES) == 272
    assert wrong == []
