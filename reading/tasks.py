"""Periodic work of 批示 (celery beat, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task
def send_due_reminders():
    """The 办理时限 reminders that are due; idempotent, so beat may run it twice."""
    return services.send_due_reminders()
