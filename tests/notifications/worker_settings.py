"""Settings of the Celery worker that tests/notifications/test_worker.py starts:
the test settings, with tasks queued for real and mail written to files."""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
EMAIL_BACKEND = "tests.notifications.mail_backends.FilesUnlessDown"
EMAIL_FILE_PATH = os.environ["WORKER_MAIL_DIR"]
