"""Sending notifications: in-app rows and e-mail, by background tasks after commit.

``notify`` only writes a ``Dispatch`` row in the caller's transaction; once that
commits, ``notifications.tasks.fan_out`` creates the bell entries and
``Delivery`` rows, and ``send_emails`` sends the mail. A ``Delivery`` is unique
per (purpose, occasion, recipient): a retried task or a doubled periodic run
never notifies or mails anyone twice.
"""

import datetime
import logging
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from kombu.exceptions import OperationalError

from . import tasks
from .models import Delivery, Dispatch, Notification
from .selectors import unread_links

logger = logging.getLogger(__name__)

# Mail goes out in batches of this many recipients, one SMTP connection each.
MAIL_BATCH = 100
# The sweep leaves alone what a task may still be working on or retrying:
# a dispatch younger than this, a delivery whose last failure is younger than
# the longest back-off (tasks.MAX_COUNTDOWN) plus this.
SWEEP_GRACE = datetime.timedelta(minutes=5)
# Mail older than this is no longer worth sending.
MAIL_GIVE_UP = datetime.timedelta(days=2)


def notify(
    recipients: Iterable,
    *,
    title: str,
    body: str = "",
    url: str = "",
    purpose: str = "notice",
    occasion: str = "",
):
    """Tell ``recipients`` (users) about something, after the transaction commits.

    Nothing is stored or sent if the surrounding transaction rolls back.
    Inactive users and duplicates are skipped; e-mail only to those with an
    address. ``purpose`` and ``occasion`` name what this is about (e.g.
    ``"instruction_reminder"``, ``"instruction:7:2026-12-01"``): a recipient
    gets one notice per pair, however often it is asked for. Without an
    occasion every call is one of its own.
    """
    ids = sorted({u.pk for u in recipients if u is not None and u.is_active})
    if not ids:
        return None
    dispatch = Dispatch.objects.create(
        purpose=purpose,
        occasion=occasion or uuid.uuid4().hex,
        title=title,
        body=body,
        url=url,
        recipient_ids=ids,
    )
    # robust: a broker outage must not fail the work that committed; the
    # periodic sweep (requeue_pending) queues the dispatch again.
    transaction.on_commit(lambda: _queue_fan_out(dispatch.pk), robust=True)
    return dispatch


def _queue_fan_out(dispatch_id):
    try:
        tasks.fan_out.delay(dispatch_id)
    except OperationalError as exc:  # the broker is down; the dispatch is stored
        logger.warning("消息队列不可用，通知 %s 将由定时任务补发：%s", dispatch_id, exc)


def fan_out(dispatch_id) -> list[list[int]]:
    """Create the bell entries and delivery rows of a dispatch, once per
    recipient and (purpose, occasion); return the deliveries to mail, in batches.

    Runs in the worker. A dispatch already fanned out does nothing.
    """
    users = get_user_model().objects.only("pk", "email")
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().filter(pk=dispatch_id).first()
        if dispatch is None or dispatch.fanned_out_at is not None:
            return []
        done = set(
            Delivery.objects.filter(
                purpose=dispatch.purpose,
                occasion=dispatch.occasion,
                recipient_id__in=dispatch.recipient_ids,
            ).values_list("recipient_id", flat=True)
        )
        new = [
            user
            for user in users.filter(pk__in=dispatch.recipient_ids, is_active=True)
            if user.pk not in done
        ]
        notes = Notification.objects.bulk_create(
            Notification(
                recipient=user,
                title=dispatch.title,
                body=dispatch.body,
                url=dispatch.url,
            )
            for user in new
        )
        deliveries = Delivery.objects.bulk_create(
            Delivery(
                dispatch=dispatch,
                purpose=dispatch.purpose,
                occasion=dispatch.occasion,
                recipient=user,
                notification=note,
                email=user.email,
            )
            for user, note in zip(new, notes, strict=True)
        )
        dispatch.fanned_out_at = timezone.now()
        dispatch.save(update_fields=["fanned_out_at"])
    return _batches([d.pk for d in deliveries if d.email])


def _batches(ids) -> list[list[int]]:
    return [ids[start : start + MAIL_BATCH] for start in range(0, len(ids), MAIL_BATCH)]


def _message(delivery, connection) -> EmailMessage:
    dispatch = delivery.dispatch
    text = dispatch.body
    if dispatch.url:
        site = getattr(settings, "SITE_URL", "").rstrip("/")
        text = f"{dispatch.body}\n\n{site}{dispatch.url}".strip()
    return EmailMessage(
        f"【简报系统】{dispatch.title}",
        text,
        settings.DEFAULT_FROM_EMAIL,
        [delivery.email],
        connection=connection,
    )


def unsent(delivery_ids) -> list[int]:
    """Of ``delivery_ids``, those whose e-mail has not gone out."""
    return list(
        Delivery.objects.filter(pk__in=delivery_ids, emailed_at__isnull=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_emails(delivery_ids) -> int:
    """Send the e-mail of each delivery not sent yet, over one connection;
    return how many went out.

    The deliveries are claimed in one statement first (those another task
    holds are left to it), and each is marked sent as soon as its message is
    out: a retry or a second task never sends one twice. A connection or SMTP
    error propagates (the task retries what is still unsent).
    """
    token = uuid.uuid4()
    claim = claim_length()
    now = timezone.now()
    held_until = now + claim
    mine = Delivery.objects.filter(pk__in=delivery_ids, emailed_at__isnull=True)
    claimed = (
        mine.exclude(email="")
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_by=token, claimed_until=held_until)
    )
    if not claimed:
        return 0
    mine = mine.filter(claimed_by=token)
    sent = 0
    try:
        # EMAIL_TIMEOUT bounds every network wait of the SMTP backend.
        with get_connection(fail_silently=False) as connection:
            for delivery in mine.select_related("dispatch").order_by("pk"):
                if held_until - timezone.now() < claim / 2:  # renew before it lapses
                    held_until = timezone.now() + claim
                    mine.update(claimed_until=held_until)
                _message(delivery, connection).send()
                Delivery.objects.filter(pk=delivery.pk).update(
                    emailed_at=timezone.now(), claimed_until=None
                )
                sent += 1
    finally:
        mine.update(claimed_until=None)  # what is unsent, for the retry
    return sent


def claim_length() -> datetime.timedelta:
    """How long a task holds the mail it is sending, renewed as it goes: what one
    message may take, generously, when every wait runs to EMAIL_TIMEOUT. A
    worker killed mid-batch leaves its claim to lapse this soon."""
    return datetime.timedelta(seconds=10 * settings.EMAIL_TIMEOUT)


def held_elsewhere(delivery_ids) -> datetime.datetime | None:
    """When the last claim another task holds on these unsent deliveries lapses
    (None: no other task holds any)."""
    return Delivery.objects.filter(
        pk__in=delivery_ids, emailed_at__isnull=True, claimed_until__gt=timezone.now()
    ).aggregate(until=Max("claimed_until"))["until"]


def record_failure(delivery_ids, error) -> None:
    """Note a failed attempt on the deliveries still unsent (shown in the admin)."""
    Delivery.objects.filter(pk__in=delivery_ids, emailed_at__isnull=True).update(
        attempts=F("attempts") + 1,
        last_attempt_at=timezone.now(),
        last_error=f"{type(error).__name__}: {error}"[:500],
    )


def requeue_pending(grace=SWEEP_GRACE) -> tuple[int, int]:
    """Queue again what no task is working on: dispatches not fanned out, and
    mail not sent whose task died or gave up. Return (dispatches, deliveries).

    Run periodically by celery beat, and with no grace when a worker starts;
    queuing twice is harmless (the tasks skip what is done), so ``grace`` only
    keeps it from piling up work.
    """
    now = timezone.now()
    dispatches = list(
        Dispatch.objects.filter(
            fanned_out_at__isnull=True, created_at__lte=now - grace
        ).values_list("pk", flat=True)
    )
    quiet = now - grace - datetime.timedelta(seconds=tasks.MAX_COUNTDOWN)
    deliveries = list(
        Delivery.objects.filter(
            emailed_at__isnull=True, created_at__gte=now - MAIL_GIVE_UP
        )
        .exclude(email="")
        .filter(
            Q(last_attempt_at__isnull=True, created_at__lte=now - grace)
            | Q(last_attempt_at__lt=quiet)
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in dispatches:
        tasks.fan_out.delay(pk)
    for batch in _batches(deliveries):
        tasks.send_emails.delay(batch)
    return len(dispatches), len(deliveries)


def mark_read(user, notification_id=None) -> int:
    """Mark one of ``user``'s notifications (or all of them) read."""
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        unread = unread.filter(pk=notification_id)
    return unread.update(read_at=timezone.now())


def mark_read_for_page(user, path: str, links=None) -> int:
    """Mark read ``user``'s unread notifications that link to the page ``path``.

    Opening the item or 批示 a notification points to is reading it, however
    the user got there (inbox, e-mail, bookmark). A link may end in a
    ``#fragment`` on that page, which browsers never send to the server.
    ``links``: the pages the unread ones link to, if already read
    (``selectors.unread``).
    """
    if links is None:
        links = unread_links(user)
    here = [link for link in links if link == path or link.startswith(f"{path}#")]
    if not here:
        return 0
    return Notification.objects.filter(
        url__in=here, recipient=user, read_at__isnull=True
    ).update(read_at=timezone.now())
