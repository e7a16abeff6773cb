"""Django's model backend, reading with the user what every page asks of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Q


class UserBackend(ModelBackend):
    """Passwords are checked as by ``ModelBackend``. ``get_user`` (every request
    of a logged-in user) reads the user with their unit membership, its unit and
    their password state in one query, and their groups in a second; their
    permissions, their own and their groups', come in a third (two in
    ``ModelBackend``)."""

    def get_user(self, user_id):
        # Not .first(): one row by its key needs no ORDER BY to compile.
        user = next(
            iter(
                get_user_model()
                ._default_manager.select_related(
                    "membership__department", "password_state"
                )
                .prefetch_related("groups")
                .filter(pk=user_id)
            ),
            None,
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            perms = Permission.objects.all()
            if not user_obj.is_superuser:
                # The groups read with the user (get_user), by id: no subquery.
                group_ids = [group.pk for group in user_obj.groups.all()]
                perms = perms.filter(Q(user=user_obj) | Q(group__in=group_ids))
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in perms.values_list(
                    "content_type__app_label", "codename"
                ).order_by()
            }
        return user_obj._perm_cache
