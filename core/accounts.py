"""Account actions: roles, active flag, password state, sessions, lockouts,
each with its audit event.

The only code that changes a user's roles or active flag, ``PasswordState``,
``PasswordHistory`` and ``UserSession``. The admin calls it; the receivers in
``core.signals`` call it from Django's and django-axes' login signals, and
``core.validators.PasswordHistoryValidator`` from Django's password-changed hook.
"""

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password
from django.contrib.sessions.backends.base import SessionBase
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.module_loading import import_string

from audit.models import AuditEvent
from audit.services import record_event
from notifications.services import notify

from . import otp, permissions, roles
from .models import PasswordHistory, PasswordState, UserSession

LOGIN_AT_KEY = "core_login_at"


def session_store_class() -> type[SessionBase]:
    return import_string(settings.SESSION_ENGINE + ".SessionStore")


class RolesRefused(Exception):
    """A role change the separation-of-duties rules forbid; str() is the reason."""


def _refused(user, reason, *, actor, action):
    record_event(
        actor=actor,
        action=action,
        obj=user,
        result=AuditEvent.Result.FAILURE,
        reason=f"拒绝：{user.get_username()}：{reason}",
    )


def check_roles(user, groups, *, actor) -> None:
    """Raise RolesRefused, audited, unless ``actor`` may give ``user`` exactly
    ``groups`` (core.permissions.role_change_refusal); for forms."""
    reason = permissions.role_change_refusal(actor, user, groups)
    if reason:
        _refused(user, reason, actor=actor, action="role_change")
        raise RolesRefused(reason)


def set_roles(user, groups, *, actor) -> None:
    """Give ``user`` exactly the role ``groups``; one ``role_change`` event for
    the roles added and one for those removed, naming ``actor`` and ``user``.

    Refused (RolesRefused, audited) by the separation-of-duties rules.
    """
    groups = list(groups)
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        reason = permissions.role_change_refusal(actor, user, groups)
        if not reason:
            held = set(user.groups.all())
            added, removed = set(groups) - held, held - set(groups)
            if removed:
                user.groups.remove(*removed)
            if added:
                user.groups.add(*added)
            for verb, changed in (("移出", removed), ("加入", added)):
                if changed:
                    names = "、".join(sorted(group.name for group in changed))
                    record_event(
                        actor=actor,
                        action="role_change",
                        obj=user,
                        reason=f"{user.get_username()} {verb}角色：{names}",
                    )
    if reason:
        _refused(user, reason, actor=actor, action="role_change")
        raise RolesRefused(reason)


def _set_active(user, active: bool, *, actor) -> int:
    action = "account_enabled" if active else "account_disabled"
    if not permissions.may_manage_account(actor, user):
        _refused(user, "无权管理该账号。", actor=actor, action=action)
        raise PermissionDenied
    with transaction.atomic():
        user = get_user_model().objects.select_for_update().get(pk=user.pk)
        if user.is_active == active:
            return 0
        user.is_active = active
        user.save(update_fields=["is_active"])
        if active:
            record_event(actor=actor, action=action, obj=user)
            return 0
        ended = end_sessions(user)
        record_event(
            actor=actor,
            action=action,
            obj=user,
            username=user.get_username(),
            reason=f"停用账号，结束 {ended} 个会话",
        )
        return ended


def deactivate_user(user, *, actor) -> int:
    """Disable ``user``'s account and end every session of it, at once.

    Returns how many sessions were ended. ``actor`` must manage the account
    (core.permissions.may_manage_account), else PermissionDenied (audited).
    """
    return _set_active(user, False, actor=actor)


def reactivate_user(user, *, actor) -> None:
    """Enable ``user``'s disabled account again; as deactivate_user."""
    _set_active(user, True, actor=actor)


def password_set(user) -> None:
    """Record that ``user`` has just got a new password (clears must_change)
    and keep its hash, with the last PASSWORD_HISTORY ones, against reuse."""
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": timezone.now(), "must_change": False}
    )
    PasswordHistory.objects.create(user=user, password=user.password)
    kept = PasswordHistory.objects.filter(user=user).order_by("-id")
    old = kept.values_list("id", flat=True)[settings.PASSWORD_HISTORY + 1 :]
    PasswordHistory.objects.filter(id__in=list(old)).delete()


def reuses_password(user, password: str) -> bool:
    """Whether ``password`` is ``user``'s current one or one of the last
    PASSWORD_HISTORY before it."""
    if user is None or user.pk is None:
        return False
    hashes = [user.password]
    hashes += (
        PasswordHistory.objects.filter(user=user)
        .order_by("-id")
        .values_list("password", flat=True)[: settings.PASSWORD_HISTORY + 1]
    )
    return any(check_password(password, hashed) for hashed in dict.fromkeys(hashes))


def require_password_change(user) -> None:
    """The next request of ``user`` goes to the password change page first.

    Used when an administrator creates the account or resets its password.
    """
    PasswordState.objects.update_or_create(
        user=user, defaults={"changed_at": timezone.now(), "must_change": True}
    )


def password_state(user) -> PasswordState | None:
    """The user's password state (read with the user: ``core.backends``)."""
    try:
        return user.password_state
    except PasswordState.DoesNotExist:
        return None


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
    user = form.save()  # PasswordHistoryValidator.password_changed: password_set
    record_event(actor=user, action="password_change", obj=user)


def logged_in(request, user) -> None:
    """Remember the session for ``user`` and when the login happened."""
    request.session[LOGIN_AT_KEY] = timezone.now().timestamp()
    otp.remember_enrollment(request, user)
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


def locked_out(username: str, failures: int | None = None) -> None:
    """Audit a new lock of ``username``; alert the admins when it is the
    LOCKOUT_ALERT_COUNT-th or a later one within 24 hours.

    django-axes signals a lockout again for every try while locked (each one
    ``failures`` past the limit); those are audited as failed logins only.
    """
    if failures is not None and failures > settings.AXES_FAILURE_LIMIT:
        return
    username = (username or "")[:150]
    record_event(
        actor=None,
        action="lockout",
        username=username,
        result=AuditEvent.Result.FAILURE,
        reason=f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败，账号锁定",
    )
    since = timezone.now() - datetime.timedelta(hours=24)
    count = AuditEvent.objects.filter(
        action="lockout", username=username, created_at__gte=since
    ).count()
    if count < settings.LOCKOUT_ALERT_COUNT:
        return
    text = f"账号 {username} 在 24 小时内第 {count} 次因连续登录失败被锁定"
    record_event(
        actor=None,
        action="repeated_lockout",
        username=username,
        result=AuditEvent.Result.FAILURE,
        reason=text,
    )
    admins = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name=roles.ADMIN), is_active=True
    )
    notify(
        admins.distinct(),
        title=f"账号 {username} 多次被锁定",
        body=f"{text}，可能有人在猜测密码。请与该用户核实，必要时在“登录失败记录”中解锁。",
        url=(
            f"{reverse('admin:axes_accessattempt_changelist')}?"
            f"{urlencode({'q': username})}"
        ),
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
