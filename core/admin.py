"""The user admin, so that accounts an admin creates or resets change password."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from audit.services import record_event

from . import accounts

User = get_user_model()

# Deleting several rows at once is not offered: one delete at a time is one
# admin log entry, hence one audit event (core.signals); the bulk action writes
# its log entries without the signal, and one wrong tick could empty a table.
admin.site.disable_action("delete_selected")


class UserAdmin(DjangoUserAdmin):
    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or single permissions;
        # the 管理员 role manages people through the role groups.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            if not change:
                accounts.require_password_change(obj)
                record_event(actor=request.user, action="account_created", obj=obj)

    def user_change_password(self, request, id, form_url=""):
        with transaction.atomic():
            response = super().user_change_password(request, id, form_url)
            # A redirect after POST means the form was valid and saved.
            if request.method == "POST" and response.status_code == 302:
                user = User.objects.get(pk=id)
                if user != request.user:
                    accounts.require_password_change(user)
                record_event(actor=request.user, action="password_reset", obj=user)
        return response


admin.site.unregister(User)
admin.site.register(User, UserAdmin)

from . import axes_admin  # noqa: E402, F401, I001  (locked accounts: unlock)
from . import otp_admin  # noqa: E402, F401  (two-step verification devices)
