"""Django's model backend, reading with the user what every page asks of them."""

import functools

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

from core.sql import fetch_all, tables


class UserBackend(ModelBackend):
    """Passwords are checked as by ``ModelBackend``. ``get_user`` (every request
    of a logged-in user) reads the user with their unit membership, its unit and
    their password state in one query; their groups and permissions, their own
    and their groups', come together in a second (``roles_of``), where
    ``ModelBackend`` takes two and a third for the group names."""

    def get_user(self, user_id):
        # Not .first(): one row by its key needs no ORDER BY to compile.
        user = next(
            iter(
                get_user_model()
                ._default_manager.select_related(
                    "membership__department", "password_state"
                )
                .filter(pk=user_id)
            ),
            None,
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        return roles_of(user_obj)[1]


def roles_of(user) -> tuple[frozenset[str], set[str]]:
    """(the names of ``user``'s groups, their permissions as "app.codename"),
    read in one query once per user object (a request's user lives for that
    request only, so a change shows on the next one)."""
    if not hasattr(user, "_roles_cache"):
        names, perms = set(), set()
        for name, app_label, codename in fetch_all(
            Group, _roles_sql(), [user.pk, user.pk]
        ):
            if name is not None:
                names.add(name)
            if codename is not None:
                perms.add(f"{app_label}.{codename}")
        if user.is_superuser:
            perms = {
                f"{app_label}.{codename}"
                for app_label, codename in Permission.objects.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        user._roles_cache = (frozenset(names), perms)
    return user._roles_cache


@functools.cache
def _roles_sql() -> str:
    """The user's groups with their permissions, and the user's own
    permissions (user id twice). Written out, not built with the ORM: every
    request of a logged-in user runs it, and building and compiling the
    UNION cost three times what the database takes to answer it."""
    user = get_user_model()
    t = tables(
        user_groups=user.groups.through,
        user_perms=user.user_permissions.through,
        group=Group,
        group_perms=Group.permissions.through,
        perm=Permission,
        content_type=ContentType,
    )
    return (
        f"SELECT g.name, ct.app_label, p.codename FROM {t['user_groups']} ug"
        f" JOIN {t['group']} g ON g.id = ug.group_id"
        f" LEFT JOIN {t['group_perms']} gp ON gp.group_id = g.id"
        f" LEFT JOIN {t['perm']} p ON p.id = gp.permission_id"
        f" LEFT JOIN {t['content_type']} ct ON ct.id = p.content_type_id"
        f" WHERE ug.user_id = %s"
        " UNION ALL"
        f" SELECT NULL, ct.app_label, p.codename FROM {t['user_perms']} up"
        f" JOIN {t['perm']} p ON p.id = up.permission_id"
        f" JOIN {t['content_type']} ct ON ct.id = p.content_type_id"
        " WHERE up.user_id = %s"
    )
