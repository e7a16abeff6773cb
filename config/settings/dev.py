"""Development and the demo (`make run`): SQLite and the console e-mail backend.

DEBUG is off unless asked for (``DEBUG=1``, ``make run-debug``): a newcomer
opening a page they may not see meets the product's Chinese error page, not
Django's English debug page listing every URL. whitenoise serves the static
files from the apps' folders as they are (no collectstatic, no hashed names).
"""

from .base import *  # noqa: F403
from .base import STORAGES, env_bool

DEBUG = env_bool("DEBUG", False)

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

DEMO_DATA_ALLOWED = True
