"""Sending notifications: in-app rows and e-mail, only once the change commits."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .selectors import forget_unread, unread_key, unread_links

logger = logging.getLogger(__name__)


def notify(recipients: Iterable, *, title: str, body: str = "", url: str = ""):
    """Tell ``recipients`` (users) about something, after the transaction commits.

    Nothing is stored or sent if the surrounding transaction rolls back.
    Inactive users and duplicates are skipped; e-mail only to those with an address.
    """
    users = {user.pk: user for user in recipients if user is not None}
    users = [user for user in users.values() if user.is_active]
    if not users:
        return

    def send():
        Notification.objects.bulk_create(
            Notification(recipient=user, title=title, body=body, url=url)
            for user in users
        )
        cache.delete_many([unread_key(user.pk) for user in users])
        text = body
        if url:
            site = getattr(settings, "SITE_URL", "").rstrip("/")
            text = f"{body}\n\n{site}{url}".strip()
        messages = [
            (f"【简报系统】{title}", text, settings.DEFAULT_FROM_EMAIL, [user.email])
            for user in users
            if user.email
        ]
        if messages:
            try:
                send_mass_mail(messages, fail_silently=False)
            except Exception:  # a mail outage must not break the work itself
                logger.exception("通知邮件发送失败：%s", title)

    transaction.on_commit(send)


def mark_read(user, notification_id=None) -> int:
    """Mark one of ``user``'s notifications (or all of them) read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    marked = unread.update(read_at=timezone.now())
    forget_unread(user)
    return marked


def mark_read_for_page(user, path: str, links=None) -> int:
    """Mark read ``user``'s unread notifications that link to the page ``path``.

    Opening the item or 批示 a notification points to is reading it, however
    the user got there (inbox, e-mail, bookmark). A link may end in a
    ``#fragment`` on that page, which browsers never send to the server.
    ``links``: the pages the unread ones link to, if already read from the
    cache (``selectors.unread``).
    """
    if links is None:
        links = unread_links(user)  # cached: most pages are no notification's
    here = [link for link in links if link == path or link.startswith(f"{path}#")]
    if not here:
        return 0
    marked = Notification.objects.filter(
        url__in=here, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
    forget_unread(user)
    return marked
