"""Give the 领导 group the 批示 permission."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

READER = "领导"  # frozen: core.roles.READER when this was written


def grant(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=READER)
    group.permissions.add(
        Permission.objects.get(
            content_type__app_label="reading", codename="write_instruction"
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=READER).first()
    permission = Permission.objects.filter(
        content_type__app_label="reading", codename="write_instruction"
    ).first()
    if group and permission:
        group.permissions.remove(permission)


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0001_recipients_receipts_instructions"),
        ("briefing", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
