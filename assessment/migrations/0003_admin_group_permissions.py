"""Let the 管理员 group keep the adoption levels in the admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MODELS = ["adoptionlevel"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("assessment")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="管理员").first()
    if group is None:
        return
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="assessment",
            content_type__model__in=MODELS,
            codename__regex=r"^(add|change|view)_",
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0002_default_levels_and_rules"),
        ("briefing", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
