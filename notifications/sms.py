"""Text messages (短信), through a pluggable backend.

The office's SMS gateway is local to each county, so the sender is a class
named in ``settings.SMS_BACKEND`` (dotted path) with one method,
``send_messages(numbers, text)``. The default backend only writes a log line.
"""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class LoggingSMSBackend:
    """Writes each message to the log instead of sending it."""

    def send_messages(self, numbers: list[str], text: str) -> None:
        for number in numbers:
            logger.info("短信 → %s：%s", number, text)


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(numbers: Iterable[str], text: str) -> None:
    """Send ``text`` to ``numbers`` once the transaction commits (blank and
    duplicate numbers skipped); a gateway failure is logged, never raised."""
    wanted = sorted({n.strip() for n in numbers if n and n.strip()})
    if not wanted:
        return

    def send():
        try:
            get_backend().send_messages(wanted, text)
        except Exception:  # a gateway outage must not break the work itself
            logger.exception("短信发送失败：%s", text)

    transaction.on_commit(send)
