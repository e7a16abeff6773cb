"""Tests: DATABASE_URL picks PostgreSQL or SQLite; fast hashing."""

import os

from .base import *  # noqa: F403
from .base import BASE_DIR

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run at once, in the test's process and transaction (the real worker is
# tested in tests/notifications/test_worker.py).
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# Each pytest-xdist worker (make test runs two) files under a folder of its
# own; pytest-django gives each its own test database the same way.
MEDIA_ROOT = (
    BASE_DIR / "test-output" / "media" / os.environ.get("PYTEST_XDIST_WORKER", "")
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

DEMO_DATA_ALLOWED = True
