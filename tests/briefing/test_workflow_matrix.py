"""Every state × every move × every role: allowed or refused, through the services.

The expected set below is written out by hand from issue 4 (not derived from
briefing.workflow), so a wrong row in the table or a service that ignores it
fails here. Issue 19 added the pool: 已采用 with no issue (POOLED, 待编入) is a
state of its own here, with 编入本期, 移回待编池 and 撤销采用.
"""

import pytest
from django.db import transaction

from briefing import workflow
from briefing.models import Item
from briefing.services import items as services
from briefing.services.errors import WorkflowError

from .item_helpers import ROLES, S, item_in_state, make_cast

POOLED = workflow.POOLED
STATES = [*S.values, POOLED]

# (role, move) → states in which that role may make that move. "editor" holds
# the items that are 编辑中 in these tests; "other_editor" does not.
ALLOWED = {
    ("clerk", "edit"): {S.DRAFT, S.RETURNED, S.WITHDRAWN},
    ("clerk", "submit"): {S.DRAFT, S.RETURNED, S.WITHDRAWN},
    ("clerk", "withdraw"): {S.PENDING_REVIEW, S.SUBMITTED},
    ("reviewer", "approve"): {S.PENDING_REVIEW},
    ("reviewer", "return"): {S.PENDING_REVIEW},
    ("editor", "claim"): {S.SUBMITTED, S.NOT_USED},
    ("editor", "release"): {S.EDITING},
    ("editor", "editor_save"): {S.EDITING, S.ADOPTED, POOLED},
    ("editor", "return"): {S.SUBMITTED, S.EDITING},
    ("editor", "not_use"): {S.SUBMITTED, S.EDITING},
    ("editor", "adopt"): {S.SUBMITTED, S.EDITING},
    ("editor", "remove_from_issue"): {S.ADOPTED},
    ("editor", "place"): {POOLED},
    ("editor", "to_pool"): {S.ADOPTED},
    ("editor", "unadopt"): {POOLED},
    ("other_editor", "claim"): {S.SUBMITTED, S.NOT_USED},
    ("other_editor", "editor_save"): {S.ADOPTED, POOLED},
    ("other_editor", "return"): {S.SUBMITTED},
    ("other_editor", "not_use"): {S.SUBMITTED},
    ("other_editor", "adopt"): {S.SUBMITTED},
    ("other_editor", "remove_from_issue"): {S.ADOPTED},
    ("other_editor", "place"): {POOLED},
    ("other_editor", "to_pool"): {S.ADOPTED},
    ("other_editor", "unadopt"): {POOLED},
    ("admin", "release"): {S.EDITING},
    ("signer", "publish"): {S.ADOPTED},
}

TARGET = {
    "submit": S.SUBMITTED,  # this unit does not require unit review
    "approve": S.SUBMITTED,
    "withdraw": S.WITHDRAWN,
    "claim": S.EDITING,
    "release": S.SUBMITTED,
    "return": S.RETURNED,
    "not_use": S.NOT_USED,
    "adopt": S.ADOPTED,
    "remove_from_issue": S.EDITING,
    "place": S.ADOPTED,
    "to_pool": POOLED,
    "unadopt": S.EDITING,
    "publish": S.PUBLISHED,
}


def perform(move, item, user, cast):
    if move == "edit":
        services.update_item(
            item, user, version=item.version, title="改后的标题", body="<p>改</p>"
        )
    elif move == "editor_save":
        services.editor_save_item(
            item, user, version=item.version, title="编辑改的标题", body="<p>改</p>"
        )
    elif move == "return":
        services.return_item(item, user, "请补充投资数据")
    elif move == "not_use":
        services.not_use_item(item, user, "与本期主题不符")
    elif move == "adopt":
        services.adopt_item(item, cast.issue, cast.section, user)
    elif move == "place":
        services.place_item(item, cast.issue, cast.section, user)
    elif move == "to_pool":
        services.return_to_pool(item, user)
    elif move == "publish":
        services.publish_items_of_issue(cast.issue, user)
    else:
        getattr(services, f"{move}_item" if move != "remove_from_issue" else move)(
            item, user
        )


def test_the_table_matches_the_issue():
    table = {
        (move, state)
        for (role, move), states in ALLOWED.items()
        for state in states
        if role in {"clerk", "reviewer", "editor", "signer", "admin"}
    }
    assert table == {(t.move, t.source) for t in workflow.TRANSITIONS}


# The rule table, walked through the services. What each move does in the
# database (locks, numbering, constraints) is tested move by move on both
# databases; the walk itself runs on PostgreSQL only (.ci/run).
@pytest.mark.one_database
@pytest.mark.django_db
def test_every_state_move_and_role():
    cast = make_cast()
    cases = 0
    wrong = []
    for state in STATES:
        for move in workflow.MOVES:
            for role in ROLES:
                cases += 1
                user = cast.role(role)
                allowed = state in ALLOWED.get((role, move), set())
                with transaction.atomic():
                    item = item_in_state(cast, state)
                    error = None
                    try:
                        perform(move, item, user, cast)
                    except WorkflowError as exc:
                        error = exc
                    after = Item.objects.get(pk=item.pk)
                    changed = after.version != item.version
                    if allowed:
                        expected = TARGET.get(move, state)
                        if error or not changed or workflow.state_of(after) != expected:
                            wrong.append(f"{state} {move} {role}: refused ({error})")
                    elif changed:
                        wrong.append(f"{state} {move} {role}: allowed")
                    elif error is None and move != "publish":
                        wrong.append(f"{state} {move} {role}: no error message")
                    transaction.set_rollback(True)
    print(f"workflow matrix: {cases} cases")
    assert cases == len(STATES) * len(workflow.MOVES) * len(ROLES) == 1350
    assert wrong == []


@pytest.mark.django_db
def test_submit_goes_to_the_unit_reviewer_when_the_unit_requires_it():
    cast = make_cast(requires_unit_review=True)
    item = item_in_state(cast, S.DRAFT)
    item = services.submit_item(item, cast.clerk)
    assert item.status == S.PENDING_REVIEW
    assert item.submitted_at is None  # not yet with the editors
    item = services.approve_item(item, cast.reviewer)
    assert item.status == S.SUBMITTED
    assert item.submitted_at is not None


@pytest.mark.django_db
def test_refusal_messages_say_why():
    cast = make_cast()
    item = item_in_state(cast, S.EDITING)
    with pytest.raises(WorkflowError, match="张编辑"):
        services.claim_item(item, cast.other_editor)
    with pytest.raises(WorkflowError, match="无权"):
        services.approve_item(item_in_state(cast, S.PENDING_REVIEW), cast.clerk)
    with pytest.raises(WorkflowError, match="必须填写"):
        services.return_item(item_in_state(cast, S.SUBMITTED), cast.editor, "  ")
    with pytest.raises(WorkflowError, match="必须填写原因"):
        services.not_use_item(item_in_state(cast, S.SUBMITTED), cast.editor, "")
