from django.core.management.base import BaseCommand, CommandError

from core import backup


class Command(BaseCommand):
    help = "从备份目录恢复到空数据库与空媒体目录；先逐一核对 SHA-256。"

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="backup 命令写出的目录")

    def handle(self, *args, input, **options):  # noqa: A002 (the option's name)
        try:
            manifest = backup.restore(input)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"恢复完成：{len(manifest['tables'])} 张表，"
                f"{sum(manifest['tables'].values())} 行，清单中的文件全部核对无误。"
            )
        )
