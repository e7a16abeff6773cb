"""Keep each item's search text in its row, compressed with lz4.

A search reads the text of every item the bigram index finds for a word of 3
characters or more (the LIKE that makes the result exact). By default
PostgreSQL compressed it with pglz and, next to the body, often moved it to the
TOAST table: decompressing took half of the LIKE's time. Storage MAIN keeps it
in the row unless the row cannot fit a page; lz4 decompresses several times
faster (3 300 texts: 21 ms with pglz, 9.5 ms with lz4 in the row). Only values
written afterwards take the new form, so the existing texts are written again.
SQLite has nothing to change.
"""

from django.db import DatabaseError, migrations, transaction

STORAGE = "ALTER TABLE briefing_item ALTER COLUMN search_text SET STORAGE MAIN"
COMPRESSION = "ALTER TABLE briefing_item ALTER COLUMN search_text SET COMPRESSION lz4"
# A new value (|| '') is compressed and stored anew; an unchanged one would keep
# its old form. PostgreSQL compresses or moves a row's values only when the row
# passes 2 kB, the longest first (usually the body): a short text was left as it
# was unless it was compressed too.
REWRITE = (
    "UPDATE briefing_item SET search_text = search_text || '' "
    "WHERE octet_length(search_text) > 1000 "
    "OR pg_column_compression(search_text) IS NOT NULL"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(STORAGE)
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(COMPRESSION)
    except DatabaseError:  # a server built without lz4 keeps pglz, in the row
        pass
    schema_editor.execute(REWRITE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE briefing_item ALTER COLUMN search_text SET STORAGE EXTENDED"
    )
    schema_editor.execute(
        "ALTER TABLE briefing_item ALTER COLUMN search_text SET COMPRESSION DEFAULT"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reading", "0006_reader_lists_to_briefing"),
        ("briefing", "0010_duplicate_fingerprints_and_decisions"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
