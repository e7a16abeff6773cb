"""The event's facts of every item already indexed for the duplicate check,
for 疑似同一事件 (briefing.same_event)."""

from django.db import migrations, models

from briefing.duplicates import body_text
from briefing.same_event import facts


def fill_facts(apps, schema_editor):
    ItemFingerprint = apps.get_model("briefing", "ItemFingerprint")
    Item = apps.get_model("briefing", "Item")
    ids = list(ItemFingerprint.objects.values_list("item_id", flat=True))
    for start in range(0, len(ids), 2000):
        batch = ids[start : start + 2000]
        texts = dict(Item.objects.filter(pk__in=batch).values_list("pk", "search_text"))
        rows = list(ItemFingerprint.objects.filter(item_id__in=batch))
        for row in rows:
            row.facts = "\n".join(sorted(facts(body_text(texts.get(row.item_id)))))
        ItemFingerprint.objects.bulk_update(rows, ["facts"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0011_item_joint_units"),
    ]

    operations = [
        migrations.AddField(
            model_name="itemfingerprint",
            name="facts",
            field=models.TextField(blank=True, verbose_name="事件要素"),
        ),
        migrations.RunPython(fill_facts, migrations.RunPython.noop),
    ]
