"""Every 合报 item set so far prints all its units: the units of its shares
become its 合报单位 (briefing's ``Item.joint_units``)."""

from django.db import migrations


def copy_units(apps, schema_editor):
    ItemCredit = apps.get_model("assessment", "ItemCredit")
    Through = apps.get_model("briefing", "Item").joint_units.through
    Through.objects.bulk_create(
        (
            Through(item_id=item_id, department_id=department_id)
            for item_id, department_id in ItemCredit.objects.values_list(
                "item_id", "department_id"
            )
        ),
        batch_size=2000,
        ignore_conflicts=True,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessment", "0006_higher_records_answer_submissions"),
        ("briefing", "0011_item_joint_units"),
    ]

    operations = [migrations.RunPython(copy_units, migrations.RunPython.noop)]
