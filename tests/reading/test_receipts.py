"""已阅: the first read is recorded once per reader; reminders reach only the
recipients who have not read the issue."""

import pytest
from django.core import mail
from django.urls import reverse

from audit.models import AuditEvent
from notifications.models import Notification
from reading.models import ReadReceipt
from tests import factories

from .factories import make_distribution, make_document, make_group, make_issue

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    readers = [
        factories.make_reader(first_name=name, email=f"r{i}@example.cn")
        for i, name in enumerate(["甲领导", "乙领导", "丙领导"])
    ]
    outsider = factories.make_reader(first_name="丁领导", email="d@example.cn")
    distribution = make_distribution(
        groups=[make_group(readers[0], readers[1], name="副县长")], users=[readers[2]]
    )
    issue = make_issue(distribution)
    return issue, readers, outsider


def test_first_read_is_recorded_once_per_reader(client, setup):
    issue, readers, _ = setup
    url = reverse("reading:issue", args=[issue.pk])
    client.force_login(readers[0])
    client.get(url)
    first = ReadReceipt.objects.get(issue=issue, user=readers[0]).first_read_at
    client.get(url)
    client.get(url)
    receipts = ReadReceipt.objects.filter(issue=issue)
    assert receipts.count() == 1
    assert receipts.get().first_read_at == first
    assert AuditEvent.objects.filter(action="reading.first_read").count() == 1
    client.force_login(readers[1])
    client.get(url)
    assert set(receipts.values_list("user", flat=True)) == {
        readers[0].pk,
        readers[1].pk,
    }


def test_downloading_the_pdf_counts_as_read(client, setup):
    issue, readers, _ = setup
    document = make_document(issue)
    client.force_login(readers[2])
    response = client.get(reverse("reading:document", args=[issue.pk, document.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert ReadReceipt.objects.filter(issue=issue, user=readers[2]).exists()


def test_a_404_records_no_read(client, setup):
    issue, _, outsider = setup
    client.force_login(outsider)
    assert client.get(reverse("reading:issue", args=[issue.pk])).status_code == 404
    assert not ReadReceipt.objects.exists()


def test_receipt_page_shows_read_and_unread_by_group(client, setup):
    issue, readers, _ = setup
    client.force_login(readers[0])
    client.get(reverse("reading:issue", args=[issue.pk]))
    client.force_login(factories.make_editor())
    response = client.get(reverse("reading:receipts", args=[issue.pk]))
    groups = {g.name: g for g in response.context["table"]}
    assert [u.first_name for u in groups["副县长"].read] == ["甲领导"]
    assert [u.first_name for u in groups["副县长"].unread] == ["乙领导"]
    assert [u.first_name for u in groups["个人"].unread] == ["丙领导"]
    assert response.context["read_count"] == 1
    assert response.context["unread_count"] == 2
    assert "已阅 <strong>1</strong> 人，未阅 <strong>2</strong> 人" in (
        response.content.decode()
    )


def test_reminder_reaches_only_unread_recipients(
    client, setup, django_capture_on_commit_callbacks
):
    issue, readers, outsider = setup
    client.force_login(readers[0])
    client.get(reverse("reading:issue", args=[issue.pk]))
    client.force_login(factories.make_editor())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reading:remind", args=[issue.pk]))
    assert response.status_code == 302
    told = set(Notification.objects.values_list("recipient__first_name", flat=True))
    assert told == {"乙领导", "丙领导"}
    assert sorted(m.to[0] for m in mail.outbox) == ["r1@example.cn", "r2@example.cn"]
    assert outsider.email not in {m.to[0] for m in mail.outbox}
    assert AuditEvent.objects.filter(action="reading.remind").count() == 1


def test_reminder_is_post_only_and_editors_only(client, setup):
    issue, readers, _ = setup
    url = reverse("reading:remind", args=[issue.pk])
    client.force_login(factories.make_editor())
    assert client.get(url).status_code == 405
    client.force_login(readers[0])
    assert client.post(url).status_code == 404
    assert not Notification.objects.exists()
