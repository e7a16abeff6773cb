"""Give the role the site runs as what it needs, and no more (PostgreSQL).

Run as the tables' owner, after every ``migrate`` (new tables need grants too):

    export DATABASE_URL=postgres://owner:…@db/briefing
    python manage.py migrate && python manage.py grant_app_role briefing_app

The role reads and writes every table, but may only insert into and read the
audit trail: no UPDATE, DELETE or TRUNCATE there, and, owning nothing, it cannot
drop or disable the triggers that guard it either.
"""

import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from audit.models import AuditEvent


class Command(BaseCommand):
    help = (
        "（PostgreSQL，以表的所有者运行）授予网站运行所用的数据库角色所需权限："
        "各表可读写，审计日志只能新增与读取。"
    )

    def add_arguments(self, parser):
        parser.add_argument("role", help="网站运行所用的数据库角色，如 briefing_app")
        parser.add_argument(
            "--create",
            action="store_true",
            help="角色不存在时创建（可登录；密码取自环境变量 APP_DB_PASSWORD）",
        )

    def handle(self, *args, role, create, **options):
        if connection.vendor != "postgresql":
            raise CommandError("只用于 PostgreSQL。")
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone() is None:
                if not create:
                    raise CommandError(
                        f"数据库角色 {role} 不存在（加 --create 创建）。"
                    )
                password = os.environ.get("APP_DB_PASSWORD", "")
                if password:
                    cursor.execute(
                        f"CREATE ROLE {quote(role)} LOGIN PASSWORD %s", [password]
                    )
                else:
                    cursor.execute(f"CREATE ROLE {quote(role)} LOGIN")
            cursor.execute("SELECT current_database(), current_user")
            database, owner = cursor.fetchone()
            if role == owner:
                raise CommandError("网站角色不能是表的所有者本身。")
            audit = quote(AuditEvent._meta.db_table)
            for statement in [
                f"GRANT CONNECT ON DATABASE {quote(database)} TO {quote(role)}",
                f"GRANT USAGE ON SCHEMA public TO {quote(role)}",
                "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public"
                f" TO {quote(role)}",
                "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public"
                f" TO {quote(role)}",
                # The audit trail: append and read only.
                f"REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON {audit}"
                f" FROM {quote(role)}",
            ]:
                cursor.execute(statement)
        self.stdout.write(
            self.style.SUCCESS(
                f"已授权：{role} 可读写各表，审计日志只能新增与读取（所有者 {owner}）。"
            )
        )
