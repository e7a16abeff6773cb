"""Periodic work of 出刊计划 (celery beat, CELERY_BEAT_SCHEDULE)."""

from celery import shared_task

from . import services


@shared_task
def plan_issues():
    """Planned issues for the coming weeks; idempotent, so beat may run it twice."""
    return services.plan_issues()


@shared_task
def send_deadline_reminders():
    """The 截稿 reminders that are due; idempotent, so beat may run it twice."""
    return services.send_deadline_reminders()
