"""Who may read an issue online moves from the reading app to briefing.

State only: the tables keep their names (``reading_…``). The content types are
renamed, so the permissions given on them and the admin log stay attached.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["recipientgroup", "distributionrecipients"]


def rename_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MODELS:
        if not ContentType.objects.filter(app_label=target, model=model).exists():
            ContentType.objects.filter(app_label=source, model=model).update(
                app_label=target
            )


def forwards(apps, schema_editor):
    rename_content_types(apps, schema_editor, "reading", "briefing")


def backwards(apps, schema_editor):
    rename_content_types(apps, schema_editor, "briefing", "reading")


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0012_fingerprint_event_facts"),
        ("reading", "0005_instruction_units_and_time_limit"),
        ("departments", "0002_membership_mobile"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="RecipientGroup",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "name",
                            models.CharField(
                                max_length=50, unique=True, verbose_name="名称"
                            ),
                        ),
                        (
                            "order",
                            models.PositiveIntegerField(
                                default=100, verbose_name="排序"
                            ),
                        ),
                        (
                            "members",
                            models.ManyToManyField(
                                blank=True,
                                related_name="recipient_groups",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="成员",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "阅读对象组",
                        "verbose_name_plural": "阅读对象组",
                        "db_table": "reading_recipientgroup",
                        "ordering": ["order", "id"],
                    },
                ),
                migrations.CreateModel(
                    name="DistributionRecipients",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "all_units",
                            models.BooleanField(
                                default=False,
                                help_text="勾选后，所有单位的信息员和单位审核人都可在线阅读。",
                                verbose_name="各单位均可阅读",
                            ),
                        ),
                        (
                            "departments",
                            models.ManyToManyField(
                                blank=True,
                                help_text="这些单位的信息员和单位审核人可在线阅读（已勾选“各单位”时不必再选）。",
                                related_name="+",
                                to="departments.department",
                                verbose_name="可阅读的单位",
                            ),
                        ),
                        (
                            "distribution_list",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="recipients",
                                to="briefing.distributionlist",
                                verbose_name="分发范围",
                            ),
                        ),
                        (
                            "users",
                            models.ManyToManyField(
                                blank=True,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="个人",
                            ),
                        ),
                        (
                            "groups",
                            models.ManyToManyField(
                                blank=True,
                                related_name="+",
                                to="briefing.recipientgroup",
                                verbose_name="阅读对象组",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "在线阅读范围",
                        "verbose_name_plural": "在线阅读范围",
                        "db_table": "reading_distributionrecipients",
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
