"""The pluggable SMS sender: after commit, blank numbers skipped, failures logged."""

import logging

import pytest
from django.db import transaction

from notifications.sms import send_sms

pytestmark = pytest.mark.django_db


class BrokenGateway:
    def send_messages(self, numbers, text):
        raise ConnectionError("网关无响应")


def test_logging_backend_writes_each_message_after_commit(
    caplog, django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = "notifications.sms.LoggingSMSBackend"
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            send_sms(["13800000001", " ", "", "13800000001", "13800000002"], "催报")
        assert not caplog.records
        for callback in callbacks:
            callback()
    assert [
        r.getMessage() for r in caplog.records if r.name == "notifications.sms"
    ] == [
        "短信 → 13800000001：催报",
        "短信 → 13800000002：催报",
    ]


def test_a_gateway_failure_is_logged_not_raised(
    caplog, django_capture_on_commit_callbacks, settings
):
    settings.SMS_BACKEND = f"{__name__}.BrokenGateway"
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            send_sms(["13800000001"], "催报")
    assert "短信发送失败：催报" in caplog.text


def test_nothing_is_sent_on_rollback(django_capture_on_commit_callbacks, settings):
    settings.SMS_BACKEND = f"{__name__}.BrokenGateway"  # would log if called
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            send_sms(["13800000001"], "催报")
            transaction.set_rollback(True)
    assert callbacks == []
