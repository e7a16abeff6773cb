"""The user admin: accounts an admin creates or resets change password; a
管理员 sees only the accounts they may manage (core.permissions); roles and
the active flag change through the core.accounts services."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import Group
from django.db import transaction

from audit.roles import AUDITOR
from audit.services import record_event
from departments.models import Department, Membership

from . import accounts, permissions, roles
from .admin_log import HiddenIsNotFound

User = get_user_model()

# Deleting several rows at once is not offered: one delete at a time is one
# admin log entry, hence one audit event (core.signals); the bulk action writes
# its log entries without the signal, and one wrong tick could empty a table.
admin.site.disable_action("delete_selected")


FIRST_LOGIN_NOTE = (
    "该人员首次登录时，须先把这里设置的初始密码改为自己的新密码，才能使用系统。"
    "请把用户名和初始密码当面或电话告知本人。"
)
# A new person's role: a unit role (信息员, 单位审核人: the unit is required)
# or one of the role groups (no unit).
UNIT_ROLES = {choice.value: choice.label for choice in Membership.Role}
GROUP_ROLES = [roles.EDITOR, roles.SIGNER, roles.READER, AUDITOR, roles.ADMIN]


class PersonCreationForm(UserCreationForm):
    """One form for a new person: account, name, unit and role together."""

    first_name = forms.CharField(label="姓名", max_length=150)
    role = forms.ChoiceField(
        label="角色",
        choices=[("", "——请选择——")]
        + list(UNIT_ROLES.items())
        + [(name, name) for name in GROUP_ROLES],
    )
    department = forms.ModelChoiceField(
        label="单位",
        queryset=Department.objects.filter(is_active=True),
        required=False,
        help_text="信息员和单位审核人必须选择所在单位；其他角色不属于单位，留空。",
    )

    class Meta(UserCreationForm.Meta):
        fields = ("username", "first_name")

    def clean(self):
        data = super().clean()
        role, department = data.get("role"), data.get("department")
        if role in UNIT_ROLES and department is None:
            self.add_error("department", f"{UNIT_ROLES[role]}必须选择所在单位。")
        if role and role not in UNIT_ROLES and department is not None:
            self.add_error("department", f"{role}不属于单位，请把“单位”留空。")
        return data

    def role_groups(self) -> list[Group]:
        role = self.cleaned_data.get("role")
        return [] if role in UNIT_ROLES else list(Group.objects.filter(name=role))


class UserAdmin(HiddenIsNotFound, DjangoUserAdmin):
    add_form = PersonCreationForm
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "description": FIRST_LOGIN_NOTE,
                "fields": (
                    "username",
                    "first_name",
                    "role",
                    "department",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

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
                if isinstance(self, PersonCreationForm) and cleaned.get("role"):
                    # The account does not exist yet: nothing to audit.
                    refusal = permissions.role_change_refusal(
                        actor, self.instance, self.role_groups()
                    )
                    if refusal:
                        self.add_error("role", refusal)
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
        if not change and isinstance(form, PersonCreationForm):
            self._give_role(request, form.instance, form)

    def _give_role(self, request, user, form):
        role = form.cleaned_data["role"]
        if role in UNIT_ROLES:
            department = form.cleaned_data["department"]
            Membership.objects.create(user=user, department=department, role=role)
            record_event(
                actor=request.user,
                action="role_change",
                obj=user,
                reason=f"{user.get_username()} 成为{department.short_name}"
                f"{UNIT_ROLES[role]}",
            )
            return
        if role == roles.ADMIN:
            user.is_staff = True  # the admin site is where they work
            user.save(update_fields=["is_staff"])
        accounts.set_roles(user, form.role_groups(), actor=request.user)

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
