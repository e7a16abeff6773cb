"""The Celery application: ``celery -A config worker`` / ``celery -A config beat``.

Settings are the Django settings named CELERY_* (config/settings/base.py);
tasks are found in each app's ``tasks.py``.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("briefing")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
