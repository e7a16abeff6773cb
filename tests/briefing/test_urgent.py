"""紧急信息: skipping unit review, first in the inbox in red with the time since
the event, the editors told at once (in-app, e-mail, SMS), the written-report
rule on the item page, and 作为专报编发 with the 专报's own numbering.

The clock is moved (time-machine) to a fixed day; nothing depends on today.
"""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from briefing.models import Issue, Item, Publication, UrgentCategory
from briefing.services import issues as issue_services
from briefing.services import items as services
from briefing.services.errors import WorkflowError
from notifications.models import Notification
from tests import factories
from tests.briefing.issue_factories import FakeRenderer, composed_issue

from .item_helpers import S, item_in_state, make_cast

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
EVENT = datetime.datetime(2030, 6, 3, 10, 0, tzinfo=SH)
MINUTE = datetime.timedelta(minutes=1)
sent_sms = []


class RecordingSMS:
    def send_messages(self, numbers, text):
        sent_sms.append((numbers, text))


@pytest.fixture
def sms(settings):
    settings.SMS_BACKEND = f"{__name__}.RecordingSMS"
    settings.URGENT_SMS_NUMBERS = ["13900000001", "13900000002"]
    sent_sms.clear()
    return sent_sms


@pytest.fixture
def clock(time_machine):
    def move(when):
        time_machine.move_to(when, tick=False)

    move(EVENT + 5 * MINUTE)
    return move


@pytest.fixture
def fake_pdf(monkeypatch):
    renderer = FakeRenderer()
    monkeypatch.setattr(issue_services, "render_pdf", renderer)
    return renderer


def urgent_draft(cast, **kwargs):
    return services.create_item(
        cast.clerk,
        title=kwargs.pop("title", "马庄乡一厂房发生火灾"),
        body="<p>今日10时许，马庄乡一厂房起火，无人员伤亡。</p>",
        suggested_section=kwargs.pop("suggested_section", None),
        is_urgent=True,
        urgent_category=kwargs.pop("urgent_category", UrgentCategory.EMERGENCY),
        event_at=kwargs.pop("event_at", EVENT),
        **kwargs,
    )


def submit(item, actor, capture):
    with capture(execute=True):
        return services.submit_item(item, actor)


def page(client, item) -> str:
    """The item page's text, as read (tags dropped, white space joined)."""
    response = client.get(reverse("briefing:item_detail", args=[item.pk]))
    assert response.status_code == 200
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", response.content.decode()))


def inbox_rows(client, **query) -> list[tuple[str, str]]:
    """(row class, title) of each inbox row, top to bottom."""
    response = client.get(reverse("briefing:inbox"), query)
    assert response.status_code == 200
    return re.findall(
        r'<tr( class="urgent")?>\s*(?:<td class="tick">.*?</td>\s*)?<td>.*?'
        r'<a href="/items/\d+/"[^>]*>([^<]+)</a>',
        response.content.decode(),
        re.S,
    )


# --- skipping unit review --------------------------------------------------------


def test_an_urgent_item_skips_review_where_the_unit_allows_it(
    clock, django_capture_on_commit_callbacks
):
    cast = make_cast(requires_unit_review=True)
    cast.department.urgent_skips_review = True
    cast.department.save()
    item = submit(urgent_draft(cast), cast.clerk, django_capture_on_commit_callbacks)
    assert item.status == S.SUBMITTED
    assert item.submitted_at == EVENT + 5 * MINUTE
    event = item.events.get(action="submit")
    assert event.comment == "紧急信息，本单位规定免单位审核，直接报送"
    # An ordinary item of the same unit still goes to the reviewer.
    ordinary = item_in_state(cast, S.DRAFT, title="普通稿件")
    ordinary = submit(ordinary, cast.clerk, django_capture_on_commit_callbacks)
    assert ordinary.status == S.PENDING_REVIEW


def test_without_the_flag_the_urgent_item_is_reviewed_first_then_told_as_urgent(
    clock, sms, django_capture_on_commit_callbacks
):
    cast = make_cast(requires_unit_review=True)
    item = submit(urgent_draft(cast), cast.clerk, django_capture_on_commit_callbacks)
    assert item.status == S.PENDING_REVIEW
    assert Notification.objects.get(recipient=cast.reviewer).title == (
        "【紧急】待审核：马庄乡一厂房发生火灾"
    )
    assert not Notification.objects.filter(recipient=cast.editor).exists()
    assert sms == []
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_item(item, cast.reviewer)
    assert Notification.objects.get(recipient=cast.editor).title == (
        "【紧急】马庄乡一厂房发生火灾"
    )
    assert len(sms) == 1


def test_the_service_refuses_an_urgent_mark_without_category_or_with_a_future_time(
    clock,
):
    cast = make_cast()
    with pytest.raises(WorkflowError, match="紧急信息请选择类别"):
        urgent_draft(cast, urgent_category="")
    with pytest.raises(WorkflowError, match="事件发生时间不能晚于现在"):
        urgent_draft(cast, event_at=EVENT + 30 * MINUTE)
    # Unmarking clears the category and the time.
    item = urgent_draft(cast)
    item = services.update_item(
        item, cast.clerk, version=item.version, title=item.title, body=item.body
    )
    assert (item.is_urgent, item.urgent_category, item.event_at) == (False, "", None)


def test_the_clerk_marks_an_item_urgent_in_the_form(client, clock):
    cast = make_cast()
    client.force_login(cast.clerk)
    form = client.get(reverse("briefing:item_create")).content.decode()
    for label in ["紧急信息", "紧急信息类别", "事件发生时间", "30分钟内电话报告"]:
        assert label in form
    data = {"title": "一厂房发生火灾", "body": "<p>起火。</p>", "action": "submit"}
    response = client.post(reverse("briefing:item_create"), {**data, "is_urgent": "on"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "紧急信息请选择类别。" in text and "紧急信息请填写事件发生时间。" in text
    assert not Item.objects.exists()
    response = client.post(
        reverse("briefing:item_create"),
        {
            **data,
            "is_urgent": "on",
            "urgent_category": UrgentCategory.WORK_SAFETY,
            "event_at": "2030-06-03T10:00",
        },
    )
    item = Item.objects.get()
    assert response.status_code == 302
    assert item.is_urgent and item.status == S.SUBMITTED
    assert item.get_urgent_category_display() == "安全生产事故"
    assert item.event_at == EVENT


# --- the editors are told at once ---------------------------------------------------


def test_editors_are_told_in_app_by_mail_and_sms_after_commit(
    clock, sms, django_capture_on_commit_callbacks
):
    cast = make_cast()
    for editor in (cast.editor, cast.other_editor):
        editor.email = f"{editor.username}@example.gov.cn"
        editor.save()
    item = urgent_draft(cast)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submit_item(item, cast.clerk)
    assert not Notification.objects.exists() and sms == []  # only after commit
    for callback in callbacks:
        callback()
    told = Notification.objects.filter(title="【紧急】马庄乡一厂房发生火灾")
    assert sorted(told.values_list("recipient__username", flat=True)) == sorted(
        [cast.editor.username, cast.other_editor.username]
    )
    assert "突发事件，事件发生于6月3日 10:00" in told.first().body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [cast.editor.email, cast.other_editor.email]
    )
    assert all(
        m.subject == "【简报系统】【紧急】马庄乡一厂房发生火灾" for m in mail.outbox
    )
    [(numbers, text)] = sms
    assert numbers == ["13900000001", "13900000002"]
    assert text.startswith(f"【简报系统】紧急信息：{cast.department.short_name}报送")
    # Nobody else: not the clerk, the signer, the reader.
    assert not Notification.objects.exclude(
        recipient__in=[cast.editor, cast.other_editor]
    ).exists()


def test_an_ordinary_item_sends_no_sms(clock, sms, django_capture_on_commit_callbacks):
    cast = make_cast()
    submit(item_in_state(cast, S.DRAFT), cast.clerk, django_capture_on_commit_callbacks)
    assert Notification.objects.get(recipient=cast.editor).title.startswith("新稿件")
    assert sms == []


# --- the inbox ------------------------------------------------------------------------


def test_open_urgent_items_are_first_in_red_with_the_time_since_the_event(
    client, clock, django_capture_on_commit_callbacks
):
    cast = make_cast()
    urgent = submit(urgent_draft(cast), cast.clerk, django_capture_on_commit_callbacks)
    clock(EVENT + 20 * MINUTE)
    item_in_state(cast, S.SUBMITTED, title="较新的普通稿件")
    item_in_state(
        cast,
        S.PUBLISHED,
        title="已刊发的紧急信息",
        is_urgent=True,
        urgent_category=UrgentCategory.NATURAL_DISASTER,
        event_at=EVENT - datetime.timedelta(days=30),
    )
    client.force_login(cast.editor)

    clock(EVENT + 45 * MINUTE)
    assert inbox_rows(client) == [
        (' class="urgent"', urgent.title),
        ("", "较新的普通稿件"),
    ]
    # All states: one done with is neither first nor red.
    assert inbox_rows(client, status="")[0] == (' class="urgent"', urgent.title)
    assert ("", "已刊发的紧急信息") in inbox_rows(client, status="")
    html = client.get(reverse("briefing:inbox")).content.decode()
    assert "紧急·突发事件" in html and "距事发 45分钟" in html

    clock(EVENT + 65 * MINUTE)
    assert "距事发 1小时5分钟" in client.get(reverse("briefing:inbox")).content.decode()
    # Claimed (编辑中) it stays on top of its tab.
    services.claim_item(urgent, cast.editor)
    assert inbox_rows(client, status=S.EDITING) == [(' class="urgent"', urgent.title)]
    # An order the editor chose is theirs: oldest submitted last.
    rows = inbox_rows(client, status="", ordering="-submitted_at")
    assert rows[-1] == (' class="urgent"', urgent.title)


# --- the written-report rule ---------------------------------------------------------


def test_the_item_page_says_the_written_report_met_the_rule(
    client, clock, django_capture_on_commit_callbacks
):
    cast = make_cast()
    item = urgent_draft(cast)
    clock(EVENT + 40 * MINUTE)
    submit(item, cast.clerk, django_capture_on_commit_callbacks)
    client.force_login(cast.editor)
    text = page(client, item)
    assert "紧急信息 · 突发事件" in text
    assert "报告要求：30分钟内电话报告，1小时内书面报告。" in text
    assert "事发后 40分钟，符合1小时内书面报告的要求" in text


def test_the_item_page_says_the_written_report_was_late(
    client, clock, settings, django_capture_on_commit_callbacks
):
    cast = make_cast()
    item = urgent_draft(cast)
    clock(EVENT + 80 * MINUTE)
    submit(item, cast.clerk, django_capture_on_commit_callbacks)
    client.force_login(cast.clerk)
    assert "事发后 1小时20分钟，超过1小时内书面报告的要求" in page(client, item)
    # The rule is a setting.
    settings.URGENT_PHONE_REPORT_MINUTES = 15
    settings.URGENT_WRITTEN_REPORT_MINUTES = 90
    text = page(client, item)
    assert "报告要求：15分钟内电话报告，1小时30分钟内书面报告。" in text
    assert "事发后 1小时20分钟，符合1小时30分钟内书面报告的要求" in text


def test_the_written_report_is_the_first_arrival_and_review_counts_until_approval(
    client, clock, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cast = make_cast(requires_unit_review=True)
    item = urgent_draft(cast)
    clock(EVENT + 30 * MINUTE)
    item = submit(item, cast.clerk, capture)
    client.force_login(cast.clerk)
    assert "书面报告：尚未报送编辑。" in page(client, item)
    clock(EVENT + 50 * MINUTE)
    with capture(execute=True):
        item = services.approve_item(item, cast.reviewer)
    clock(EVENT + 70 * MINUTE)
    with capture(execute=True):
        item = services.return_item(item, cast.editor, "请补充伤亡情况。")
    clock(EVENT + 200 * MINUTE)
    item = submit(item, cast.clerk, capture)
    with capture(execute=True):
        services.approve_item(item, cast.reviewer)
    client.force_login(cast.clerk)  # the session of 3 hours ago has expired
    assert "事发后 50分钟，符合1小时内书面报告的要求" in page(client, item)


# --- 专报 ----------------------------------------------------------------------------


def special_publication(**kwargs):
    return factories.make_publication(
        name=kwargs.pop("name", "信息专报"), kind=Publication.Kind.SPECIAL, **kwargs
    )


def test_make_special_issue_puts_the_item_alone_in_a_new_special_issue(
    clock, django_capture_on_commit_callbacks
):
    cast = make_cast()
    special = special_publication()
    weekly_distribution = factories.make_distribution(name="常用分发")
    factories.make_issue(
        special, distribution_list=weekly_distribution, copies=30, status="issued"
    )
    item = submit(
        urgent_draft(cast, suggested_section=cast.section),
        cast.clerk,
        django_capture_on_commit_callbacks,
    )
    issue = issue_services.make_special_issue(item, cast.editor, version=item.version)
    item.refresh_from_db()
    assert issue.publication == special and issue.status == Issue.Status.DRAFT
    assert issue.issue_date == datetime.date(2030, 6, 3)
    assert (issue.distribution_list, issue.copies) == (weekly_distribution, 30)
    assert list(issue.items.all()) == [item]
    assert (item.status, item.section) == (S.ADOPTED, cast.section)
    assert issue.events.get().comment == "专报：《马庄乡一厂房发生火灾》（突发事件）"
    assert AuditEvent.objects.filter(action="issue_create").count() == 1


@pytest.mark.parametrize(
    "who, state, urgent, has_special, message",
    [
        ("clerk", S.SUBMITTED, True, True, "只有编辑可以组版"),
        ("signer", S.SUBMITTED, True, True, "只有编辑可以组版"),
        ("editor", S.SUBMITTED, False, True, "只有紧急信息可以作为专报编发"),
        ("editor", S.SUBMITTED, True, False, "没有启用的专报刊物"),
        ("other_editor", S.EDITING, True, True, "稿件正由他人处理"),
        ("editor", S.PUBLISHED, True, True, "不能执行“采用”"),
    ],
)
def test_make_special_issue_refusals_leave_nothing_behind(
    clock, who, state, urgent, has_special, message
):
    cast = make_cast()
    if has_special:
        special_publication()
    fields = {}
    if urgent:
        fields = {
            "is_urgent": True,
            "urgent_category": UrgentCategory.OTHER,
            "event_at": EVENT,
        }
    item = item_in_state(cast, state, **fields)
    issues_before = Issue.objects.count()
    with pytest.raises(WorkflowError, match=message):
        issue_services.make_special_issue(item, cast.role(who))
    assert Issue.objects.count() == issues_before
    item.refresh_from_db()
    assert item.status == state


def test_special_issue_numbers_run_apart_from_the_weekly(
    clock, fake_pdf, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    cast = make_cast()
    weekly = factories.make_publication(
        name="工作简报", number_year=2030, last_number=20, last_total_number=400
    )
    special = special_publication()
    signer = factories.make_signer()
    distribution = factories.make_distribution()

    def sign(issue):
        with capture(execute=True):
            issue_services.sign_off_issue(issue, signer)
        issue.refresh_from_db()
        return issue

    weekly_issue = sign(
        composed_issue(
            weekly, status=Issue.Status.PENDING_SIGNOFF, issue_date=EVENT.date()
        )
    )
    labels = []
    for n in range(2):
        item = submit(urgent_draft(cast, title=f"紧急信息{n}"), cast.clerk, capture)
        issue = issue_services.make_special_issue(item, cast.editor)
        issue_services.update_issue(
            issue,
            cast.editor,
            issue_date=issue.issue_date,
            distribution_list=distribution,
            copies=20,
            version=issue.version,
        )
        issue_services.submit_for_signoff(issue, cast.editor)
        labels.append(sign(issue).number_label)
    assert weekly_issue.number_label == "第21期（总第401期）"
    assert labels == ["第1期（总第1期）", "第2期（总第2期）"]
    weekly.refresh_from_db()
    special.refresh_from_db()
    assert (weekly.last_number, weekly.last_total_number) == (21, 401)
    assert (special.last_number, special.last_total_number) == (2, 2)
    # The same print layout as any issue: the 专报's name in the masthead.
    assert "信息专报" in fake_pdf.html[-1] and "紧急信息1" in fake_pdf.html[-1]


def test_the_item_page_action_lands_on_the_compose_page(
    client, clock, django_capture_on_commit_callbacks
):
    cast = make_cast()
    special_publication()
    item = submit(urgent_draft(cast), cast.clerk, django_capture_on_commit_callbacks)
    client.force_login(cast.clerk)
    assert "作为专报编发" not in page(client, item)
    client.force_login(cast.editor)
    assert "作为专报编发" in page(client, item)
    response = client.post(
        reverse("briefing:item_make_special", args=[item.pk]),
        {"version": item.version},
        follow=True,
    )
    issue = Issue.objects.get(publication__kind=Publication.Kind.SPECIAL)
    assert response.redirect_chain == [
        (reverse("briefing:issue_detail", args=[issue.pk]), 302)
    ]
    text = re.sub(r"\s+", " ", response.content.decode())
    assert "已作为专报编入《信息专报》新的一期，请核对分发范围后提交签发。" in text
    assert item.title in text
    # Adopted now: the action is gone, and a second click is refused.
    assert "作为专报编发" not in page(client, item)
    response = client.post(
        reverse("briefing:item_make_special", args=[item.pk]),
        {"version": item.version},
        follow=True,
    )
    assert "不能执行“采用”" in response.content.decode()
    assert Issue.objects.filter(publication__kind=Publication.Kind.SPECIAL).count() == 1
