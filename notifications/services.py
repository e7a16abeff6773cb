"""Sending notifications: in-app rows and e-mail, only once the change commits."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from .models import Notification
from .selectors import unread_key

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
    cache.delete(unread_key(user.pk))
    return marked
