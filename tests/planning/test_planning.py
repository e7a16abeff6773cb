"""出刊计划 and 截稿 on a moved clock (Asia/Shanghai). The publication comes out
weekly on Friday, 截稿 Thursday 17:00, reminders 24 hours before; the clock
starts on Monday 7 December 2026, 09:00."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from briefing.models import Issue
from briefing.services import items as item_services
from briefing.services.errors import WorkflowError
from commissions.models import Commission
from notifications.models import Notification
from planning import services
from planning.models import PlannedIssue, Schedule
from tests import factories

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
MONDAY = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=SH)
# The coming issue: Friday 11 December, 截稿 Thursday 10 December 17:00.
FRIDAY = datetime.date(2026, 12, 11)
DEADLINE = datetime.datetime(2026, 12, 10, 17, 0, tzinfo=SH)
HOUR = datetime.timedelta(hours=1)
SECOND = datetime.timedelta(seconds=1)
P = PlannedIssue.Status


@pytest.fixture
def clock(time_machine):
    def move(when):
        time_machine.move_to(when, tick=False)

    move(MONDAY)
    return move


@pytest.fixture
def publication():
    return factories.make_publication("工作简报")


@pytest.fixture
def schedule(publication):
    return Schedule.objects.create(
        publication=publication, starts_on=datetime.date(2026, 12, 1)
    )


@pytest.fixture
def editor():
    return factories.make_editor(username="editor")


@pytest.fixture
def units():
    zone = factories.make_department("开发区")
    county = factories.make_department("民政局")
    township = factories.make_department("马庄乡")
    factories.make_department("已撤销单位", is_active=False)
    people = {
        "zone": factories.make_clerk(zone, email="kfq@example.gov.cn"),
        "zone_reviewer": factories.make_reviewer(zone),
        "county": factories.make_clerk(county, email="mzj@example.gov.cn"),
        "township": factories.make_clerk(township),
    }
    return {"zone": zone, "county": county, "township": township}, people


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def plans():
    return list(
        PlannedIssue.objects.order_by("issue_date").values_list(
            "issue_date", "deadline", "status"
        )
    )


def at(hour, day):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=SH)


# --- planned issues ahead of time -------------------------------------------------


def test_the_next_four_weeks_are_planned_without_using_a_number(
    clock, schedule, publication
):
    assert services.plan_issues() == 4
    fridays = [FRIDAY + datetime.timedelta(weeks=n) for n in range(4)]
    assert plans() == [
        (day, at(17, day - datetime.timedelta(days=1)), P.PLANNED) for day in fridays
    ]
    # Nothing is an issue yet, and the numbering is untouched.
    assert not Issue.objects.exists()
    publication.refresh_from_db()
    assert (publication.last_number, publication.last_total_number) == (0, 0)
    events = AuditEvent.objects.filter(action="plan.create")
    assert events.count() == 4 and events.filter(user=None).count() == 4
    assert (
        "12月11日（星期五）印发，截稿12月10日（星期四）17:00"
        in events.order_by("id").first().reason
    )


def test_a_second_run_plans_nothing_more(clock, schedule):
    assert services.plan_issues() == 4
    assert services.plan_issues() == 0  # a doubled beat
    assert PlannedIssue.objects.count() == 4
    assert AuditEvent.objects.filter(action="plan.create").count() == 4
    # A week later, one more week comes into view.
    clock(MONDAY + datetime.timedelta(weeks=1))
    assert services.plan_issues() == 1
    assert PlannedIssue.objects.order_by("issue_date").last().issue_date == (
        datetime.date(2027, 1, 8)
    )


def test_an_issue_whose_deadline_has_passed_is_not_planned(clock, schedule):
    # Before, at and after this week's 截稿.
    clock(DEADLINE - SECOND)
    assert services.plan_issues() == 4
    assert PlannedIssue.objects.filter(issue_date=FRIDAY).exists()
    PlannedIssue.objects.all().delete()
    clock(DEADLINE)
    services.plan_issues()
    assert not PlannedIssue.objects.filter(issue_date=FRIDAY).exists()
    clock(DEADLINE + HOUR)
    services.plan_issues()
    assert not PlannedIssue.objects.filter(issue_date=FRIDAY).exists()


def test_moved_and_cancelled_plans_are_not_made_again(clock, schedule, editor):
    services.plan_issues()
    first, second = PlannedIssue.objects.order_by("issue_date")[:2]
    services.move_plan(
        first,
        editor,
        issue_date=FRIDAY - datetime.timedelta(days=1),
        deadline=DEADLINE - datetime.timedelta(days=1),
    )
    services.cancel_plan(second, editor, reason="元旦前停刊一期")
    assert services.plan_issues() == 0
    assert PlannedIssue.objects.count() == 4


def test_every_two_weeks_from_the_start_date(clock, schedule):
    schedule.interval_weeks = 2
    schedule.save()
    services.plan_issues()
    # 1 December is a Tuesday: the first issue is Friday 4 December.
    assert [d for d, _, _ in plans()] == [
        datetime.date(2026, 12, 18),
        datetime.date(2027, 1, 1),
    ]


def test_an_inactive_schedule_or_publication_plans_nothing(
    clock, schedule, publication
):
    schedule.is_active = False
    schedule.save()
    assert services.plan_issues() == 0
    schedule.is_active = True
    schedule.save()
    publication.is_active = False
    publication.save()
    assert services.plan_issues() == 0


def test_a_draft_already_started_for_that_day_becomes_the_plans_issue(
    clock, schedule, publication, editor
):
    draft = factories.make_issue(publication, editor, issue_date=FRIDAY)
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    assert (plan.status, plan.issue) == (P.OPENED, draft)


# --- the editor: open, move, cancel -----------------------------------------------


def test_opening_a_plan_makes_a_composing_issue_without_a_number(
    clock, schedule, editor
):
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    response = client_for(editor).post(reverse("planning:plan_open", args=[plan.pk]))
    issue = Issue.objects.get()
    assert response["Location"] == reverse("briefing:issue_detail", args=[issue.pk])
    assert (issue.status, issue.issue_date, issue.number) == (
        Issue.Status.DRAFT,
        FRIDAY,
        None,
    )
    plan.refresh_from_db()
    assert (plan.status, plan.issue) == (P.OPENED, issue)
    assert AuditEvent.objects.filter(action="plan.open", user=editor).count() == 1
    # Opened once only; and it cannot be cancelled any more.
    with pytest.raises(WorkflowError, match="本期已开始组稿"):
        services.open_plan(plan, editor)
    with pytest.raises(WorkflowError, match="本期已开始组稿，不能取消"):
        services.cancel_plan(plan, editor, reason="x")


def test_editor_moves_a_plan_through_the_form(clock, schedule, editor):
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    response = client_for(editor).post(
        reverse("planning:plan_move", args=[plan.pk]),
        {"issue_date": "2026-12-10", "deadline": "2026-12-09T12:00"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.issue_date == datetime.date(2026, 12, 10)
    assert plan.deadline == datetime.datetime(2026, 12, 9, 12, 0, tzinfo=SH)
    assert plan.slot == FRIDAY  # the schedule's date, kept
    event = AuditEvent.objects.get(action="plan.move")
    assert event.user == editor
    assert "截稿12月10日（星期四）17:00→12月9日（星期三）12:00" in event.reason


def test_a_deadline_after_the_issue_day_is_refused_and_the_input_kept(
    clock, schedule, editor
):
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    response = client_for(editor).post(
        reverse("planning:plan_move", args=[plan.pk]),
        {"issue_date": "2026-12-11", "deadline": "2026-12-12T09:00"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "截稿时间不能晚于印发日期。" in page
    assert 'value="2026-12-12T09:00"' in page
    plan.refresh_from_db()
    assert plan.deadline == DEADLINE
    assert not AuditEvent.objects.filter(action="plan.move").exists()


def test_an_opened_plan_moves_its_deadline_but_not_its_date(clock, schedule, editor):
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    services.open_plan(plan, editor)
    with pytest.raises(WorkflowError, match="本期设置"):
        services.move_plan(
            plan, editor, issue_date=FRIDAY + datetime.timedelta(days=1),
            deadline=DEADLINE,
        )  # fmt: skip
    moved = services.move_plan(
        plan, editor, issue_date=FRIDAY, deadline=DEADLINE + HOUR
    )
    assert moved.deadline == DEADLINE + HOUR


def test_cancel_needs_a_reason_and_is_audited(clock, schedule, editor):
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    client = client_for(editor)
    url = reverse("planning:plan_cancel", args=[plan.pk])
    assert "请写明取消的原因。" in client.post(url, {"reason": ""}).content.decode()
    assert client.post(url, {"reason": "停刊一期"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == P.CANCELLED
    event = AuditEvent.objects.get(action="plan.cancel")
    assert event.user == editor and event.reason.endswith("：停刊一期")


def test_only_editors_change_plans(clock, schedule, units):
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    _, people = units
    signer = factories.make_signer()
    for user in (people["zone"], signer):
        with pytest.raises(WorkflowError, match="只有编辑"):
            services.move_plan(plan, user, issue_date=FRIDAY, deadline=DEADLINE)
        with pytest.raises(WorkflowError, match="只有编辑"):
            services.cancel_plan(plan, user, reason="x")
        with pytest.raises(WorkflowError, match="只有编辑"):
            services.open_plan(plan, user)
    plan.refresh_from_db()
    assert plan.status == P.PLANNED


# --- 截稿 reminders ---------------------------------------------------------------


def submit(unit_clerk, when, clock, title="本周工作动态"):
    clock(when)
    item = factories.make_item(
        unit_clerk.membership.department, unit_clerk, title=title
    )
    return item_services.submit_item(item, unit_clerk)


def run_at(clock, when, capture):
    clock(when)
    with capture(execute=True):
        return services.send_deadline_reminders()


def reminder_notices():
    return Notification.objects.filter(title__startswith="截稿提醒")


def test_deadline_reminder_before_at_and_after(
    clock, schedule, units, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    _, people = units
    services.plan_issues()
    # 民政局 sent an item this week; 开发区 sent one last week only.
    submit(people["zone"], MONDAY - datetime.timedelta(days=5), clock, "上周动态")
    submit(people["county"], MONDAY + HOUR, clock)
    mail.outbox.clear()
    # Before: one second short of 24 hours ahead.
    assert run_at(clock, DEADLINE - 24 * HOUR - SECOND, capture) == 0
    assert not reminder_notices().exists()
    # At: the two units with nothing for this issue.
    assert run_at(clock, DEADLINE - 24 * HOUR, capture) == 2
    told = sorted(reminder_notices().values_list("recipient__username", flat=True))
    assert told == sorted(
        [people["zone"].username, people["zone_reviewer"].username,
         people["township"].username]
    )  # fmt: skip
    notice = reminder_notices().first()
    assert notice.title == "截稿提醒：《工作简报》12月10日（星期四）17:00截稿"
    assert "还剩1天" in notice.body and "尚未报送稿件" in notice.body
    assert notice.url == reverse("briefing:my_items")
    assert [m.to for m in mail.outbox] == [["kfq@example.gov.cn"]]
    event = AuditEvent.objects.get(action="plan.remind")
    assert event.user is None and "开发区、马庄乡" in event.reason
    # The beat runs again (twice at the same minute, and later): nothing more.
    assert run_at(clock, DEADLINE - 24 * HOUR, capture) == 0
    assert run_at(clock, DEADLINE - HOUR, capture) == 0
    assert reminder_notices().count() == 3 and len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="plan.remind").count() == 1


def test_no_reminder_after_the_deadline(
    clock, schedule, units, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    services.plan_issues()
    assert run_at(clock, DEADLINE, capture) == 0
    assert run_at(clock, DEADLINE + HOUR, capture) == 0
    assert not reminder_notices().exists()
    assert not PlannedIssue.objects.filter(reminded_deadline__isnull=False).exists()


def test_each_delivery_is_once_even_if_the_mark_is_lost(
    clock, schedule, units, django_capture_on_commit_callbacks
):
    """Idempotent per (purpose, recipient, occasion) in the notifications too."""
    capture = django_capture_on_commit_callbacks
    services.plan_issues()
    assert run_at(clock, DEADLINE - 2 * HOUR, capture) == 3
    PlannedIssue.objects.update(reminded_deadline=None)
    run_at(clock, DEADLINE - HOUR, capture)
    assert reminder_notices().count() == 4  # zone clerk and reviewer, county, township


def test_a_moved_deadline_is_reminded_again(
    clock, schedule, units, editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    services.plan_issues()
    assert run_at(clock, DEADLINE - 2 * HOUR, capture) == 3
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    services.move_plan(plan, editor, issue_date=FRIDAY, deadline=DEADLINE + 20 * HOUR)
    assert run_at(clock, DEADLINE - HOUR, capture) == 3
    assert run_at(clock, DEADLINE, capture) == 0


def test_no_reminder_for_a_cancelled_plan_an_issue_sent_on_or_zero_hours(
    clock, schedule, units, editor, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    services.plan_issues()
    first, second, third = PlannedIssue.objects.order_by("issue_date")[:3]
    services.cancel_plan(first, editor, reason="停刊")
    assert run_at(clock, DEADLINE - HOUR, capture) == 0
    issue = services.open_plan(second, editor)
    Issue.objects.filter(pk=issue.pk).update(status=Issue.Status.PENDING_SIGNOFF)
    assert run_at(clock, second.deadline - HOUR, capture) == 0
    schedule.reminder_hours = 0
    schedule.save()
    assert run_at(clock, third.deadline - HOUR, capture) == 0
    assert not reminder_notices().exists()


# --- the calendar and the clerk's home --------------------------------------------


def test_editor_sees_planned_and_issued_issues_deadlines_and_commissions(
    clock, schedule, publication, units, editor
):
    services.plan_issues()
    issued = factories.make_issue(
        publication,
        editor,
        issue_date=datetime.date(2026, 12, 4),
        status=Issue.Status.ISSUED,
        year=2026,
        number=48,
        total_number=300,
    )
    Commission.objects.create(
        topic="冬季安全生产", deadline=at(17, datetime.date(2026, 12, 9)),
        created_by=editor,
    ).departments.set([units[0]["county"]])  # fmt: skip
    page = client_for(editor).get(reverse("planning:month")).content.decode()
    assert "2026年12月" in page
    assert "《工作简报》第48期（总第300期）" in page
    assert reverse("briefing:issue_detail", args=[issued.pk]) in page
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    assert reverse("planning:plan_detail", args=[plan.pk]) in page
    assert page.count("《工作简报》计划出刊") == 4  # 11, 18, 25 Dec and 1 Jan
    assert page.count("《工作简报》截稿") == 4
    assert "约稿截止：冬季安全生产" in page
    assert reverse("planning:month_of", args=[2026, 11]) in page
    assert reverse("planning:month_of", args=[2027, 1]) in page


def test_clerk_sees_deadlines_and_only_their_units_commissions(
    clock, schedule, units, editor
):
    services.plan_issues()
    (unit, people) = units
    mine = Commission.objects.create(
        topic="本单位的约稿", deadline=at(17, datetime.date(2026, 12, 9)),
        created_by=editor,
    )  # fmt: skip
    mine.departments.set([unit["zone"]])
    other = Commission.objects.create(
        topic="别的单位的约稿", deadline=at(17, datetime.date(2026, 12, 9)),
        created_by=editor,
    )  # fmt: skip
    other.departments.set([unit["county"]])
    page = client_for(people["zone"]).get(reverse("planning:month")).content.decode()
    assert "《工作简报》截稿" in page
    assert "约稿截止：本单位的约稿" in page
    assert "别的单位的约稿" not in page
    assert "计划出刊" not in page and "/calendar/plans/" not in page


def test_a_month_is_any_month_and_cancelled_plans_show_as_such(clock, schedule, editor):
    services.plan_issues()
    services.cancel_plan(
        PlannedIssue.objects.get(issue_date=datetime.date(2027, 1, 1)),
        editor,
        reason="元旦",
    )
    client = client_for(editor)
    page = client.get(reverse("planning:month_of", args=[2027, 1])).content.decode()
    assert "2027年1月" in page and "《工作简报》计划出刊（已取消）" in page
    assert client.get("/calendar/2026/0/").status_code == 404


def test_clerk_home_shows_the_next_deadline(clock, schedule, units):
    services.plan_issues()
    _, people = units

    def home():
        # A new sign-in each time: the clock moves past the session's idle limit.
        return client_for(people["zone"]).get(reverse("briefing:my_items"))

    page = home().content.decode()
    assert "下次截稿" in page
    assert "《工作简报》12月10日（星期四）17:00截稿" in page
    assert "还剩3天8小时" in page
    assert "本单位本期尚未报送稿件" in page
    submit(people["zone"], MONDAY + HOUR, clock)
    assert "本单位本期已报送 1 篇" in home().content.decode()
    # After Thursday's 截稿 the next one is a week later.
    clock(DEADLINE + SECOND)
    page = home().content.decode()
    assert "12月17日（星期四）17:00截稿" in page
    assert "本单位本期尚未报送稿件" in page


def test_an_opened_plan_follows_its_issues_date(clock, schedule, editor, units):
    """The editor changed the date on the compose page: the plan's page, the
    move form and the clerk's home show the issue's date."""
    services.plan_issues()
    plan = PlannedIssue.objects.get(issue_date=FRIDAY)
    issue = services.open_plan(plan, editor)
    Issue.objects.filter(pk=issue.pk).update(issue_date=datetime.date(2026, 12, 12))
    client = client_for(editor)
    page = client.get(reverse("planning:plan_detail", args=[plan.pk])).content.decode()
    assert "《工作简报》12月12日（星期六）" in page
    assert 'value="2026-12-12"' in page
    response = client.post(
        reverse("planning:plan_move", args=[plan.pk]),
        {"issue_date": "2026-12-12", "deadline": "2026-12-11T12:00"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.deadline == datetime.datetime(2026, 12, 11, 12, 0, tzinfo=SH)
    home = client_for(units[1]["zone"]).get(reverse("briefing:my_items"))
    assert "12月12日（星期六）印发" in home.content.decode()


def test_the_calendar_reads_a_fixed_number_of_queries(
    clock, schedule, publication, units, editor
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(editor)
    url = reverse("planning:month")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    services.plan_issues()
    few = queries()
    for day in range(1, 8):
        factories.make_issue(
            publication, editor, issue_date=datetime.date(2026, 12, day)
        )
        Commission.objects.create(
            topic=f"约稿{day}", deadline=at(17, datetime.date(2026, 12, day)),
            created_by=editor,
        )  # fmt: skip
    assert queries() == few
