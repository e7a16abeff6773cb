"""Django's model backend, reading the logged-in user through ``core.user_context``."""

from django.conf import settings
from django.contrib.auth.backends import ModelBackend

from . import user_context


class CachedModelBackend(ModelBackend):
    """Passwords are checked as by ``ModelBackend``; only ``get_user`` (every
    request of a logged-in user) reads the user and their lookups from the
    cache. Without ``SHARED_CACHE`` there is no entry to fill: the lookups stay
    lazy, made by the pages that need them."""

    def get_user(self, user_id):
        if not settings.SHARED_CACHE:
            return super().get_user(user_id)
        user = user_context.load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
