from django.db import migrations, models


def count_existing_items(apps, schema_editor):
    # search_text is the title, a line break and the body's text: the body's
    # 字数 is every character of it but white space, less the title's.
    Item = apps.get_model("briefing", "Item")

    def count(text):
        return sum(1 for char in text if not char.isspace())

    batch = []
    for item in Item.objects.only("title", "search_text").iterator(chunk_size=2000):
        item.char_count = max(0, count(item.search_text) - count(item.title))
        batch.append(item)
        if len(batch) == 2000:
            Item.objects.bulk_update(batch, ["char_count"])
            batch = []
    Item.objects.bulk_update(batch, ["char_count"])


class Migration(migrations.Migration):
    dependencies = [
        ("briefing", "0003_itemevent_action_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="item",
            name="char_count",
            field=models.PositiveIntegerField(
                default=0, editable=False, verbose_name="字数"
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="item_length_guide",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="如 400。正文超过此字数的稿件在编辑页和组版页标出。",
                null=True,
                verbose_name="每篇字数上限",
            ),
        ),
        migrations.AddField(
            model_name="publication",
            name="target_pages",
            field=models.PositiveSmallIntegerField(
                blank=True,
                help_text="如 4。组版时估算的印刷页数超过此数即提示。",
                null=True,
                verbose_name="目标页数",
            ),
        ),
        migrations.RunPython(count_existing_items, migrations.RunPython.noop),
    ]
