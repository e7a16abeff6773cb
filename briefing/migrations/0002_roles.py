"""Create the editorial role groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Frozen here as they were when this migration was written; core.roles holds
# the current definition (and ensure_role_groups keeps the groups up to date).
ADMIN = "管理员"
ADMIN_MODEL_APPS = ["departments", "briefing", "auth"]
GROUP_PERMISSIONS = {
    "编辑": ["briefing.edit_briefing", "briefing.read_issue"],
    "签发人": ["briefing.sign_issue", "briefing.read_issue"],
    "领导": ["briefing.read_issue"],
    ADMIN: ["briefing.read_issue"],
}


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            group.permissions.add(
                Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                )
            )
    admin = Group.objects.get(name=ADMIN)
    admin.permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=ADMIN_MODEL_APPS,
            codename__regex=r"^(add|change|delete|view)_",
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0001_initial"),
        ("departments", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
