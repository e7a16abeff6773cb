from django.apps import AppConfig
from django.db.models.signals import post_migrate

WRITE_INSTRUCTION = "reading.write_instruction"


def grant_instruction_permission(**kwargs):
    """Keep 批示 with the 领导 group, also after a test flush (see core.roles)."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    from core.roles import READER

    create_permissions(kwargs["app_config"], verbosity=0)
    group, _ = Group.objects.get_or_create(name=READER)
    permission = Permission.objects.filter(
        content_type__app_label="reading", codename="write_instruction"
    ).first()
    if permission is not None:
        group.permissions.add(permission)


class ReadingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reading"
    verbose_name = "在线阅读"

    def ready(self):
        post_migrate.connect(grant_instruction_permission, sender=self)
