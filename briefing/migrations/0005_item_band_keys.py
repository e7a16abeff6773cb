import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('briefing', '0004_item_char_count_publication_length_guides'),
    ]

    operations = [
        migrations.CreateModel(
            name='ItemBandKey',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.BigIntegerField(verbose_name='键')),
                ('item', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='briefing.item', verbose_name='稿件')),
            ],
            options={
                'verbose_name': '查重键',
                'verbose_name_plural': '查重键',
                'indexes': [models.Index(fields=['key', 'item'], name='briefing_it_key_3969c8_idx')],
                'constraints': [models.UniqueConstraint(fields=('item', 'key'), name='item_band_key_once')],
            },
        ),
    ]
