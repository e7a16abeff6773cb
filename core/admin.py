"""The user admin: accounts an admin creates or resets change password; a
管理员 sees only the accounts they may manage (core.permissions); roles and
the active flag change through the core.accounts services."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import transaction

from audit.services import record_event

from . import accounts, permissions
from .admin_log import HiddenIsNotFound

User = get_user_model()

# Deleting several rows at once is not offered: one delete at a time is one
# admin log entry, hence one audit event (core.signals); the bulk action writes
# its log entries without the signal, and one wrong tick could empty a table.
admin.site.disable_action("delete_selected")


class UserAdmin(HiddenIsNotFound, DjangoUserAdmin):
    def get_readonly_fields(self, request, obj=None):
        # Only a superuser may hand out superuser status or single permissions;
        # the 管理员 role manages people through the role groups.
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def get_queryset(self, request):
        # Every view of one account (change, password, history, delete) finds
        # it here: an account above the 管理员 answers 404 (audited as refused).
        return permissions.manageable_accounts(
            request.user, super().get_queryset(request)
        )

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        actor = request.user

        class RolesCheckedForm(form):
            def clean(self):
                cleaned = super().clean()
                groups = cleaned.get("groups")
                if groups is not None and self.instance.pk is not None:
                    try:
                        accounts.check_roles(self.instance, groups, actor=actor)
                    except accounts.RolesRefused as refused:
                        self.add_error("groups", str(refused))
                return cleaned

        return RolesCheckedForm

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            toggled = change and "is_active" in form.changed_data
            if toggled:
                # Saved as it was; the service changes it, ends the sessions
                # and writes the event.
                obj.is_active = not obj.is_active
            super().save_model(request, obj, form, change)
            if toggled:
                if obj.is_active:
                    accounts.deactivate_user(obj, actor=request.user)
                else:
                    accounts.reactivate_user(obj, actor=request.user)
                obj.is_active = not obj.is_active
            if not change:
                accounts.require_password_change(obj)
                record_event(actor=request.user, action="account_created", obj=obj)

    def save_related(self, request, form, formsets, change):
        # The roles are set by the service, not by the form's save_m2m.
        groups = form.cleaned_data.pop("groups", None)
        super().save_related(request, form, formsets, change)
        if groups is not None:
            accounts.set_roles(form.instance, groups, actor=request.user)

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
