"""The audit trail cannot be emptied (PostgreSQL).

TRUNCATE is refused by a trigger even for the tables' owner; the site runs as
a role made by ``grant_app_role`` that may only insert and read there, owns
nothing, and so can neither change rows nor disable or drop the triggers.
"""

import uuid

import psycopg2
import pytest
from django.core.management import call_command
from django.db import InternalError, connection, transaction

from audit.models import AuditEvent
from audit.services import record_event
from briefing.models import Item

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="roles and triggers of PostgreSQL"
    ),
]


@pytest.mark.django_db
def test_truncate_is_refused_even_for_the_owner():
    record_event(actor=None, action="login_failed", reason="kept")
    with pytest.raises(InternalError, match="Cannot truncate"):
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("TRUNCATE audit_auditevent")
    assert AuditEvent.objects.filter(reason="kept").exists()


@pytest.fixture
def app_role(transactional_db):
    """A role made by grant_app_role, and a connection logged in as it."""
    role = f"app_{uuid.uuid4().hex[:12]}"
    call_command("grant_app_role", role, create=True, stdout=open("/dev/null", "w"))
    d = connection.settings_dict
    conn = psycopg2.connect(
        dbname=d["NAME"],
        user=role,
        password=d["PASSWORD"] or None,
        host=d["HOST"] or "127.0.0.1",
        port=d["PORT"] or 5432,
    )
    conn.autocommit = True
    yield conn
    conn.close()
    with connection.cursor() as cursor:
        cursor.execute(f'DROP OWNED BY "{role}"')
        cursor.execute(f'DROP ROLE "{role}"')


def refused(conn, sql) -> str:
    """The error PostgreSQL answers ``sql`` with; fails if it is accepted."""
    with conn.cursor() as cursor:
        try:
            cursor.execute(sql)
        except psycopg2.Error as exc:
            return str(exc)
    raise AssertionError(f"accepted: {sql}")


def test_the_app_role_may_only_insert_and_read_the_audit_trail(app_role):
    with app_role.cursor() as cursor:
        cursor.execute(
            "INSERT INTO audit_auditevent (created_at, username, role, action,"
            " object_type, object_id, result, reason, request_id)"
            " VALUES (now(), 'x', '', 'login', '', '', 'success', 'by app', '')"
        )
        cursor.execute("SELECT count(*) FROM audit_auditevent")
        assert cursor.fetchone()[0] == 1
        # The rest of the site's tables: read and write.
        cursor.execute("SELECT count(*) FROM briefing_item")
        cursor.execute("DELETE FROM django_session")
    for sql in [
        "UPDATE audit_auditevent SET reason = 'tampered'",
        "DELETE FROM audit_auditevent",
        "TRUNCATE audit_auditevent",
    ]:
        assert "permission denied" in refused(app_role, sql)
    for sql in [
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE audit_auditevent DISABLE TRIGGER pgtrigger_append_only_00dfa",
        "DROP TRIGGER IF EXISTS pgtrigger_no_truncate_c220f ON audit_auditevent",
        "DROP TABLE audit_auditevent",
    ]:
        assert "must be owner" in refused(app_role, sql)
    # pgtrigger's own switch (a session setting) does not get past the grants.
    with app_role.cursor() as cursor:
        cursor.execute("SET pgtrigger.ignore = '{pgtrigger_append_only_00dfa}'")
    assert "permission denied" in refused(
        app_role, "UPDATE audit_auditevent SET reason = 'tampered'"
    )
    assert AuditEvent.objects.get().reason == "by app"


def test_the_site_runs_as_the_app_role(app_role, client, settings):
    """Log in and write an item as the app role: the grants are enough."""
    from tests import factories

    clerk = factories.make_clerk(factories.make_department(), username="role_clerk")
    role = app_role.info.user
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["USER"] = role
    try:
        response = client.post(
            "/login/", {"username": "role_clerk", "password": factories.PASSWORD}
        )
        assert response.status_code == 302
        response = client.post(
            "/items/new/", {"title": "以网站角色保存", "body": "<p>正文</p>"}
        )
        assert response.status_code == 302
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert Item.objects.filter(title="以网站角色保存", author=clerk).exists()
    assert AuditEvent.objects.filter(action="login", username="role_clerk").exists()
