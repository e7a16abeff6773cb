from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "系统"

    def ready(self):
        from django.db.models.signals import post_migrate

        from audit.services import label_roles_with

        from . import signals  # noqa: F401  (connects the receivers)
        from .roles import ensure_role_groups, role_label

        post_migrate.connect(ensure_role_groups, sender=self)
        label_roles_with(role_label)
