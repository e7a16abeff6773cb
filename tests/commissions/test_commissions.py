"""约稿 and 催报: writing, answering, the per-unit table and the reminders, on a
moved clock (Asia/Shanghai; the deadline is 12月3日 17:00)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from briefing.services import items as item_services
from commissions import selectors, services
from commissions.models import Commission, CommissionAnswer, Reminder
from departments.models import Department
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
WRITTEN = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=SH)
DEADLINE = datetime.datetime(2026, 12, 3, 17, 0, tzinfo=SH)
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)

sent_sms = []


class RecordingSMS:
    def send_messages(self, numbers, text):
        sent_sms.append((numbers, text))


@pytest.fixture(autouse=True)
def sms(settings):
    settings.SMS_BACKEND = f"{__name__}.RecordingSMS"
    sent_sms.clear()
    return sent_sms


@pytest.fixture
def clock(time_machine):
    def move(when):
        time_machine.move_to(when, tick=False)

    move(WRITTEN)
    return move


@pytest.fixture
def units():
    zone = factories.make_department("开发区", kind=Department.Kind.ZONE)
    county = factories.make_department("民政局", kind=Department.Kind.COUNTY)
    township = factories.make_department("马庄乡", kind=Department.Kind.TOWNSHIP)
    people = {
        "zone": factories.make_clerk(zone, email="kfq@example.gov.cn"),
        "zone_reviewer": factories.make_reviewer(zone),
        "county": factories.make_clerk(county, email="mzj@example.gov.cn"),
        "township": factories.make_clerk(township),
    }
    people["zone"].membership.mobile = "13800000001"
    people["zone"].membership.save()
    return {"zone": zone, "county": county, "township": township}, people


@pytest.fixture
def editor():
    return factories.make_editor(username="editor", first_name="张编辑")


@pytest.fixture
def commission(clock, units, editor, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services.create_commission(
            editor,
            topic="冬季安全生产工作情况",
            guidance="<p>请写具体做法。</p><script>alert(1)</script>",
            departments=units[0].values(),
            deadline=DEADLINE,
        )


def run_at(clock, when, capture):
    clock(when)
    with capture(execute=True):
        return services.send_due_reminders()


def answer(commission, clerk, capture):
    """The clerk writes and submits an item answering the commission."""
    with capture(execute=True):
        item = services.start_answer(commission, clerk)
        item_services.update_item(
            item, clerk, version=item.version, title=item.title, body="<p>做法。</p>"
        )
        item.refresh_from_db()
        return item_services.submit_item(item, clerk)


# --- writing ---------------------------------------------------------------------


def test_editor_writes_a_commission_for_units_of_one_kind(clock, units, editor):
    client = factories_client(editor)
    response = client.post(
        reverse("commissions:create"),
        {
            "topic": "乡镇秋冬种进展",
            "guidance": '<p>附数据</p><img src="x" onerror="alert(1)">',
            "scope": "kind",
            "kinds": ["township"],
            "deadline": "2026-12-03T17:00",
            "reminder_hours": "24, 2",
            "remind_when_late": "on",
        },
    )
    commission = Commission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("commissions:detail", args=[commission.pk])
    assert list(commission.departments.all()) == [units[0]["township"]]
    assert commission.deadline == DEADLINE  # the typed time is Shanghai time
    assert commission.reminder_offsets == [1440, 120]
    assert (
        "onerror" not in commission.guidance and "<p>附数据</p>" in commission.guidance
    )
    assert AuditEvent.objects.filter(action="commission.create").count() == 1


def test_a_deadline_in_the_past_is_refused_and_the_text_kept(clock, units, editor):
    client = factories_client(editor)
    response = client.post(
        reverse("commissions:create"),
        {
            "topic": "已经过期的约稿",
            "scope": "all",
            "deadline": "2026-12-01T08:00",
            "reminder_hours": "24",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "截止时间须晚于现在。" in page
    assert 'value="已经过期的约稿"' in page
    assert not Commission.objects.exists()


def test_reminder_hours_must_be_numbers(clock, units, editor):
    response = factories_client(editor).post(
        reverse("commissions:create"),
        {"topic": "x", "scope": "all", "deadline": "2026-12-03T17:00",
         "reminder_hours": "一天"},
    )  # fmt: skip
    assert "“一天”不是小时数" in response.content.decode()
    assert not Commission.objects.exists()


def test_units_asked_are_told_at_once(commission, units):
    _, people = units
    told = set(
        Notification.objects.filter(title="约稿：冬季安全生产工作情况").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {p.username for p in people.values()}
    assert "<script>" not in commission.guidance


# --- automatic reminders ------------------------------------------------------------


def reminded_units(commission):
    return sorted(
        Reminder.objects.filter(commission=commission).values_list(
            "department__short_name", "occasion"
        )
    )


def test_nothing_is_due_before_24_hours_before_the_deadline(
    commission, clock, django_capture_on_commit_callbacks
):
    sent = run_at(
        clock, DEADLINE - 24 * HOUR - SECOND, django_capture_on_commit_callbacks
    )
    assert sent == 0 and not Reminder.objects.exists()


def test_24_hours_before_every_unit_not_answered_is_reminded_once(
    commission, clock, units, sms, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _, people = units
    answer(commission, people["county"], capture)
    mail.outbox.clear()
    assert run_at(clock, DEADLINE - 24 * HOUR, capture) == 2
    assert [u for u, _ in reminded_units(commission)] == ["开发区", "马庄乡"]
    # Run again (a doubled beat, a retry): nothing more is sent.
    assert run_at(clock, DEADLINE - 24 * HOUR, capture) == 0
    assert run_at(clock, DEADLINE - 3 * HOUR, capture) == 0
    reminders = Notification.objects.filter(title="催报：冬季安全生产工作情况")
    assert sorted(reminders.values_list("recipient__username", flat=True)) == sorted(
        [people["zone"].username, people["zone_reviewer"].username,
         people["township"].username]
    )  # fmt: skip
    assert "还剩1天" in reminders.first().body
    assert [m.to for m in mail.outbox] == [["kfq@example.gov.cn"]]
    assert [numbers for numbers, _ in sms] == [["13800000001"]]
    events = AuditEvent.objects.filter(action="commission.remind")
    assert events.count() == 2 and events.filter(user=None).count() == 2


def test_2_hours_before_and_after_the_deadline(
    commission, clock, units, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    run_at(clock, DEADLINE - 24 * HOUR, capture)
    assert run_at(clock, DEADLINE - 2 * HOUR - SECOND, capture) == 0
    assert run_at(clock, DEADLINE - 2 * HOUR, capture) == 3
    assert run_at(clock, DEADLINE - 2 * HOUR, capture) == 0
    # At the deadline an answer is still on time: no late reminder yet.
    assert run_at(clock, DEADLINE, capture) == 0
    assert run_at(clock, DEADLINE + SECOND, capture) == 3
    assert run_at(clock, DEADLINE + 5 * HOUR, capture) == 0
    occasions = {o.split("@")[0] for _, o in reminded_units(commission)}
    assert occasions == {"before:1440", "before:120", "late"}
    assert Reminder.objects.count() == 9


def test_a_job_that_missed_the_24_hour_mark_sends_one_reminder_not_two(
    commission, clock, django_capture_on_commit_callbacks
):
    assert run_at(clock, DEADLINE - HOUR, django_capture_on_commit_callbacks) == 3
    assert {o.split("@")[0] for _, o in reminded_units(commission)} == {"before:120"}


def test_late_reminder_only_within_the_window(
    commission, clock, settings, django_capture_on_commit_callbacks
):
    days = settings.COMMISSION_LATE_REMINDER_DAYS
    late = DEADLINE + datetime.timedelta(days=days) + SECOND
    assert run_at(clock, late, django_capture_on_commit_callbacks) == 0


def test_offsets_already_past_when_written_are_not_sent(
    clock, units, editor, django_capture_on_commit_callbacks
):
    clock(DEADLINE - 3 * HOUR)  # written 3 hours before: the 24-hour mark is past
    commission = services.create_commission(
        editor, topic="急约", departments=[units[0]["zone"]], deadline=DEADLINE
    )
    assert (
        run_at(clock, DEADLINE - 150 * 60 * SECOND, django_capture_on_commit_callbacks)
        == 0
    )
    assert run_at(clock, DEADLINE - 2 * HOUR, django_capture_on_commit_callbacks) == 1
    assert [o.split("@")[0] for _, o in reminded_units(commission)] == ["before:120"]


def test_the_management_command_sends_what_is_due(commission, clock, capsys):
    from django.core.management import call_command

    clock(DEADLINE + HOUR)
    call_command("send_reminders")
    call_command("send_reminders")
    assert capsys.readouterr().out.splitlines() == [
        "已催报 3 个单位。",
        "已催报 0 个单位。",
    ]


# --- answering and the table ------------------------------------------------------


def test_on_time_late_and_missing(
    commission, clock, units, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    found, people = units
    clock(DEADLINE)
    answer(commission, people["county"], capture)  # at the deadline: on time
    clock(DEADLINE + SECOND)
    answer(commission, people["township"], capture)  # a second late
    rows = {
        r.department.short_name: r.status_label for r in selectors.unit_rows(commission)
    }
    assert rows == {"开发区": "逾期未报", "民政局": "已报送", "马庄乡": "迟报"}


def test_a_draft_is_not_an_answer_and_reviewed_units_answer_on_approval(
    commission, clock, units, django_capture_on_commit_callbacks
):
    found, people = units
    found["zone"].requires_unit_review = True
    found["zone"].save()
    item = services.start_answer(commission, people["zone"])
    zone_row = selectors.unit_rows(commission, department=found["zone"])[0]
    assert zone_row.status_label == "尚未报送" and zone_row.items == [item]
    item = item_services.update_item(
        item, people["zone"], version=item.version, title=item.title, body="<p>x</p>"
    )
    item = item_services.submit_item(item, people["zone"])  # to the unit reviewer
    assert not selectors.unit_rows(commission, department=found["zone"])[0].answered
    clock(DEADLINE + HOUR)
    item_services.approve_item(item, people["zone_reviewer"])
    row = selectors.unit_rows(commission, department=found["zone"])[0]
    assert row.status_label == "迟报" and row.items == [item]


def test_clerk_answers_from_the_commission_page(commission, clock, units):
    found, people = units
    client = factories_client(people["county"])
    page = client.get(reverse("commissions:detail", args=[commission.pk]))
    assert "写稿件回应约稿" in page.content.decode()
    response = client.post(reverse("commissions:answer", args=[commission.pk]))
    answer_row = CommissionAnswer.objects.get()
    assert response["Location"] == reverse(
        "briefing:item_edit", args=[answer_row.item.pk]
    )
    assert answer_row.item.title == "冬季安全生产工作情况"
    assert answer_row.item.department == found["county"]
    # A second item for the same request is allowed.
    client.post(reverse("commissions:answer", args=[commission.pk]))
    assert (
        CommissionAnswer.objects.filter(item__department=found["county"]).count() == 2
    )


def test_my_items_shows_open_commissions_with_the_time_left(commission, clock, units):
    found, people = units
    clock(DEADLINE - 26 * HOUR - 30 * 60 * SECOND)
    page = factories_client(people["township"]).get(reverse("briefing:my_items"))
    text = page.content.decode()
    assert "冬季安全生产工作情况" in text and "还剩1天2小时" in text
    clock(DEADLINE + 2 * HOUR)
    text = (
        factories_client(people["township"])
        .get(reverse("briefing:my_items"))
        .content.decode()
    )
    assert "已逾期2小时" in text and "逾期未报" in text
    other = factories.make_clerk(factories.make_department("财政局"))
    text = factories_client(other).get(reverse("briefing:my_items")).content.decode()
    assert "冬季安全生产工作情况" not in text


def test_editor_sees_the_table_and_reminds_by_hand(
    commission, clock, units, editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _, people = units
    answer(commission, people["county"], capture)
    clock(DEADLINE + HOUR)
    client = factories_client(editor)
    text = client.get(
        reverse("commissions:detail", args=[commission.pk])
    ).content.decode()
    assert "3 个单位，2 个尚未报送" in text and "逾期未报" in text
    with capture(execute=True):
        response = client.post(reverse("commissions:remind", args=[commission.pk]))
    assert response.status_code == 302
    assert [u for u, _ in reminded_units(commission)] == ["开发区", "马庄乡"]
    assert Reminder.objects.filter(sent_by=editor).count() == 2
    event = AuditEvent.objects.filter(action="commission.remind").first()
    assert event.username == "editor" and "编辑催报" in event.reason
    assert Notification.objects.filter(title__startswith="催报").count() == 3


def test_list_counts_answered_units(
    commission, clock, units, editor, django_capture_on_commit_callbacks
):
    answer(commission, units[1]["county"], django_capture_on_commit_callbacks)
    text = factories_client(editor).get(reverse("commissions:list")).content.decode()
    assert "1 / 3" in text and "还剩2天8小时" in text


def factories_client(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_guidance_is_sanitised_through_the_real_form(clock, units, editor):
    from tests.browser.test_xss_browser import ALL_PAYLOADS

    client = factories_client(editor)
    client.post(
        reverse("commissions:create"),
        {
            "topic": "防注入",
            "guidance": "".join(ALL_PAYLOADS),
            "scope": "all",
            "deadline": "2026-12-03T17:00",
        },
    )
    commission = Commission.objects.get()
    page = client.get(reverse("commissions:detail", args=[commission.pk]))
    section = page.content.decode().split('aria-label="约稿要求">')[1]
    section = section.split("</section>")[0].lower()
    for bad in ("<script", "onerror", "onload", "javascript:", "<iframe", "<svg"):
        assert bad not in section, bad


# --- changing a commission ------------------------------------------------------


def edit_post(commission, **changes):
    post = {
        "topic": commission.topic,
        "guidance": commission.guidance,
        "scope": "chosen",
        "chosen": [d.pk for d in commission.departments.all()],
        "deadline": "2026-12-03T17:00",
        "reminder_hours": "24, 2",
        "remind_when_late": "on",
    }
    post.update(changes)
    return post


def test_the_edit_form_shows_the_commission_as_it_is(commission, editor):
    page = factories_client(editor).get(
        reverse("commissions:edit", args=[commission.pk])
    )
    text = page.content.decode()
    assert 'value="冬季安全生产工作情况"' in text
    assert 'value="2026-12-03T17:00"' in text and 'value="24, 2"' in text
    assert text.count("checked") >= 3 + 1 + 1  # 3 units, 指定单位, 逾期提醒


def test_a_later_deadline_gets_its_own_reminders_and_tells_the_units(
    commission, clock, units, editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    assert run_at(clock, DEADLINE - 24 * HOUR, capture) == 3
    with capture(execute=True):
        response = factories_client(editor).post(
            reverse("commissions:edit", args=[commission.pk]),
            edit_post(commission, deadline="2026-12-05T17:00"),
        )
    assert response.status_code == 302
    commission.refresh_from_db()
    later = DEADLINE + 48 * HOUR
    assert commission.deadline == later
    told = Notification.objects.filter(
        title="约稿：冬季安全生产工作情况（截止时间已调整）"
    )
    assert told.count() == 4  # every member of the three units
    # Not late at the old deadline; reminded again 24 hours before the new one.
    assert run_at(clock, DEADLINE + HOUR, capture) == 0
    assert run_at(clock, later - 24 * HOUR, capture) == 3
    event = AuditEvent.objects.get(action="commission.change")
    assert "截止时间12月03日 17:00→12月05日 17:00" in event.reason


def test_added_units_are_told_and_answered_units_stay(
    commission, clock, units, editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    found, people = units
    answer(commission, people["county"], capture)
    extra = factories.make_department("财政局")
    extra_clerk = factories.make_clerk(extra)
    client = factories_client(editor)
    with capture(execute=True):
        refused = client.post(
            reverse("commissions:edit", args=[commission.pk]),
            edit_post(commission, chosen=[found["zone"].pk], topic="改过的主题"),
        )
    assert "民政局已写稿回应本次约稿，不能移出约稿单位。" in refused.content.decode()
    assert 'value="改过的主题"' in refused.content.decode()
    chosen = [d.pk for d in found.values()] + [extra.pk]
    with capture(execute=True):
        client.post(
            reverse("commissions:edit", args=[commission.pk]),
            edit_post(commission, chosen=chosen),
        )
    assert commission.departments.count() == 4
    assert Notification.objects.filter(
        recipient=extra_clerk, title="约稿：冬季安全生产工作情况"
    ).exists()
    # Units already asked are not told again when the deadline stays.
    assert (
        Notification.objects.filter(
            recipient=people["county"], title__startswith="约稿："
        ).count()
        == 1
    )
