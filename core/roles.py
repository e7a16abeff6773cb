"""The editorial roles and how to tell which a user holds.

Editor, signer, reader and admin are Django groups carrying the permissions
declared on ``briefing.Issue``; clerk and unit reviewer are per-unit
memberships (``departments.Membership``).
"""

from audit.roles import AUDITOR
from departments.models import Membership

from .backends import roles_of

EDITOR = "编辑"
SIGNER = "签发人"
READER = "领导"
ADMIN = "管理员"

EDIT_PERM = "briefing.edit_briefing"
SIGN_PERM = "briefing.sign_issue"
READ_PERM = "briefing.read_issue"
INSTRUCT_PERM = "reading.write_instruction"

# Group name → permission codenames ("app_label.codename"); the admin group also
# gets every model permission of the apps it manages (see the data migration).
GROUP_PERMISSIONS = {
    EDITOR: [EDIT_PERM, READ_PERM],
    SIGNER: [SIGN_PERM, READ_PERM],
    READER: [READ_PERM, INSTRUCT_PERM],
    ADMIN: [READ_PERM],
}
ADMIN_MODEL_APPS = ["departments", "briefing", "auth"]
# Model permissions of other apps that the admin group keeps in the admin.
ADMIN_EXTRA_PERMISSIONS = [
    "assessment.add_adoptionlevel",
    "assessment.change_adoptionlevel",
    "assessment.view_adoptionlevel",
    # Two-step verification: see who enrolled, reset a lost phone (core.otp_admin).
    "core.view_otpdevice",
    "core.delete_otpdevice",
    "reading.view_instruction",
    # Each publication's schedule (出刊计划).
    *(f"planning.{verb}_schedule" for verb in ("add", "change", "delete", "view")),
    # Unlock an account locked after failed logins (delete its attempt record).
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
]


def membership(user) -> Membership | None:
    """The user's unit membership, or None (cached on the user object)."""
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except Membership.DoesNotExist:
        return None


def is_clerk(user) -> bool:
    m = membership(user)
    return m is not None and m.role == Membership.Role.CLERK


def is_unit_reviewer(user) -> bool:
    m = membership(user)
    return m is not None and m.role == Membership.Role.REVIEWER


def is_editor(user) -> bool:
    return user.is_authenticated and user.has_perm(EDIT_PERM)


def is_signer(user) -> bool:
    return user.is_authenticated and user.has_perm(SIGN_PERM)


def is_reader(user) -> bool:
    return user.is_authenticated and user.has_perm(READ_PERM)


def group_names(user) -> frozenset[str]:
    """The names of the user's groups (read with their permissions:
    ``core.backends.roles_of``)."""
    if not user.is_authenticated:
        return frozenset()
    return roles_of(user)[0]


def is_admin(user) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMIN in group_names(user))


def sees_every_unit(user) -> bool:
    """Editors and admins work on the items of every unit (收稿箱, statistics)."""
    return is_editor(user) or is_admin(user)


def role_label(user) -> str:
    """A short Chinese label of the user's main role, for the header."""
    if not user.is_authenticated:
        return ""
    m = membership(user)
    if m is not None:
        return f"{m.department.short_name}{m.get_role_display()}"
    names = group_names(user)
    for name in (ADMIN, SIGNER, EDITOR, READER, AUDITOR):
        if name in names:
            return name
    return "超级管理员" if user.is_superuser else "用户"


def unit_label(user) -> str:
    """The unit a user's marked copies name: their unit's full name, else their
    role (a leader belongs to no reporting unit)."""
    m = membership(user)
    return m.department.name if m is not None else role_label(user)


def ensure_role_groups(**kwargs):
    """Create the role groups with their permissions; safe to run again.

    Connected to ``post_migrate``: besides every migrate, it runs after each
    flush, so tests that empty the database (transaction=True) get the roles
    back, as Django does for content types and permissions.
    """
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from audit.roles import AUDITOR_PERMISSIONS

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)

    def permission(dotted):
        app_label, codename = dotted.split(".")
        return Permission.objects.get(
            content_type__app_label=app_label, codename=codename
        )

    wanted = {**GROUP_PERMISSIONS, AUDITOR: AUDITOR_PERMISSIONS}
    wanted[ADMIN] = wanted[ADMIN] + ADMIN_EXTRA_PERMISSIONS
    for name, perms in wanted.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*(permission(p) for p in perms))
    admin = Group.objects.get(name=ADMIN)
    admin.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=ADMIN_MODEL_APPS,
            codename__regex=r"^(add|change|delete|view)_",
        )
    )
    # The admin assigns people to roles but may not redefine what a role can
    # do: with change_group it could grant itself the auditor's permissions.
    admin.permissions.remove(
        *Permission.objects.filter(
            content_type__app_label="auth",
            codename__in=["add_group", "change_group", "delete_group"],
        )
    )
