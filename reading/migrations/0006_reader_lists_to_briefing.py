"""Who may read an issue online now lives in briefing (state only; see
briefing 0013)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0005_instruction_units_and_time_limit"),
        ("briefing", "0013_reader_lists_from_reading"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DistributionRecipients"),
                migrations.DeleteModel(name="RecipientGroup"),
            ],
        ),
    ]
