import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from notifications.models import Notification
from notifications.selectors import unread, unread_count
from notifications.services import mark_read, mark_read_for_page, notify
from tests.briefing.item_helpers import S, item_in_state, make_cast
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


def test_opening_the_item_a_notification_points_to_marks_it_read(client):
    cast = make_cast()
    item = item_in_state(cast, S.RETURNED)
    other_item = item_in_state(cast, S.RETURNED, title="另一篇")
    url = reverse("briefing:item_detail", args=[item.pk])
    about_it = Notification.objects.create(
        recipient=cast.clerk, title="稿件被退回", url=url
    )
    about_other = Notification.objects.create(
        recipient=cast.clerk,
        title="另一篇被退回",
        url=reverse("briefing:item_detail", args=[other_item.pk]),
    )
    someone_else = Notification.objects.create(
        recipient=cast.editor, title="给编辑的", url=url
    )
    client.force_login(cast.clerk)
    assert unread_count(cast.clerk) == 2  # the bell's count is now cached
    page = client.get(url).content.decode()
    # The bell on the item page itself already counts it as read.
    assert 'class="badge">1<' in page
    for n in (about_it, about_other, someone_else):
        n.refresh_from_db()
    assert about_it.read_at is not None
    assert about_other.read_at is None and someone_else.read_at is None
    assert unread_count(cast.clerk) == 1
    listing = client.get(reverse("notifications:list")).content.decode()
    assert listing.count("· 未读") == 1


def test_only_opening_the_page_marks_read(client):
    cast = make_cast()
    item = item_in_state(cast, S.DRAFT)
    url = reverse("briefing:item_detail", args=[item.pk])
    note = Notification.objects.create(recipient=cast.clerk, title="甲", url=url)
    client.force_login(cast.clerk)
    client.head(url)  # the item form's session probe is not a visit
    client.get(f"{url}diff/")
    note.refresh_from_db()
    assert note.read_at is None


def test_a_link_to_a_place_on_the_page_counts_as_the_page(
    django_assert_num_queries,
):
    user = make_user()
    on_page = Notification.objects.create(
        recipient=user, title="新批示", url="/reading/issues/5/#item-7"
    )
    longer = Notification.objects.create(
        recipient=user, title="别的期", url="/reading/issues/51/"
    )
    assert mark_read_for_page(user, "/reading/issues/5/") == 1
    on_page.refresh_from_db()
    longer.refresh_from_db()
    assert on_page.read_at is not None and longer.read_at is None
    _, links = unread(user)  # as the middleware reads them for the bell
    with django_assert_num_queries(0):  # no unread one links here: no query
        assert mark_read_for_page(user, "/reading/issues/6/", links) == 0
    mark_read(user)
    _, links = unread(user)
    with django_assert_num_queries(0):  # nothing unread
        assert mark_read_for_page(user, "/reading/issues/51/", links) == 0
