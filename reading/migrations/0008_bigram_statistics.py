"""Let the planner know how many items hold each frequent bigram.

A search chooses between reading the newest items and building the bigram
index's bitmap from the planner's guess of each bigram's share of the items
(reading/search.py). ANALYZE keeps the most common bigrams of a sample with
their shares, 1 000 by default; a bigram left out is guessed at half a
percent. Chinese text has more frequent bigrams than that: at 1 000 000 items
质量强县 ("量强", "强县" left out, each in a third of the items) was counted
through a bitmap of 600 000 entries (120 ms) instead of by reading 3 000 items
(30 ms). With 2 000 kept (ANALYZE samples 60 000 rows instead of 30 000, about
15 s instead of 8 on a large table: each row's bigrams are computed) every
bigram in more than about 1.5 % of the items is known. SQLite has no index.
"""

from django.db import migrations

STATISTICS = "ALTER INDEX reading_item_bigrams ALTER COLUMN 1 SET STATISTICS {}"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS.format(200))
        schema_editor.execute("ANALYZE briefing_item")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STATISTICS.format(-1))


class Migration(migrations.Migration):
    # The new target is committed before ANALYZE runs: in the same
    # transaction ANALYZE still kept 1 000 bigrams.
    atomic = False

    dependencies = [("reading", "0007_search_text_inline_lz4")]

    operations = [migrations.RunPython(forwards, backwards)]
