"""Django's model backend, reading with the user what every page asks of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.db.models import CharField, Value


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
        # No ORDER BY (Permission's default ordering): SQLite refuses one in
        # a part of a UNION.
        groups = (
            Group.objects.filter(user=user)
            .values_list(
                "name", "permissions__content_type__app_label", "permissions__codename"
            )
            .order_by()
        )
        own = (
            Permission.objects.filter(user=user)
            .values_list(
                Value(None, output_field=CharField()),
                "content_type__app_label",
                "codename",
            )
            .order_by()
        )
        names, perms = set(), set()
        for name, app_label, codename in groups.union(own, all=True):
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
