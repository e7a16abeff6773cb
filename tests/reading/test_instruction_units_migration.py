"""The 批示 written before 转办 existed: each becomes one row of its item's
unit, keeping who signed for it, when, and its feedback."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reading.models import Instruction
from tests import factories

from .factories import make_distribution, make_group, make_issue

BEFORE = [("reading", "0004_distribution_units")]
AFTER = [("reading", "0005_instruction_units_and_time_limit")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_old_instructions_become_their_item_units_rows():
    unit = factories.make_department(short_name="民政局")
    clerk = factories.make_clerk(unit)
    leader = factories.make_reader()
    issue = make_issue(make_distribution(groups=[make_group(leader)]), department=unit)
    item = issue.items.get()
    ids = [
        Instruction.objects.create(item=item, issue=issue, author=leader, text=t).pk
        for t in ["待签收的", "已签收的", "已反馈的"]
    ]
    signed = datetime.datetime(2026, 11, 2, 9, tzinfo=datetime.UTC)
    answered = datetime.datetime(2026, 11, 3, 9, tzinfo=datetime.UTC)
    try:
        old = migrate(BEFORE)
        OldInstruction = old.get_model("reading", "Instruction")
        OldInstruction.objects.filter(pk=ids[1]).update(
            status="signed", signed_by_id=clerk.pk, signed_at=signed
        )
        OldInstruction.objects.filter(pk=ids[2]).update(
            status="answered",
            signed_by_id=clerk.pk,
            signed_at=signed,
            answered_at=answered,
        )
        old.get_model("reading", "InstructionFeedback").objects.create(
            instruction_id=ids[2], body="<p>已落实。</p>", author_id=clerk.pk
        )
    finally:
        new = migrate(AFTER)
    Unit = new.get_model("reading", "InstructionUnit")
    rows = {
        row.instruction_id: row
        for row in Unit.objects.filter(instruction_id__in=ids).select_related(
            "feedback"
        )
    }
    assert sorted(rows) == sorted(ids)
    assert {row.department_id for row in rows.values()} == {unit.pk}
    assert not any(row.is_transfer for row in rows.values())
    assert [rows[pk].status for pk in ids] == ["pending", "signed", "answered"]
    assert rows[ids[0]].signed_by_id is None
    assert rows[ids[1]].signed_by_id == clerk.pk and rows[ids[1]].signed_at == signed
    assert rows[ids[2]].answered_at == answered
    assert rows[ids[2]].feedback.body == "<p>已落实。</p>"
