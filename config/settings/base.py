"""Settings shared by every environment; values come from the environment."""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-do-not-use")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_ckeditor_5",
    "core.axes_config.AxesConfig",
    "pgtrigger",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "core",
    "audit",
    "departments",
    "briefing.apps.BriefingConfig",
    "notifications",
    "commissions",
    "submissions",
    "planning",
    "assessment",
    "reading",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "audit.middleware.RequestContextMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreWhenSignedInMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.SessionLimitMiddleware",
    # The second factor comes right after the password, before anything else.
    "core.middleware.OTPRequiredMiddleware",
    "core.middleware.PasswordChangeRequiredMiddleware",
    "notifications.middleware.MarkReadOnOpenMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns lockouts into the Chinese lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
                "notifications.context_processors.notification_bell",
            ],
        },
    },
]

# Persistent connections only where the server reuses its threads: gunicorn's
# config (config/gunicorn.py) sets DB_CONN_MAX_AGE. runserver gives each browser
# connection a thread of its own, and each would keep a database connection open
# (84 of them, until PostgreSQL refused "too many clients"). A kept connection is
# checked before a request uses it, so one that a database restart broke is
# replaced instead of failing that request.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite (the zero-set-up default) is shared by the web server, the worker and
    # beat: a transaction takes the write lock when it starts, and a writer waits
    # up to 20 s for another instead of failing with "database is locked"; WAL
    # lets readers go on while one process writes.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }

AUTHENTICATION_BACKENDS = [
    # First, so a locked-out user is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "core.backends.UserBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation."
        "UserAttributeSimilarityValidator"
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.validators.CharacterClassValidator"},
    # Not the current password nor one of the last PASSWORD_HISTORY; its
    # password_changed() hook also records every change (core.accounts).
    {"NAME": "core.validators.PasswordHistoryValidator"},
]
PASSWORD_HISTORY = 5

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: its defaults (3 failures, locked until an admin resets) are wrong
# for us: 5 failures lock the account for 30 minutes (see the README).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# The Chinese lockout page, with when the lock ends and who can lift it.
AXES_LOCKOUT_CALLABLE = "core.account_views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Accounts are locked by user name, not by address: a county office sits behind
# one NAT address, and locking it would lock out the whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# The admins are alerted (notification and audit) when one account is locked
# this many times within 24 hours: someone may be guessing its password.
LOCKOUT_ALERT_COUNT = 3

# Sessions: 30 minutes idle; the absolute limit is enforced by core.middleware.
# The idle expiry is renewed by core.middleware.SessionLimitMiddleware at most
# once every SESSION_RENEW_SECONDS (not a session write on every request): an
# idle session ends 29 to 30 minutes after the last request.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
# 等保 asks for periodic password change: after this many days the user must
# change it before anything else (core.middleware).
PASSWORD_MAX_AGE_DAYS = int(os.environ.get("PASSWORD_MAX_AGE_DAYS", "90"))
# Two-step verification (TOTP, django-otp). Members of these groups must pass
# it after the password (等保 level 3); "管理员" also covers superusers. Empty:
# optional, but a user who enrolled a device is always asked for it.
OTP_REQUIRED_FOR_ROLES = env_list("OTP_REQUIRED_FOR_ROLES")
OTP_FAILURE_LIMIT = int(os.environ.get("OTP_FAILURE_LIMIT", "5"))
OTP_TOTP_ISSUER = "政务信息简报系统"
# The secret is shown once, at enrollment; never again in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Simplified Chinese for everyone, whatever the browser asks for: no
# LocaleMiddleware, so Django's own texts (form errors, the admin) are Chinese too.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Chinese for strings Django 5.2's own catalogue lacks (admin, password checks).
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Served at the site's root: /favicon.ico, which browsers ask for on pages that
# do not link base.html's icon (the admin, the print preview, a PDF).
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "core.storage.StaticFilesStorage"},
}
# Uploaded files are private: never served by a URL of their own, only through
# views that check who may see them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

UPLOAD_MAX_BYTES = int(os.environ.get("UPLOAD_MAX_MB", "20")) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "briefing@localhost")
# Seconds any wait on the mail server may take (connect, each reply). Mail is
# sent by the worker, never in a request, but a hanging server must not hold a
# worker for ever either: the task fails and is retried with back-off.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "10"))

# Background work: Celery with Redis as the broker (config/celery.py).
CELERY_BROKER_URL = (
    os.environ.get("CELERY_BROKER_URL") or REDIS_URL or "redis://127.0.0.1:6379/0"
)
# A task is acknowledged when it has finished, not when it starts: a worker
# killed mid-task leaves it on the queue for another (every task is idempotent).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Redis hands an unacknowledged task out again after this long: longer than the
# longest retry countdown (notifications.tasks.MAX_COUNTDOWN, one hour).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 2 * 60 * 60}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queuing happens after commit in the web request: with the broker down it
# gives up within a second (the notice is stored; the sweep queues it later).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "briefing")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Shanghai"
# Periodic jobs: a static schedule, part of the code (see README: why not
# django-celery-beat). Each job is idempotent, so a doubled beat is harmless.
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-notifications": {
        "task": "notifications.tasks.requeue_pending",
        "schedule": 5 * 60,
    },
    # 约稿 reminders at the offsets each 约稿 sets: at most two minutes late.
    "commission-reminders": {
        "task": "commissions.tasks.send_due_reminders",
        "schedule": 2 * 60,
    },
    # Planned issues for each publication's coming weeks (出刊计划).
    "plan-issues": {
        "task": "planning.tasks.plan_issues",
        "schedule": 60 * 60,
    },
    # 截稿 reminders to units that have sent nothing: at most two minutes late.
    "issue-deadline-reminders": {
        "task": "planning.tasks.send_deadline_reminders",
        "schedule": 2 * 60,
    },
    # 批示 办理时限 reminders are due by the day (from midnight): sent in office
    # hours, the first run of the morning sends that day's.
    "instruction-reminders": {
        "task": "reading.tasks.send_due_reminders",
        "schedule": crontab(minute="*/15", hour="8-18"),
    },
}
# First retry of a failed notification task after this many seconds, then
# doubling (notifications.tasks.countdown).
NOTIFICATION_RETRY_SECONDS = int(os.environ.get("NOTIFICATION_RETRY_SECONDS", "30"))

# Fonts for the printed briefing: an office puts its licensed fonts here.
BRIEFING_FONTS_DIR = Path(os.environ.get("BRIEFING_FONTS_DIR", BASE_DIR / "fonts"))

# Reverse proxies whose X-Forwarded-For is believed (audit source addresses).
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

# load_demo creates accounts with well-known passwords: never in production.
DEMO_DATA_ALLOWED = env_bool("DEMO_DATA_ALLOWED", False)

X_FRAME_OPTIONS = "DENY"
# django-csp 4.0. No inline script anywhere; CKEditor 5 sets inline styles.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # WeasyPrint and fontTools are chatty at INFO.
        "weasyprint": {"level": "ERROR"},
        "fontTools": {"level": "ERROR"},
        # django-axes logs every successful login at INFO; the audit trail has them.
        "axes": {"level": "WARNING"},
    },
}

# CKEditor 5 (django-ckeditor-5). The package's defaults (uploads
# for staff only, no size limit, public storage under the user's filename) are
# wrong for us. Uploads go to briefing.views.items.image_upload (mounted under
# the package's URL name): unit members and editors may upload, the type is
# checked by content, the file is stored privately under a random name and
# served only through a view that checks access.
CKEDITOR_5_FILE_UPLOAD_PERMISSION = "authenticated"  # the role check is in our view
CKEDITOR_5_MAX_FILE_SIZE = 5  # MB, for images pasted into the text
CKEDITOR_5_UPLOAD_FILE_TYPES = ["jpeg", "jpg", "png"]
CKEDITOR_5_FILE_STORAGE = "briefing.uploads.PrivateStorage"
CKEDITOR_5_CONFIGS = {
    # 落实情况反馈 (reading): Chinese interface; CKEditor counts a run of Chinese
    # characters as one "word", so only the character count is shown.
    "default": {
        "language": "zh-cn",
        "toolbar": ["bold", "bulletedList", "numberedList"],
        "wordCount": {"displayWords": False},
    },
    "item": {
        "language": "zh-cn",
        # What a screen reader announces for the editing area (CKEditor's own
        # is "富文本编辑器。编辑区域：main").
        "label": "正文",
        "toolbar": {
            "items": [
                "undo", "redo", "|", "bold", "|", "bulletedList", "numberedList",
                "|", "insertTable", "uploadImage", "|", "findAndReplace",
            ],
            "shouldNotGroupWhenFull": True,
        },
        # Everything that would store styles, raw HTML or embeds is switched off;
        # the server keeps only what briefing.sanitize allows anyway.
        "removePlugins": [
            "Markdown", "HtmlEmbed", "SourceEditing", "GeneralHtmlSupport",
            "FullPage", "Style", "MediaEmbed", "Font", "Highlight", "Alignment",
            "TableProperties", "TableCellProperties", "ListProperties",
            "IndentBlock", "Indent", "CodeBlock", "Code", "TodoList", "Mention",
            "PageBreak", "HorizontalLine", "ImageResize", "Autosave",
            "CKFinderUploadAdapter", "LinkImage", "WordCount",
        ],
        # The picker and paste/drop offer only what the upload view accepts
        # (CKEDITOR_5_UPLOAD_FILE_TYPES); these are MIME subtypes, so no "jpg".
        "image": {
            "toolbar": ["imageTextAlternative"],
            "upload": {"types": ["jpeg", "png"]},
        },
        "table": {"contentToolbar": ["tableColumn", "tableRow", "mergeTableCells"]},
    },
}  # fmt: skip

# 批示 without a 办理时限 not fed back within this many days show as overdue (逾期);
# those with one, once that day has ended.
INSTRUCTION_OVERDUE_DAYS = int(os.environ.get("INSTRUCTION_OVERDUE_DAYS", "7"))
# The units that have not fed back on a 批示 are reminded from the start of the
# day this many days before its 办理时限 ends (1: its last day), and once when it
# has passed.
INSTRUCTION_REMIND_DAYS_BEFORE = int(
    os.environ.get("INSTRUCTION_REMIND_DAYS_BEFORE", "1")
)

# Text messages (催报): a class with send_messages(numbers, text). The default
# only logs; the office's own gateway is plugged in here (dotted path).
SMS_BACKEND = os.environ.get("SMS_BACKEND", "notifications.sms.LoggingSMSBackend")
# 约稿: the late reminder is still sent this many days after the deadline (when
# the reminder job did not run at the deadline itself), never later.
COMMISSION_LATE_REMINDER_DAYS = int(
    os.environ.get("COMMISSION_LATE_REMINDER_DAYS", "7")
)

# 紧急信息: "30 分钟内电话报告，1 小时内书面报告" — minutes after the event.
# The written report is the item reaching the editors (its first 报送).
URGENT_PHONE_REPORT_MINUTES = int(os.environ.get("URGENT_PHONE_REPORT_MINUTES", "30"))
URGENT_WRITTEN_REPORT_MINUTES = int(
    os.environ.get("URGENT_WRITTEN_REPORT_MINUTES", "60")
)
# Numbers texted (SMS_BACKEND) when an urgent item reaches the editors: the
# editors' or the duty office's phones (editors have no unit membership).
URGENT_SMS_NUMBERS = env_list("URGENT_SMS_NUMBERS")
