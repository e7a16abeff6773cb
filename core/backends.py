"""Django's model backend, reading with the user what every page asks of them."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """Passwords are checked as by ``ModelBackend``. ``get_user`` (every request
    of a logged-in user) reads the user with their unit membership, its unit and
    their password state in one query, and their groups in a second."""

    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("membership__department", "password_state")
            .prefetch_related("groups")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
