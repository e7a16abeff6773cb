from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "通知"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from core import user_context

        from .selectors import unread_key

        # The bell is on every page: its count comes with the user.
        user_context.read_along(unread_key)
