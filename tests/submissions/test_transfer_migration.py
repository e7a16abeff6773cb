"""The data migration that turns the 上级采用 and 批示 typed in by hand into
上报 feedback: the hand-computed scores of tests/assessment are unchanged."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from assessment import selectors
from assessment.models import HigherAdoption, InstructionRecord
from assessment.periods import Period
from submissions.models import Submission
from tests.assessment.factories import fixed_data_set

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("assessment", "0005_rule_set_commission_penalties")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def scores(data):
    result = selectors.unit_statistics(
        Period.range(datetime.date(2026, 6, 1), datetime.date(2026, 7, 31)),
        today=datetime.date(2026, 8, 15),
    )
    return {
        name: (result.row_for(data[name].pk).score, result.row_for(data[name].pk).lines)
        for name in ("kfq", "mzj", "jtj")
    }


def test_manual_records_become_feedback_and_scores_stay():
    data = fixed_data_set()
    before = scores(data)
    # As worked out by hand in tests/assessment/test_statistics.py.
    assert {k: v[0] for k, v in before.items()} == {
        "kfq": Decimal(11),
        "mzj": Decimal(6),
        "jtj": Decimal(-3),
    }
    try:
        # Back to before 上报: the records lose their link to a 上报…
        migrate(BEFORE)
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM assessment_higheradoption")
            assert cursor.fetchone()[0] == 2
    finally:
        # …and the migration gives each (item, level) a transferred 上报.
        executor = MigrationExecutor(connection)
        migrate(executor.loader.graph.leaf_nodes())

    after = scores(data)
    assert {k: v[0] for k, v in after.items()} == {
        "kfq": Decimal(11),
        "mzj": Decimal(6),
        "jtj": Decimal(-3),
    }
    assert [
        [line.text for line in after[name][1]] for name in ("kfq", "mzj", "jtj")
    ] == [[line.text for line in before[name][1]] for name in ("kfq", "mzj", "jtj")]

    records = [
        *HigherAdoption.objects.select_related("submission", "level"),
        *InstructionRecord.objects.select_related("submission", "level"),
    ]
    assert len(records) == 4
    for record in records:
        submission = record.submission
        assert submission.origin == Submission.Origin.TRANSFERRED
        assert submission.recipient == record.level.name
        assert submission.created_by == data["editor"]
        assert [e.item_id for e in submission.entries.all()] == [record.item_id]
