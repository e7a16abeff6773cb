"""Every change an admin or a user makes takes effect on the very next request:
roles, permissions, a disabled account, passwords, units, distribution lists,
names and notifications (nothing about a user is kept between requests)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from audit.roles import AUDITOR
from core import accounts, roles
from notifications.services import mark_read, notify
from tests import factories
from tests.reading.factories import make_distribution, make_group, make_issue

pytestmark = pytest.mark.django_db

INBOX = reverse("briefing:inbox")


def status(client, url):
    return client.get(url).status_code


def test_a_removed_role_ends_access_on_the_next_request(client):
    editor = factories.make_editor()
    client.force_login(editor)
    assert status(client, INBOX) == 200
    editor.groups.remove(Group.objects.get(name=roles.EDITOR))
    assert status(client, INBOX) == 404


def test_a_role_added_through_the_group_takes_effect_at_once(client):
    user = factories.make_user()
    client.force_login(user)
    assert status(client, INBOX) == 404
    Group.objects.get(name=roles.EDITOR).user_set.add(user)
    assert status(client, INBOX) == 200


def test_a_permission_taken_from_the_group_is_gone_on_the_next_request(client):
    auditor = factories.make_user(group=AUDITOR)
    client.force_login(auditor)
    events = reverse("audit:event_list")
    assert status(client, events) == 200
    Group.objects.get(name=AUDITOR).permissions.remove(
        Permission.objects.get(codename="view_auditevent")
    )
    assert status(client, events) in (403, 404)


def test_a_disabled_account_is_logged_out_on_the_next_request(client):
    editor = factories.make_editor()
    client.force_login(editor)
    assert status(client, INBOX) == 200
    editor.is_active = False
    editor.save()
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_new_password_set_elsewhere_logs_the_session_out(client):
    editor = factories.make_editor()
    client.force_login(editor)
    assert status(client, INBOX) == 200
    editor.set_password("Xinmima@2027")
    editor.save()
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_password_reset_by_an_admin_is_asked_for_at_once(client):
    editor = factories.make_editor()
    client.force_login(editor)
    assert status(client, INBOX) == 200
    accounts.require_password_change(editor)
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"] == reverse("password_change")


def test_a_clerk_moved_to_another_unit_sees_that_unit_at_once(client):
    unit_a = factories.make_department()
    unit_b = factories.make_department()
    clerk = factories.make_clerk(unit_a)
    item = factories.make_item(department=unit_b)
    url = reverse("briefing:item_detail", args=[item.pk])
    client.force_login(clerk)
    assert status(client, url) == 404
    clerk.membership.department = unit_b
    clerk.membership.save()
    assert status(client, url) == 200


def test_a_reader_added_to_the_distribution_reads_the_issue_at_once(client):
    reader = factories.make_reader()
    group = make_group()
    issue = make_issue(make_distribution(groups=[group]))
    url = reverse("reading:issue", args=[issue.pk])
    client.force_login(reader)
    assert status(client, url) == 404
    group.members.add(reader)
    assert status(client, url) == 200
    group.members.remove(reader)
    assert status(client, url) == 404


def test_the_bell_counts_a_new_notification_and_a_read_one_at_once(
    client, django_capture_on_commit_callbacks
):
    editor = factories.make_editor()
    client.force_login(editor)
    assert "通知（0 条未读）" in client.get(INBOX).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        notify([editor], title="新稿件")
    assert "通知（1 条未读）" in client.get(INBOX).content.decode()
    mark_read(editor)
    assert "通知（0 条未读）" in client.get(INBOX).content.decode()


def test_the_next_issue_link_appears_when_it_is_issued(client):
    reader = factories.make_reader()
    distribution = make_distribution(groups=[make_group(reader)])
    first = make_issue(distribution)
    client.force_login(reader)
    url = reverse("reading:issue", args=[first.pk])
    assert 'rel="next"' not in client.get(url).content.decode()
    second = make_issue(distribution, publication=first.publication)
    text = client.get(url).content.decode()
    assert f'href="{reverse("reading:issue", args=[second.pk])}"' in text
