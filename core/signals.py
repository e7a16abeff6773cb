"""Framework glue: Django and django-axes signals → ``core.accounts`` and audit."""

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import m2m_changed, post_save, pre_save
from django.dispatch import receiver
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.context import current
from audit.services import record_event
from departments.models import Department, Membership

from . import accounts, otp, roles, user_context
from .models import PasswordState

User = get_user_model()


def warm_user(user):
    """What the middleware and the role checks read on every request."""
    ModelBackend().get_all_permissions(user)
    roles.group_names(user)
    roles.membership(user)
    accounts.password_state(user)
    otp.has_confirmed_device(user)


user_context.register(
    warm_user,
    User,
    User.groups.through,
    User.user_permissions.through,
    Group,
    Group.permissions.through,
    Permission,
    PasswordState,
    TOTPDevice,
    Membership,
    Department,
)


@receiver(user_logged_in, dispatch_uid="core_logged_in")
def on_logged_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        accounts.logged_in(request, user)


@receiver(user_logged_out, dispatch_uid="core_logged_out")
def on_logged_out(sender, request, user, **kwargs):
    if request is not None:
        accounts.logged_out(request, user)


@receiver(user_login_failed, dispatch_uid="core_login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    accounts.login_failed(str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="core_locked_out")
def on_locked_out(sender, request, username, ip_address, **kwargs):
    accounts.locked_out(username)


@receiver(pre_save, sender=User, dispatch_uid="core_user_pre_save")
def remember_was_active(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        instance._core_was_active = None
        return
    instance._core_was_active = (
        User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    )


@receiver(post_save, sender=User, dispatch_uid="core_user_post_save")
def on_user_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    # AbstractBaseUser keeps the raw password in _password between
    # set_password() and the end of save(): the password has just changed.
    if getattr(instance, "_password", None) is not None or created:
        accounts.password_set(instance)
    was_active = getattr(instance, "_core_was_active", None)
    if was_active and not instance.is_active:
        ended = accounts.end_sessions(instance)
        record_event(
            actor=current.get().user,
            action="account_disabled",
            obj=instance,
            username=instance.get_username(),
            reason=f"停用账号，结束 {ended} 个会话",
        )
    elif was_active is False and instance.is_active:
        record_event(actor=current.get().user, action="account_enabled", obj=instance)


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="core_user_groups")
def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "pre_clear"}:
        return
    verb = {"post_add": "加入", "post_remove": "移出", "pre_clear": "移出"}[action]
    if reverse:
        # group.user_set.add(users…): instance is the group.
        if action == "pre_clear":
            users = list(instance.user_set.all())
        else:
            users = User.objects.filter(pk__in=pk_set or [])
        pairs = [(user, [instance.name]) for user in users]
    else:
        if action == "pre_clear":
            names = list(instance.groups.values_list("name", flat=True))
        else:
            names = list(
                Group.objects.filter(pk__in=pk_set or []).values_list("name", flat=True)
            )
        pairs = [(instance, names)] if names else []
    actor = current.get().user
    for user, names in pairs:
        record_event(
            actor=actor,
            action="role_change",
            obj=user,
            reason=f"{user.get_username()} {verb}角色：{'、'.join(sorted(names))}",
        )


ADMIN_ACTIONS = {
    ADDITION: "admin.add",
    CHANGE: "admin.change",
    DELETION: "admin.delete",
}


@receiver(post_save, sender=LogEntry, dispatch_uid="core_admin_log_entry")
def on_admin_change(sender, instance, created, raw=False, **kwargs):
    """Every add, change and delete made in the admin is an audit event, unless
    the same request already wrote a more precise one (a new account, a role,
    an account disabled, a two-step reset, the numbering of a publication)."""
    if raw or not created:
        return
    if getattr(current.get().request, "audit_event_written", False):
        return
    content_type = instance.content_type if instance.content_type_id else None
    model = content_type.model if content_type else ""
    model_class = content_type.model_class() if content_type else None
    verbose = model_class._meta.verbose_name if model_class else model
    message = instance.get_change_message()
    named = f"{verbose}“{instance.object_repr}”"
    record_event(
        actor=instance.user,
        action=ADMIN_ACTIONS.get(instance.action_flag, "admin.change"),
        object_type=model,
        object_id=instance.object_id or "",
        reason=f"{named}：{message}" if message else named,
    )
