"""Time marking a reader's copy (watermark, 份号) of a long issue, and its memory.

The issue is rendered in a child process, so this process's peak memory is the
stamping's own.
"""

import io
import multiprocessing
import resource
import statistics
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 1024 / 1024


def peak_mb() -> float:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def render_long_issue(pages: int) -> bytes:
    from briefing.management.commands.bench_pdf import Command as BenchPdf
    from briefing.pdf import render_pdf

    return render_pdf(BenchPdf().long_issue_html(pages))


class Command(BaseCommand):
    help = (
        "测量为读者的下载加标记（斜向水印、份号）的速度与峰值内存（约 30 页的长期）。"
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=20, help="重复次数")
        parser.add_argument("--pages", type=int, default=30, help="长期的目标页数")
        parser.add_argument("--pdf", help="改为给这个 PDF 文件加标记")

    def handle(self, *args, runs, pages, pdf, **options):
        if runs < 1 or pages < 1:
            raise CommandError("--runs 与 --pages 须为正整数。")
        if pdf:
            data = Path(pdf).read_bytes()
        else:
            # A fresh child: WeasyPrint's ~300 MB never enter this process.
            with multiprocessing.get_context("fork").Pool(1) as pool:
                data = pool.apply(render_long_issue, (pages,))

        from pypdf import PdfReader

        from briefing.services.issues import copy_number_label
        from briefing.stamp import stamp_pdf

        count = len(PdfReader(io.BytesIO(data)).pages)
        lines = [
            "陈副县长　中共延津县委机构编制委员会办公室",
            f"2026-11-24 09:05　第{copy_number_label(123)}份",
        ]
        before = rss_mb()
        start = time.perf_counter()
        stamp_pdf(data, lines, copy_number=copy_number_label(123))
        first = time.perf_counter() - start
        times = []
        for run in range(runs):
            start = time.perf_counter()
            stamp_pdf(data, lines, copy_number=copy_number_label(run + 1))
            times.append(time.perf_counter() - start)
        extra = peak_mb() - before
        self.stdout.write(
            f"stamp 加标记: {count} pages, {len(data) / 1024:.0f} KB; "
            f"first (finds the font) 首次 {first * 1000:.0f} ms; {runs} runs: "
            f"min {min(times) * 1000:.0f} ms, "
            f"median 中位数 {statistics.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms; "
            f"peak extra memory 峰值额外内存 {extra:.0f} MB "
            f"(RSS before 之前 {before:.0f} MB)"
        )
