"""Two-step verification devices in the admin: see who enrolled, reset a device.

Replaces django-otp's own TOTPDevice admin (English, shows the secret and lets
an admin create devices for others): here an admin may only look and reset
(delete), and every reset is an audit event (``otp_reset``).
"""

from django.contrib import admin
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import otp, permissions
from .admin_log import HiddenIsNotFound, LogDeletionsAfterEvent
from .models import OTPDevice

if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(OTPDevice)
class OTPDeviceAdmin(HiddenIsNotFound, LogDeletionsAfterEvent, admin.ModelAdmin):
    list_display = [
        "owner",
        "device_name",
        "is_confirmed",
        "created",
        "last_used",
        "failures",
    ]
    list_filter = ["confirmed"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    search_help_text = "按用户名或姓名搜索"
    list_select_related = ["user"]
    fields = [
        "owner",
        "device_name",
        "is_confirmed",
        "created",
        "last_used",
        "failures",
    ]
    readonly_fields = fields
    actions = ["reset_devices"]

    @admin.display(description="用户", ordering="user__username")
    def owner(self, device):
        return device.user

    @admin.display(description="名称")
    def device_name(self, device):
        return device.name

    @admin.display(description="已启用", boolean=True, ordering="confirmed")
    def is_confirmed(self, device):
        return device.confirmed

    @admin.display(description="创建时间", ordering="created_at")
    def created(self, device):
        return device.created_at

    @admin.display(description="最近使用", ordering="last_used_at")
    def last_used(self, device):
        return device.last_used_at

    @admin.display(description="连续错误次数")
    def failures(self, device):
        return device.throttling_failure_count

    def get_queryset(self, request):
        # A 管理员 may not weaken the login of an account above their own.
        return (
            super()
            .get_queryset(request)
            .filter(user__in=permissions.manageable_accounts(request.user))
        )

    def has_add_permission(self, request):
        # Only the user enrolls, with their own phone.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description="重置所选用户的两步验证", permissions=["delete"])
    def reset_devices(self, request, queryset):
        self.delete_queryset(request, queryset)
        self.message_user(request, "已重置，用户下次登录时重新启用两步验证。")

    def delete_model(self, request, obj):
        otp.reset_device(request.user, obj)
        self.log_deleted(request, [obj])

    def delete_queryset(self, request, queryset):
        for device in queryset.select_related("user"):
            otp.reset_device(request.user, device)
