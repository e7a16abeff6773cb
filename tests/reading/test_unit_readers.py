"""The units' clerks and reviewers read online what goes to their unit (a
distribution naming it, or 各单位): 已阅, the editors' receipt table and
reminders count them like any reader; 批示 stays with the leaders."""

import pytest
from django.contrib.admin.sites import site
from django.urls import reverse

from briefing.admin import DistributionRecipientsAdmin
from briefing.models import DistributionRecipients
from notifications.models import Notification
from reading.demo import _to_every_unit
from reading.models import ReadReceipt
from tests import factories

from .factories import make_distribution, make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    named = factories.make_department("甲乡")
    other = factories.make_department("乙局")
    clerk = factories.make_clerk(named, first_name="甲信息员")
    reviewer = factories.make_reviewer(named, first_name="甲审核人")
    other_clerk = factories.make_clerk(other, first_name="乙信息员")
    distribution = make_distribution()
    distribution.recipients.departments.add(named)
    issue = make_issue(distribution)
    return issue, clerk, reviewer, other_clerk


def test_clerk_reads_the_issue_sent_to_their_unit_and_it_counts_as_read(client, setup):
    issue, clerk, _, _ = setup
    client.force_login(clerk)
    response = client.get(reverse("reading:issue", args=[issue.pk]))
    assert response.status_code == 200
    assert ReadReceipt.objects.filter(issue=issue, user=clerk).exists()
    # 批示 is for leaders: no form on the clerk's page.
    assert "<summary>批示</summary>" not in response.content.decode()
    assert not response.context["can_instruct"]


def test_clerk_sees_the_reading_menu_and_the_issue_on_the_home(client, setup):
    issue, clerk, _, other_clerk = setup
    client.force_login(clerk)
    page = client.get(reverse("reading:home")).content.decode()
    assert ">阅读简报</a>" in page
    assert reverse("reading:issue", args=[issue.pk]) in page
    client.force_login(other_clerk)
    page = client.get(reverse("reading:home")).content.decode()
    assert reverse("reading:issue", args=[issue.pk]) not in page


def test_receipt_table_lists_the_unit_members_under_their_unit(client, setup):
    issue, clerk, _, _ = setup
    client.force_login(clerk)
    client.get(reverse("reading:issue", args=[issue.pk]))
    client.force_login(factories.make_editor())
    response = client.get(reverse("reading:receipts", args=[issue.pk]))
    groups = {g.name: g for g in response.context["table"]}
    assert set(groups) == {"测试县甲乡"}
    assert [u.first_name for u in groups["测试县甲乡"].read] == ["甲信息员"]
    assert [u.first_name for u in groups["测试县甲乡"].unread] == ["甲审核人"]


def test_all_units_puts_every_units_members_on_the_receipts_and_reminders(
    client, setup, django_capture_on_commit_callbacks
):
    issue, clerk, _, other_clerk = setup
    recipients = issue.distribution_list.recipients
    recipients.all_units = True
    recipients.save()
    client.force_login(other_clerk)
    assert client.get(reverse("reading:issue", args=[issue.pk])).status_code == 200
    client.force_login(factories.make_editor())
    table = client.get(reverse("reading:receipts", args=[issue.pk])).context["table"]
    read = {g.name: len(g.read) for g in table}
    assert read["测试县甲乡"] == 0
    assert read["测试县乙局"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reading:remind", args=[issue.pk]))
    told = set(Notification.objects.values_list("recipient__first_name", flat=True))
    assert {"甲信息员", "甲审核人"} <= told
    assert "乙信息员" not in told


def test_admin_edits_the_units_of_a_distribution():
    admin = DistributionRecipientsAdmin(DistributionRecipients, site)
    assert {"all_units", "departments"} <= set(admin.get_fields(None))
    assert "departments" in admin.filter_horizontal


def test_demo_sends_the_seed_distribution_to_every_unit():
    seed = "本期发：县委常委，……县直各单\n位负责人，各乡（镇）政府主要领导。"
    assert _to_every_unit(seed)
    assert not _to_every_unit("报：市委办公室\n送：县委常委")
