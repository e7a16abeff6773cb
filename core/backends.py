"""Django's model backend, reading the logged-in user through ``core.user_context``."""

from django.contrib.auth.backends import ModelBackend

from . import user_context


class CachedModelBackend(ModelBackend):
    """Passwords are checked as by ``ModelBackend``; only ``get_user`` (every
    request of a logged-in user) reads the user and their lookups from the
    cache (without ``SHARED_CACHE``, from the database every time)."""

    def get_user(self, user_id):
        user = user_context.load_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
