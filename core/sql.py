"""The few queries every request runs, written out in SQL: building and
compiling them with the ORM cost several times what the database takes to
answer them (README 性能测量). Table names come from the models, so the SQL
holds on PostgreSQL and SQLite alike."""

from django.db import connections, router


def tables(**models) -> dict[str, str]:
    """{name: the model's table, quoted} for writing SQL."""
    return {name: f'"{model._meta.db_table}"' for name, model in models.items()}


def fetch_all(model, sql: str, params) -> list[tuple]:
    """The rows of ``sql`` from the database ``model`` is read from."""
    with connections[router.db_for_read(model)].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
