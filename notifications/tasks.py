"""Background tasks (Celery): notification fan-out, e-mail, the periodic sweep.

Every task may run more than once (acks_late: a worker killed mid-task leaves
it on the queue; a retry; the sweep): each one skips what is already done.
"""

import datetime
import smtplib

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from . import services, sms

# Back-off: NOTIFICATION_RETRY_SECONDS × 2^n, at most an hour, 10 tries.
MAX_COUNTDOWN = 60 * 60
MAX_RETRIES = 10


def countdown(retries: int) -> int:
    return min(settings.NOTIFICATION_RETRY_SECONDS * 2**retries, MAX_COUNTDOWN)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def fan_out(self, dispatch_id):
    """The bell entries and delivery rows of one ``notify``; then queue the mail."""
    try:
        batches = services.fan_out(dispatch_id)
    except DatabaseError as exc:  # e.g. a doubled run hitting the unique row
        raise self.retry(exc=exc, countdown=countdown(self.request.retries)) from exc
    for batch in batches:
        send_emails.delay(batch)


@shared_task(bind=True, max_retries=MAX_RETRIES)
def send_emails(self, delivery_ids):
    """Send the e-mail of these deliveries; on a mail server error, retry the
    ones still unsent with back-off; those another task holds, once its claim
    lapses."""
    try:
        services.send_emails(delivery_ids)
    except (OSError, smtplib.SMTPException) as exc:  # refused, timed out, 4xx
        left = services.unsent(delivery_ids)
        services.record_failure(left, exc)
        raise self.retry(
            args=[left], exc=exc, countdown=countdown(self.request.retries)
        ) from exc
    until = services.held_elsewhere(delivery_ids)
    if until is not None:
        # Another task is sending some of them; should its worker have died,
        # they are ours once its claim lapses (if not, the retry finds them sent).
        wait = (until - timezone.now()).total_seconds() + 1
        raise self.retry(args=[services.unsent(delivery_ids)], countdown=wait)


@shared_task
def send_sms(numbers, text):
    """One text message to these numbers, through settings.SMS_BACKEND."""
    sms.deliver(numbers, text)


@shared_task
def requeue_pending(grace_seconds=None):
    """Periodic (beat): queue again dispatches and mail that no task carries."""
    if grace_seconds is None:
        return services.requeue_pending()
    return services.requeue_pending(datetime.timedelta(seconds=grace_seconds))


@worker_ready.connect
def sweep_when_a_worker_starts(sender, **kwargs):
    # What was committed while no broker answered (e.g. `make run` loading the
    # demo before Redis is up) goes out now, not at the next periodic sweep.
    requeue_pending.delay(grace_seconds=0)
