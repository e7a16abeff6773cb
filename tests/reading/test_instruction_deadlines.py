"""批示 with a 办理时限 and 转办: each unit signs for it and feeds back on its
own; the units not fed back are reminded on the limit's last day and once when
it has passed (each once, however often beat runs), and marked 逾期."""

import datetime
import zoneinfo

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from lxml import html as lxml_html

from audit.models import AuditEvent
from notifications.models import Delivery, Notification
from reading import selectors, services, tasks
from reading.models import Instruction, InstructionUnit
from tests import factories

from .factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
S = Instruction.Status
LIMIT = datetime.date(2026, 12, 10)


def at(time_machine, day, hour=9, minute=0, month=12):
    time_machine.move_to(
        datetime.datetime(2026, month, day, hour, minute, tzinfo=TZ), tick=False
    )


@pytest.fixture
def world(time_machine, tmp_path, settings):
    """民政局's item; the leader's 批示 on it, written 1 December with the
    办理时限 10 December and sent on to 教体局. 司法局 handles nothing."""
    settings.MEDIA_ROOT = tmp_path
    at(time_machine, 1)
    units = {
        name: factories.make_department(short_name=name)
        for name in ["民政局", "教体局", "司法局"]
    }
    people = {
        "leader": factories.make_reader(first_name="陈副县长"),
        "editor": factories.make_editor(),
        "mzj": factories.make_clerk(units["民政局"], first_name="民政信息员"),
        "jtj": factories.make_clerk(units["教体局"], first_name="教体信息员"),
        "jtj_reviewer": factories.make_reviewer(units["教体局"]),
        "sfj": factories.make_clerk(units["司法局"]),
    }
    distribution = make_distribution(groups=[make_group(people["leader"])])
    issue = make_issue(distribution, department=units["民政局"])
    return people, units, issue, issue.items.get()


def write(client, world, **data):
    people, units, issue, item = world
    client.force_login(people["leader"])
    return client.post(
        reverse("reading:instruction_create", args=[issue.pk, item.pk]),
        {"text": "请民政局、教体局共同做好冬季困难学生救助。", **data},
    )


def written(client, world, django_capture_on_commit_callbacks):
    people, units, issue, item = world
    with django_capture_on_commit_callbacks(execute=True):
        response = write(
            client,
            world,
            deadline=LIMIT.isoformat(),
            transfer_to=[units["教体局"].pk],
        )
    assert response.status_code == 302
    return Instruction.objects.get()


def remind(django_capture_on_commit_callbacks) -> int:
    with django_capture_on_commit_callbacks(execute=True):
        return services.send_due_reminders()


def reminders_to(user):
    return list(
        Notification.objects.filter(recipient=user, title__contains="批示")
        .exclude(title__contains="陈副县长批示")
        .order_by("id")
        .values_list("title", flat=True)
    )


def test_the_leader_sets_a_limit_and_sends_it_on_to_a_second_unit(
    client, world, django_capture_on_commit_callbacks
):
    people, units, issue, item = world
    instruction = written(client, world, django_capture_on_commit_callbacks)
    assert instruction.deadline == LIMIT
    rows = list(instruction.units.values_list("department__short_name", "is_transfer"))
    assert rows == [("民政局", False), ("教体局", True)]
    # Both units and the editors are told at once; 司法局 is not.
    for who in ["mzj", "jtj", "jtj_reviewer", "editor"]:
        note = Notification.objects.get(recipient=people[who])
        assert "办理时限12月10日" in note.body
    assert not Notification.objects.filter(recipient=people["sfj"]).exists()
    event = AuditEvent.objects.get(action="reading.instruction_write")
    assert "办理时限12月10日；转办教体局；" in event.reason


def test_a_limit_before_today_is_refused_with_what_was_written(client, world):
    response = write(client, world, deadline="2026-11-30")
    assert response.status_code == 400
    assert "办理时限不能早于今天。" in response.content.decode()
    assert "冬季困难学生救助" in response.content.decode()
    assert not Instruction.objects.exists()


def test_each_unit_signs_and_feeds_back_on_its_own(
    client, world, django_capture_on_commit_callbacks
):
    people, units, issue, item = world
    instruction = written(client, world, django_capture_on_commit_callbacks)
    detail = reverse("reading:instruction_detail", args=[instruction.pk])
    sign = reverse("reading:instruction_sign", args=[instruction.pk])
    feedback = reverse("reading:instruction_feedback", args=[instruction.pk])

    # A unit it was not sent to: 404 everywhere, not in its inbox.
    client.force_login(people["sfj"])
    assert client.get(detail).status_code == 404
    assert client.post(sign).status_code == 404
    assert client.post(feedback, {"body": "<p>x</p>"}).status_code == 404
    assert "冬季困难学生" not in client.get(reverse("reading:unit_inbox")).text

    # 教体局 (转办) sees it in its inbox and signs for its own part.
    client.force_login(people["jtj"])
    inbox = client.get(reverse("reading:unit_inbox")).text
    assert "陈副县长批示《" in inbox and "（转办）" in inbox
    assert "办理时限 2026-12-10" in inbox
    assert client.get(detail).status_code == 200
    assert client.post(sign).status_code == 302
    state = dict(instruction.units.values_list("department__short_name", "status"))
    assert state == {"民政局": S.PENDING, "教体局": S.SIGNED}
    instruction.refresh_from_db()
    assert instruction.status == S.PENDING  # 民政局 has not signed yet
    client.post(feedback, {"body": "<p>已摸排困难学生86人。</p>"})

    client.force_login(people["mzj"])
    client.post(sign)
    instruction.refresh_from_db()
    assert instruction.status == S.SIGNED
    client.post(feedback, {"body": "<p>已发放救助金。</p>"})
    instruction.refresh_from_db()
    assert instruction.status == S.ANSWERED
    # A unit reads its own feedback, not the other's; the leader reads both.
    page = client.get(detail).text
    assert "已发放救助金" in page and "已摸排困难学生" not in page
    client.force_login(people["leader"])
    page = client.get(detail).text
    assert "已发放救助金" in page and "已摸排困难学生86人" in page
    assert AuditEvent.objects.filter(action="reading.instruction_sign").count() == 2


def test_reminders_before_at_and_after_the_limit_each_once(
    client, world, time_machine, django_capture_on_commit_callbacks
):
    people, units, issue, item = world
    instruction = written(client, world, django_capture_on_commit_callbacks)
    # 民政局 signs and feeds back early; 教体局 only signs.
    at(time_machine, 3)
    services.sign_instruction(instruction, people["mzj"])
    services.file_feedback(instruction, people["mzj"], "<p>已落实。</p>")

    at(time_machine, 9, hour=23, minute=59)  # the day before the last day
    assert remind(django_capture_on_commit_callbacks) == 0

    at(time_machine, 10, hour=8)  # the last day of the 办理时限
    assert remind(django_capture_on_commit_callbacks) == 1
    assert reminders_to(people["jtj"]) == ["批示办理时限将到：《" + item.title + "》"]
    assert reminders_to(people["jtj_reviewer"]) == reminders_to(people["jtj"])
    body = Notification.objects.filter(recipient=people["jtj"]).first().body
    assert "办理时限为12月10日，请在12月10日结束前签收并反馈落实情况。" in body
    assert reminders_to(people["mzj"]) == []  # fed back already

    at(time_machine, 10, hour=23, minute=59)  # still within the limit
    assert remind(django_capture_on_commit_callbacks) == 0

    services.sign_instruction(instruction, people["jtj"])
    at(time_machine, 11, hour=0)  # the limit has ended
    assert remind(django_capture_on_commit_callbacks) == 1
    assert reminders_to(people["jtj"])[-1] == f"批示已逾期：《{item.title}》"
    body = Notification.objects.filter(recipient=people["jtj"]).first().body
    assert "已逾期，请尽快反馈落实情况。" in body  # signed: only the feedback left

    at(time_machine, 20)
    assert remind(django_capture_on_commit_callbacks) == 0
    assert len(reminders_to(people["jtj"])) == 2
    events = AuditEvent.objects.filter(action="reading.instruction_remind")
    assert [e.reason for e in events.order_by("id")] == [
        "教体局：时限前提醒（待签收，办理时限12月10日）",
        "教体局：逾期提醒（已签收，办理时限12月10日）",
    ]
    assert all(e.user is None for e in events)


def test_beat_run_twice_sends_once(
    client, world, time_machine, django_capture_on_commit_callbacks
):
    people, units, issue, item = world
    written(client, world, django_capture_on_commit_callbacks)
    at(time_machine, 11, hour=8)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.send_due_reminders.delay()
        tasks.send_due_reminders.delay()
    # Overdue: both units, each member once; the missed 时限前 one is not sent.
    for who in ["mzj", "jtj", "jtj_reviewer"]:
        assert reminders_to(people[who]) == [f"批示已逾期：《{item.title}》"]
    told = Delivery.objects.filter(purpose="instruction_reminder")
    members = selectors.unit_members([units["民政局"].pk, units["教体局"].pk])
    assert sorted(told.values_list("recipient", flat=True)) == sorted(
        members.values_list("pk", flat=True)
    )
    assert AuditEvent.objects.filter(action="reading.instruction_remind").count() == 2
    assert not InstructionUnit.objects.filter(overdue_reminded_at__isnull=True).exists()
    # And beat runs the task, in office hours.
    entry = django_settings.CELERY_BEAT_SCHEDULE["instruction-reminders"]
    assert entry["task"] == tasks.send_due_reminders.name


def test_no_reminder_before_the_limit_for_one_written_on_its_last_day(
    client, world, time_machine, django_capture_on_commit_callbacks
):
    at(time_machine, 10, hour=9)
    written(client, world, django_capture_on_commit_callbacks)
    at(time_machine, 10, hour=10)
    assert remind(django_capture_on_commit_callbacks) == 0
    at(time_machine, 11, hour=8)
    assert remind(django_capture_on_commit_callbacks) == 2


def test_without_a_limit_no_reminders(
    client, world, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        write(client, world)
    at(time_machine, 28, hour=9)
    assert remind(django_capture_on_commit_callbacks) == 0


def rows(response):
    page = lxml_html.fromstring(response.content.decode())
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./td")]
        for row in page.xpath("//table[contains(@class,'instructions')]/tbody/tr")
    ]


def test_overdue_units_are_marked_for_the_leader_and_the_editor(
    client, world, time_machine, django_capture_on_commit_callbacks
):
    people, units, issue, item = world
    instruction = written(client, world, django_capture_on_commit_callbacks)
    at(time_machine, 2)
    services.sign_instruction(instruction, people["mzj"])
    services.file_feedback(instruction, people["mzj"], "<p>已落实。</p>")

    at(time_machine, 10, hour=23)
    client.force_login(people["leader"])
    (row,) = rows(client.get(reverse("reading:my_instructions")))
    assert row[3] == "民政局 已反馈 教体局（转办） 待签收"
    assert row[4] == "2026-12-10"
    assert row[7] == "9 天"

    at(time_machine, 11, hour=9)
    client.force_login(people["leader"])  # the session of last night has expired
    (row,) = rows(client.get(reverse("reading:my_instructions")))
    assert row[3] == "民政局 已反馈 教体局（转办） 待签收 逾期"
    assert row[6] == "待签收 逾期"
    assert row[7] == "10 天"
    client.force_login(people["editor"])
    (row,) = rows(client.get(reverse("reading:instruction_list")))
    assert row[2] == "民政局 已反馈 教体局（转办） 待签收 逾期"
    assert row[6] == "待签收 逾期"
    client.force_login(people["jtj"])
    inbox = client.get(reverse("reading:unit_inbox")).text
    assert "逾期" in inbox
    client.force_login(people["mzj"])
    assert "逾期" not in client.get(reverse("reading:unit_inbox")).text
