"""Locked accounts in the admin (登录锁定 › 登录失败记录): see them, unlock them.

Replaces django-axes' own AccessAttempt admin, which is English, shows times in
UTC, shows the failed login's raw form data (CSRF tokens included) and offers no
way to unlock several accounts at once. Here an admin sees one row per record in
Chinese and Shanghai time, and unlocks by deleting: the action “解锁所选账号” or
the delete button on a record. Every unlocked account is one audit event
(``account_unlocked``).
"""

from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone

from audit.services import record_event

from .admin_log import LogDeletionsAfterEvent

NO_USERNAME = "（未填用户名）"


def local_time(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


def attempt_name(attempt) -> str:
    when = local_time(attempt.attempt_time)
    return f"{attempt.username or NO_USERNAME} 的登录失败记录（{when}）"


# axes names a record "Attempted Access: <UTC time>", and the admin uses that
# name everywhere: page titles, the delete confirmation, the success message,
# the admin log and so the audit trail. __str__ is not part of the schema, so
# replacing it needs no proxy model and no migration.
AccessAttempt.__str__ = attempt_name


def is_locked(attempt) -> bool:
    """As django-axes decides: the failures of all the username's records (one
    per IP address and browser) added up, within the cool-off period."""
    limit = settings.AXES_FAILURE_LIMIT
    if not isinstance(limit, int):
        return False
    cool_off = get_cool_off()
    records = AccessAttempt.objects.filter(username=attempt.username)
    if cool_off is not None:
        records = records.filter(attempt_time__gt=timezone.now() - cool_off)
    failures = sum(records.values_list("failures_since_start", flat=True))
    return failures >= limit


def unlock_accounts(actor, attempts) -> list[str]:
    """Unlock the accounts ``attempts`` belong to; returns their usernames.

    Deletes every failed-login record of each username, not only the ones given:
    axes locks a username when the failures of all its records (one per IP
    address and browser) add up to the limit. One ``account_unlocked`` event per
    account.
    """
    by_username = {}
    for attempt in attempts:
        by_username.setdefault(attempt.username, []).append(attempt.pk)
    unlocked = []
    with transaction.atomic():
        for username, pks in sorted(by_username.items(), key=lambda i: i[0] or ""):
            rows = AccessAttempt.objects.filter(pk__in=pks)
            if username:
                rows = rows | AccessAttempt.objects.filter(username=username)
            count = rows.count()
            rows.delete()
            name = username or NO_USERNAME
            record_event(
                actor=actor,
                action="account_unlocked",
                object_type="accessattempt",
                username=name[:150],
                reason=f"解锁账号 {name}：删除 {count} 条登录失败记录",
            )
            unlocked.append(name)
    return unlocked


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class AccessAttemptAdmin(LogDeletionsAfterEvent, admin.ModelAdmin):
    list_display = ["user_name", "ip", "failures", "last_failure", "locked"]
    list_display_links = ["user_name"]
    search_fields = ["username"]
    search_help_text = "按用户名搜索"
    # Only what an admin needs to decide; the raw GET/POST data of the failed
    # login (with its CSRF token) stays out of sight.
    fields = ["user_name", "ip", "failures", "last_failure", "locked", "browser"]
    readonly_fields = fields
    actions = ["unlock_selected"]

    @admin.display(description="用户名", ordering="username")
    def user_name(self, attempt):
        return attempt.username or NO_USERNAME

    @admin.display(description="IP 地址", ordering="ip_address")
    def ip(self, attempt):
        return attempt.ip_address or "—"

    @admin.display(description="失败次数", ordering="failures_since_start")
    def failures(self, attempt):
        return attempt.failures_since_start

    @admin.display(description="最近一次失败", ordering="attempt_time")
    def last_failure(self, attempt):
        return local_time(attempt.attempt_time)

    @admin.display(description="锁定中", boolean=True)
    def locked(self, attempt):
        return is_locked(attempt)

    @admin.display(description="浏览器")
    def browser(self, attempt):
        return attempt.user_agent

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        cool_off = get_cool_off()
        lasts = (
            f"锁定 {round(cool_off.total_seconds() / 60)} 分钟" if cool_off else "锁定"
        )
        help_text = (
            f"连续 {settings.AXES_FAILURE_LIMIT} 次登录失败的账号{lasts}。"
            "要提前解锁：勾选账号，在“动作”中选“解锁所选账号”，点“执行”。"
        )
        return super().changelist_view(
            request,
            {"title": "登录失败记录", "subtitle": help_text, **(extra_context or {})},
        )

    @admin.action(description="解锁所选账号", permissions=["delete"])
    def unlock_selected(self, request, queryset):
        names = self.unlock(request, list(queryset))
        self.message_user(request, f"已解锁：{'、'.join(names)}", messages.SUCCESS)

    def render_delete_form(self, request, context):
        attempt = context["object"]
        context.update(
            title="解锁账号",
            subtitle=(
                f"删除这条记录即解锁账号 {attempt.username or NO_USERNAME}："
                "该账号的登录失败记录全部删除，可以立即重新登录。"
            ),
        )
        return super().render_delete_form(request, context)

    def delete_model(self, request, obj):
        self.unlock(request, [obj])

    def delete_queryset(self, request, queryset):
        self.unlock(request, list(queryset))

    def unlock(self, request, attempts):
        with transaction.atomic():
            names = unlock_accounts(request.user, attempts)
            self.log_deleted(request, attempts)
        return names

    def response_delete(self, request, obj_display, obj_id):
        # Back to the list, even for the 管理员 role, who may view and delete
        # these records but not change them (Django would go to the admin home).
        self.message_user(
            request,
            f"已解锁。已删除“{obj_display}”，该账号可以立即重新登录。",
            messages.SUCCESS,
        )
        url = reverse(
            "admin:axes_accessattempt_changelist", current_app=self.admin_site.name
        )
        preserved = {
            "preserved_filters": self.get_preserved_filters(request),
            "opts": self.opts,
        }
        return HttpResponseRedirect(add_preserved_filters(preserved, url))
