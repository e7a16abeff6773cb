"""Two transitions racing on one item: exactly one wins (PostgreSQL row locks)."""

import threading

import pytest
from django.db import connection

from briefing.models import Item
from briefing.services import items as services
from briefing.services.errors import StaleVersionError, WorkflowError

from .item_helpers import S, item_in_state, make_cast

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL; SQLite locks the file",
    ),
    pytest.mark.django_db(transaction=True),
]


def race(*actions):
    """Run the actions at the same moment in threads; return their outcomes."""
    barrier = threading.Barrier(len(actions))
    outcomes = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait()
            action()
            outcomes[index] = "ok"
        except WorkflowError as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(i, action))
        for i, action in enumerate(actions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_two_editors_claim_at_once_exactly_one_wins():
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    outcomes = race(
        lambda: services.claim_item(Item.objects.get(pk=item.pk), cast.editor),
        lambda: services.claim_item(Item.objects.get(pk=item.pk), cast.other_editor),
    )
    assert outcomes.count("ok") == 1
    loser = next(o for o in outcomes if o != "ok")
    assert "编辑中" in loser.message and "领取" in loser.message
    item.refresh_from_db()
    assert item.status == S.EDITING
    assert item.events.filter(action="claim").count() == 1


def test_return_and_adopt_at_once_exactly_one_wins():
    cast = make_cast()
    item = item_in_state(cast, S.SUBMITTED)
    outcomes = race(
        lambda: services.return_item(
            Item.objects.get(pk=item.pk), cast.editor, "请补充投资数据"
        ),
        lambda: services.adopt_item(
            Item.objects.get(pk=item.pk), cast.issue, cast.section, cast.other_editor
        ),
    )
    assert outcomes.count("ok") == 1
    assert isinstance(next(o for o in outcomes if o != "ok"), WorkflowError)
    item.refresh_from_db()
    assert item.status in {S.RETURNED, S.ADOPTED}
    assert item.version == 2


def test_two_saves_of_the_same_version_exactly_one_wins():
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)

    def save(title):
        return lambda: services.update_item(
            Item.objects.get(pk=item.pk), cast.clerk, version=1, title=title, body=""
        )

    outcomes = race(save("甲"), save("乙"))
    assert outcomes.count("ok") == 1
    assert isinstance(next(o for o in outcomes if o != "ok"), StaleVersionError)
    item.refresh_from_db()
    assert item.version == 2 and item.title in {"甲", "乙"}
