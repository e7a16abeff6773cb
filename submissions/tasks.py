"""Background work of 上报: mailing the 上报件 (celery)."""

import smtplib

from celery import shared_task

from notifications.tasks import MAX_RETRIES, countdown

from . import services


@shared_task(bind=True, max_retries=MAX_RETRIES)
def mail_submission(self, submission_id):
    """Mail the 上报件 once; retried with back-off while the server refuses."""
    try:
        return services.mail_submission(submission_id)
    except (OSError, smtplib.SMTPException) as exc:
        raise self.retry(exc=exc, countdown=countdown(self.request.retries)) from exc
