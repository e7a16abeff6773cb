"""Account security actions: password state, sessions, and their audit events.

The only code that changes ``PasswordState`` and ``UserSession``; the receivers in
``core.signals`` call it from Django's and django-axes' signals.
"""

import datetime

from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.models import AuditEvent
from audit.services import record_event

from .models import PasswordState, UserSession

LOGIN_AT_KEY = "core_login_at"


def session_store_class() -> type[SessionBase]:
    return import_string(settings.SESSION_ENGINE + ".SessionStore")


def password_set(user) -> None:
    """Record that ``user`` has just got a new password (clears must_change)."""
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": timezone.now(), "must_change": False}
    )


def require_password_change(user) -> None:
    """The next request of ``user`` goes to the password change page first.

    Used when an administrator creates the account or resets its password.
    """
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": timezone.now(), "must_change": True}
    )


def password_state(user) -> PasswordState | None:
    """The user's password state (memoised on the user object)."""
    if not hasattr(user, "_password_state"):
        user._password_state = PasswordState.objects.filter(user=user).first()
    return user._password_state


def password_change_reason(user) -> str:
    """Why ``user`` must change the password now, or "" if they need not."""
    state = password_state(user)
    if state is not None and state.must_change:
        return "账号由管理员创建或重置了密码，请先设置您自己的新密码。"
    changed_at = state.changed_at if state is not None else user.date_joined
    max_age = datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    if changed_at + max_age < timezone.now():
        return (
            f"您的密码已超过 {settings.PASSWORD_MAX_AGE_DAYS} 天未修改，请先修改密码。"
        )
    return ""


@transaction.atomic
def change_own_password(request, form) -> None:
    """Save the user's new password (a valid PasswordChangeForm) and audit it."""
    user = form.save()
    password_set(user)
    record_event(actor=user, action="password_change", obj=user)


def logged_in(request, user) -> None:
    """Remember the session for ``user`` and when the login happened."""
    request.session[LOGIN_AT_KEY] = timezone.now().timestamp()
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key, defaults={"user": user}
    )
    record_event(actor=user, action="login")


def logged_out(request, user) -> None:
    if user is None:
        return
    session_key = getattr(request.session, "session_key", None)
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()
    record_event(actor=user, action="logout")


def login_failed(username: str) -> None:
    record_event(
        actor=None,
        action="login_failed",
        username=username[:150],
        result=AuditEvent.Result.FAILURE,
        reason="用户名或密码错误，或账号已锁定",
    )


def locked_out(username: str) -> None:
    record_event(
        actor=None,
        action="lockout",
        username=(username or "")[:150],
        result=AuditEvent.Result.FAILURE,
        reason=f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，账号锁定",
    )


def end_sessions(user) -> int:
    """Delete every server session of ``user``; returns how many were ended."""
    store = session_store_class()
    rows = list(UserSession.objects.filter(user=user))
    for row in rows:
        store(session_key=row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


def session_expired(request, user) -> None:
    record_event(
        actor=user,
        action="session_expired",
        obj=user,
        reason="超过会话最长时限，须重新登录",
    )
