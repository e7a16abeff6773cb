from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "备份数据库（PostgreSQL 用 pg_dump）与附件、已签发 PDF，附 SHA-256 清单。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="备份目录（须为空或不存在）"
        )

    def handle(self, *args, output, **options):
        try:
            manifest = backup.backup(output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        media = sum(1 for name in manifest["files"] if name.startswith("media/"))
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{output}（{len(manifest['tables'])} 张表，"
                f"{sum(manifest['tables'].values())} 行，{media} 个媒体文件）"
            )
        )
