"""Two beats at once (a doubled scheduler): the planning job makes each planned
issue once, and the 截稿 reminder goes out once."""

import datetime
import threading
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections

from audit.models import AuditEvent
from notifications.models import Notification
from planning import services
from planning.models import PlannedIssue, Schedule
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks (select_for_update) need PostgreSQL; SQLite locks the file",
    ),
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

SH = ZoneInfo("Asia/Shanghai")
RUNS = 4


def at_once(job):
    start = threading.Barrier(RUNS)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(job())
        except Exception as exc:  # collected and asserted below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return sorted(results)


def test_concurrent_beats_plan_once_and_remind_once(time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=SH), tick=False)
    publication = factories.make_publication("工作简报")
    Schedule.objects.create(
        publication=publication, starts_on=datetime.date(2026, 12, 1)
    )
    unit = factories.make_department("开发区")
    factories.make_clerk(unit)

    assert at_once(services.plan_issues) == [0] * (RUNS - 1) + [4]
    assert PlannedIssue.objects.count() == 4
    assert AuditEvent.objects.filter(action="plan.create").count() == 4

    time_machine.move_to(datetime.datetime(2026, 12, 10, 9, 0, tzinfo=SH), tick=False)
    assert at_once(services.send_deadline_reminders) == [0] * (RUNS - 1) + [1]
    assert Notification.objects.filter(title__startswith="截稿提醒").count() == 1
    assert AuditEvent.objects.filter(action="plan.remind").count() == 1
