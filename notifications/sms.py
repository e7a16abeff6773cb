"""Text messages (短信), through a pluggable backend.

The office's SMS gateway is local to each county, so the sender is a class
named in ``settings.SMS_BACKEND`` (dotted path) with one method,
``send_messages(numbers, text)``. The default backend only writes a log line.
The gateway is called by the worker (notifications.tasks.send_sms), never in
the request.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from . import tasks

logger = logging.getLogger(__name__)


class LoggingSMSBackend:
    """Writes each message to the log instead of sending it."""

    def send_messages(self, numbers: list[str], text: str) -> None:
        for number in numbers:
            logger.info("短信 → %s：%s", number, text)


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(numbers: Iterable[str], text: str) -> None:
    """Send ``text`` to ``numbers`` from the worker once the transaction commits
    (blank and duplicate numbers skipped)."""
    wanted = sorted({n.strip() for n in numbers if n and n.strip()})
    if not wanted:
        return
    transaction.on_commit(lambda: _queue(wanted, text))


def _queue(numbers, text):
    try:
        tasks.send_sms.delay(numbers, text)
    except OperationalError as exc:  # no broker: send it here, as before
        logger.warning("消息队列不可用，短信在请求中发送：%s", exc)
        deliver(numbers, text)


def deliver(numbers: list[str], text: str) -> None:
    """Hand one message to the gateway; a failure is logged, never raised, and
    not retried (a gateway may have sent to some numbers already)."""
    try:
        get_backend().send_messages(numbers, text)
    except Exception:  # a gateway outage must not break the work itself
        logger.exception("短信发送失败：%s", text)
