"""Render one issue to a PDF file: the stored original once issued, else a preview."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from briefing.models import Issue
from briefing.pdf import PdfRenderError, render_pdf
from briefing.selectors import issues as selectors


class Command(BaseCommand):
    help = (
        "按印刷版式把一期简报生成 PDF 写入文件（不改动数据库）。"
        "未签发的期标注“预览”，并显示签发后将得到的期号。"
    )

    def add_arguments(self, parser):
        parser.add_argument("issue_id", type=int, help="期的编号（数据库 ID）")
        parser.add_argument("--output", "-o", required=True, help="输出的 PDF 文件路径")

    def handle(self, *args, issue_id, output, **options):
        try:
            issue = Issue.objects.select_related(
                "publication", "distribution_list"
            ).get(pk=issue_id)
        except Issue.DoesNotExist:
            raise CommandError(f"没有编号为 {issue_id} 的期。") from None
        preview = issue.status != Issue.Status.ISSUED
        html = selectors.issue_html(issue, preview=preview)
        try:
            pdf = render_pdf(html)
        except PdfRenderError as exc:
            raise CommandError(str(exc)) from exc
        path = Path(output)
        path.write_bytes(pdf)
        label = "预览" if preview else "定稿"
        self.stdout.write(
            self.style.SUCCESS(
                f"已写入 {path}（{label}，{selectors.expected_number_label(issue)}，"
                f"{len(pdf)} 字节）"
            )
        )
