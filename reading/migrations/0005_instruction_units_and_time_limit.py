"""批示: a time limit (办理时限) and one row per unit handling it (转办), each
with its own 签收 and 反馈."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def units_from_instructions(apps, schema_editor):
    """Each 批示 so far went to its item's unit alone: that unit's row takes
    over its 签收 and 反馈."""
    Instruction = apps.get_model("reading", "Instruction")
    InstructionUnit = apps.get_model("reading", "InstructionUnit")
    InstructionFeedback = apps.get_model("reading", "InstructionFeedback")
    for instruction in Instruction.objects.select_related("item").iterator():
        unit = InstructionUnit.objects.create(
            instruction=instruction,
            department_id=instruction.item.department_id,
            status=instruction.status,
            signed_by_id=instruction.signed_by_id,
            signed_at=instruction.signed_at,
            answered_at=instruction.answered_at,
        )
        InstructionFeedback.objects.filter(instruction=instruction).update(
            handling=unit
        )


class Migration(migrations.Migration):
    dependencies = [
        ("departments", "0002_membership_mobile"),
        ("reading", "0004_distribution_units"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="instruction",
            name="deadline",
            field=models.DateField(
                blank=True,
                help_text="各办理单位须在这一天结束前签收并反馈落实情况。",
                null=True,
                verbose_name="办理时限",
            ),
        ),
        migrations.CreateModel(
            name="InstructionUnit",
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
                    "is_transfer",
                    models.BooleanField(default=False, verbose_name="转办"),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "待签收"),
                            ("signed", "已签收"),
                            ("answered", "已反馈"),
                        ],
                        default="pending",
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                (
                    "signed_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="签收时间"
                    ),
                ),
                (
                    "answered_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="反馈时间"
                    ),
                ),
                (
                    "reminded_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="时限前提醒时间"
                    ),
                ),
                (
                    "overdue_reminded_at",
                    models.DateTimeField(
                        blank=True, null=True, verbose_name="逾期提醒时间"
                    ),
                ),
                (
                    "department",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="departments.department",
                        verbose_name="办理单位",
                    ),
                ),
                (
                    "instruction",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="units",
                        to="reading.instruction",
                        verbose_name="批示",
                    ),
                ),
                (
                    "signed_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="签收人",
                    ),
                ),
            ],
            options={
                "verbose_name": "办理单位",
                "verbose_name_plural": "办理单位",
                "ordering": ["is_transfer", "id"],
            },
        ),
        migrations.AddField(
            model_name="instructionfeedback",
            name="handling",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="feedback",
                to="reading.instructionunit",
                verbose_name="办理单位",
            ),
        ),
        migrations.AddIndex(
            model_name="instructionunit",
            index=models.Index(
                fields=["department", "status"], name="reading_ins_departm_32bb01_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="instructionunit",
            constraint=models.UniqueConstraint(
                fields=("instruction", "department"), name="instruction_unit_once"
            ),
        ),
        migrations.RunPython(units_from_instructions, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="instruction",
            name="answered_at",
        ),
        migrations.RemoveField(
            model_name="instruction",
            name="signed_at",
        ),
        migrations.RemoveField(
            model_name="instruction",
            name="signed_by",
        ),
        migrations.RemoveField(
            model_name="instructionfeedback",
            name="instruction",
        ),
        migrations.AlterField(
            model_name="instructionfeedback",
            name="handling",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="feedback",
                to="reading.instructionunit",
                verbose_name="办理单位",
            ),
        ),
    ]
