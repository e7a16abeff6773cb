"""Notifications as background tasks (run eagerly here): once per (purpose,
occasion, recipient), retried with back-off, and nothing lost when the broker
or the mail server is down."""

import datetime
import socket
import time
import zoneinfo

import pytest
from django.core import mail
from django.db import transaction
from django.test import override_settings
from kombu.exceptions import OperationalError

from config import celery_app
from notifications import services, tasks
from notifications.models import Delivery, Dispatch, Notification
from tests.factories import make_user

from .mail_backends import FlakyBackend

pytestmark = pytest.mark.django_db

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
FLAKY = "tests.notifications.mail_backends.FlakyBackend"


@pytest.fixture
def flaky():
    """A mail server down for the first ``failures`` connections. Celery runs an
    eager task's retries only when it does not raise its errors at once."""
    FlakyBackend.failures = 0
    FlakyBackend.opened = 0
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        with override_settings(EMAIL_BACKEND=FLAKY):
            yield FlakyBackend
    finally:
        celery_app.conf.task_eager_propagates = propagates


def test_the_same_occasion_reaches_each_recipient_once(
    django_capture_on_commit_callbacks,
):
    a = make_user(email="a@example.gov.cn")
    b = make_user(email="b@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            [a], title="批示待签收", purpose="reminder", occasion="instruction:7"
        )
    # A doubled periodic run: the same occasion again, now also for b.
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            [a, b], title="批示待签收", purpose="reminder", occasion="instruction:7"
        )
    # The next day's reminder is another occasion.
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            [a], title="批示待签收", purpose="reminder", occasion="instruction:7:2"
        )
    assert Notification.objects.filter(recipient=a).count() == 2
    assert Notification.objects.filter(recipient=b).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == [
        "a@example.gov.cn",
        "a@example.gov.cn",
        "b@example.gov.cn",
    ]


def test_a_task_run_again_sends_nothing_twice(django_capture_on_commit_callbacks):
    user = make_user(email="clerk@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        dispatch = services.notify([user], title="稿件已采用")
    delivery = Delivery.objects.get()
    assert delivery.emailed_at is not None and len(mail.outbox) == 1
    # A worker killed before acknowledging: the broker hands both tasks out again.
    tasks.fan_out.delay(dispatch.pk)
    tasks.send_emails.delay([delivery.pk])
    assert Notification.objects.count() == 1 and len(mail.outbox) == 1


def test_mail_is_retried_after_the_server_refuses(
    flaky, django_capture_on_commit_callbacks
):
    flaky.failures = 2
    user = make_user(email="leader@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([user], title="第5期已签发")
    assert [m.to for m in mail.outbox] == [["leader@example.gov.cn"]]
    delivery = Delivery.objects.get()
    assert delivery.attempts == 2 and delivery.emailed_at is not None
    assert "Connection refused" in delivery.last_error
    # The bell entry did not wait for the mail server.
    assert Notification.objects.filter(recipient=user).count() == 1


def test_the_back_off_doubles_up_to_an_hour(settings):
    settings.NOTIFICATION_RETRY_SECONDS = 30
    assert [tasks.countdown(n) for n in range(9)] == [
        30, 60, 120, 240, 480, 960, 1920, 3600, 3600,
    ]  # fmt: skip


def test_a_broker_outage_at_commit_loses_nothing(
    monkeypatch, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False)
    user = make_user(email="editor@example.gov.cn")

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379")

    with monkeypatch.context() as patch:
        patch.setattr(tasks.fan_out, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            services.notify([user], title="有一期待签发")  # the work still commits
    assert Dispatch.objects.count() == 1 and not Notification.objects.exists()
    # The sweep leaves a dispatch a task may still be working on...
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 4, tzinfo=TZ), tick=False)
    assert services.requeue_pending() == (0, 0)
    assert not Notification.objects.exists()
    # ...and queues it again when none can be.
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 6, tzinfo=TZ), tick=False)
    assert services.requeue_pending() == (1, 0)
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1
    assert services.requeue_pending() == (0, 0)


def test_a_starting_worker_sweeps_at_once(monkeypatch, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ), tick=False)
    user = make_user(email="editor@example.gov.cn")
    with monkeypatch.context() as patch:
        patch.setattr(tasks.fan_out, "delay", lambda *a: None)  # lost on the way
        services.notify([user], title="有一期待签发")
    tasks.sweep_when_a_worker_starts(sender=None)
    assert Notification.objects.filter(recipient=user).count() == 1
    assert len(mail.outbox) == 1


def test_the_sweep_sends_mail_whose_retries_gave_up(
    flaky, time_machine, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    time_machine.move_to(start, tick=False)
    flaky.failures = tasks.MAX_RETRIES + 1  # down for longer than all the retries
    user = make_user(email="signer@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([user], title="有一期待签发")
    delivery = Delivery.objects.get()
    assert delivery.emailed_at is None and not mail.outbox
    assert delivery.attempts == tasks.MAX_RETRIES + 1
    # The retries may still be waiting out their back-off: not yet.
    wait = datetime.timedelta(seconds=tasks.MAX_COUNTDOWN) + services.SWEEP_GRACE
    time_machine.move_to(start + wait - datetime.timedelta(minutes=1), tick=False)
    assert services.requeue_pending() == (0, 0)
    time_machine.move_to(start + wait + datetime.timedelta(minutes=1), tick=False)
    assert services.requeue_pending() == (0, 1)
    assert [m.to for m in mail.outbox] == [["signer@example.gov.cn"]]
    # Two days on, an unsent notice is no longer worth a mail.
    other = make_user(email="late@example.gov.cn")
    flaky.failures = flaky.opened + tasks.MAX_RETRIES + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([other], title="过时的通知")
    time_machine.move_to(start + datetime.timedelta(days=3), tick=False)
    assert services.requeue_pending() == (0, 0)


def test_nothing_is_queued_when_the_transaction_rolls_back(
    django_capture_on_commit_callbacks,
):
    user = make_user(email="a@example.gov.cn")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            services.notify([user], title="不该发出")
            transaction.set_rollback(True)
    assert not Dispatch.objects.exists() and not Notification.objects.exists()
    assert not mail.outbox


def test_a_mail_server_that_never_answers_times_out(settings):
    # It accepts the connection (the kernel does, from the backlog) and says nothing.
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = server.getsockname()
    settings.EMAIL_TIMEOUT = 1
    user = make_user(email="a@example.gov.cn")
    dispatch = Dispatch.objects.create(
        purpose="notice", occasion="x", title="甲", recipient_ids=[user.pk]
    )
    (batch,) = services.fan_out(dispatch.pk)
    started = time.monotonic()
    try:
        with pytest.raises(OSError):
            services.send_emails(batch)
    finally:
        server.close()
    assert time.monotonic() - started < 3
    assert Delivery.objects.get().emailed_at is None


def test_mail_another_task_is_sending_is_left_to_it(
    time_machine, django_capture_on_commit_callbacks
):
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    time_machine.move_to(start, tick=False)
    user = make_user(email="a@example.gov.cn")
    dispatch = Dispatch.objects.create(
        purpose="notice", occasion="x", title="甲", recipient_ids=[user.pk]
    )
    (batch,) = services.fan_out(dispatch.pk)
    # A task took it and its worker died mid-batch.
    lapses = start + services.claim_length()
    Delivery.objects.update(claimed_until=lapses)
    assert services.send_emails(batch) == 0 and not mail.outbox
    assert services.held_elsewhere(batch) == lapses
    time_machine.move_to(lapses, tick=False)
    assert services.send_emails(batch) == 0
    time_machine.move_to(lapses + datetime.timedelta(seconds=1), tick=False)
    assert services.held_elsewhere(batch) is None
    assert services.send_emails(batch) == 1
    assert services.send_emails(batch) == 0
    assert [m.to for m in mail.outbox] == [["a@example.gov.cn"]]
    delivery = Delivery.objects.get()
    assert delivery.emailed_at is not None and delivery.claimed_until is None


def test_a_long_batch_renews_its_claim(settings, monkeypatch, time_machine):
    settings.EMAIL_TIMEOUT = 1  # a claim of 10 s
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TZ)
    time_machine.move_to(start, tick=False)
    users = [make_user(email=f"u{n}@example.gov.cn") for n in range(3)]
    dispatch = Dispatch.objects.create(
        purpose="notice", occasion="x", title="甲", recipient_ids=[u.pk for u in users]
    )
    (batch,) = services.fan_out(dispatch.pk)
    seen = []
    send = services.EmailMessage.send

    def slow_send(message, *args, **kwargs):  # each message takes 4 s
        seen.append(
            sorted(
                Delivery.objects.filter(emailed_at__isnull=True).values_list(
                    "claimed_until", flat=True
                )
            )
        )
        time_machine.shift(datetime.timedelta(seconds=4))
        return send(message, *args, **kwargs)

    monkeypatch.setattr(services.EmailMessage, "send", slow_send)
    assert services.send_emails(batch) == 3
    second = datetime.timedelta(seconds=1)
    assert seen == [
        [start + 10 * second] * 3,
        [start + 10 * second] * 2,  # 6 s left: kept
        [start + 18 * second],  # 2 s left: renewed for those unsent
    ]


def test_every_periodic_job_is_a_task_the_worker_knows(settings):
    celery_app.loader.import_default_modules()  # what the worker imports
    jobs = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert jobs == {
        "notifications.tasks.requeue_pending",
        "commissions.tasks.send_due_reminders",
        "planning.tasks.plan_issues",
        "planning.tasks.send_deadline_reminders",
        "reading.tasks.send_due_reminders",
    }
    assert jobs <= set(celery_app.tasks)
