import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification
from notifications.services import notify
from tests.factories import make_editor, make_user

pytestmark = pytest.mark.django_db


def test_notify_stores_and_mails_only_after_commit(django_capture_on_commit_callbacks):
    user = make_user(email="clerk@example.gov.cn")
    silent = make_user(email="")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([user, silent, user], title="稿件已采用", body="正文", url="/items/1/")
    assert not Notification.objects.exists() and not mail.outbox
    for callback in callbacks:
        callback()
    assert Notification.objects.filter(recipient=user).count() == 1
    assert Notification.objects.filter(recipient=silent).count() == 1
    assert [m.to for m in mail.outbox] == [["clerk@example.gov.cn"]]
    assert mail.outbox[0].subject == "【简报系统】稿件已采用"


def test_nothing_is_sent_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    user = make_user(email="a@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            notify([user], title="不该发出")
            transaction.set_rollback(True)
    assert not Notification.objects.exists() and not mail.outbox


def test_bell_list_and_mark_read(client):
    user = make_editor()
    other = make_editor()
    mine = Notification.objects.create(
        recipient=user, title="新稿件：甲", url="/inbox/"
    )
    theirs = Notification.objects.create(recipient=other, title="别人的")
    client.force_login(user)
    page = client.get(reverse("notifications:list")).content.decode()
    assert "新稿件：甲" in page and "别人的" not in page
    assert 'class="badge">1<' in page  # the bell in the header
    assert (
        client.get(reverse("notifications:mark_read", args=[mine.pk])).status_code
        == 405
    )
    response = client.post(reverse("notifications:mark_read", args=[mine.pk]))
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert (
        client.post(reverse("notifications:mark_read", args=[theirs.pk])).status_code
        == 404
    )
    assert (
        'class="badge"'
        not in client.get(reverse("notifications:list")).content.decode()
    )


def test_mark_all_read(client):
    user = make_editor()
    Notification.objects.create(recipient=user, title="一")
    Notification.objects.create(recipient=user, title="二")
    client.force_login(user)
    client.post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(
        recipient=user, read_at__isnull=True
    ).exists()
