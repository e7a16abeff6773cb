"""Framework glue: Django and django-axes signals → ``core.accounts`` and audit.

Roles, the active flag and passwords change through ``core.accounts`` services
(called by the admin), not from model signals here.
"""

from axes.signals import user_locked_out
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import (
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.db.models.signals import post_save
from django.dispatch import receiver

from audit.context import current
from audit.services import record_event

from . import accounts

User = get_user_model()


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
    failures = getattr(request, "axes_failures_since_start", None)
    accounts.locked_out(username, failures)


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
