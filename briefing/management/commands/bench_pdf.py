"""Time the PDF renderer on the demo issue and on a long synthetic one.

Reads nothing from the database, so it runs on any machine with the fonts.
"""

import gc
import io
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from briefing.pdf import PdfRenderError, render_pdf
from briefing.print_layout import issue_print_html
from briefing.seed import long_seed, seed_print_context

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def page_count(pdf: bytes) -> int:
    # Imported late: pypdf and what it pulls in weigh ~27 MB, which is the
    # bench's own load, not the renderer's, and would inflate the peak figure.
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def peak_mb() -> float:
    # ru_maxrss is in KiB on Linux. (Not measured for Chromium: a child's
    # ru_maxrss starts at this process's size, copied at fork.)
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def summary(times: list[float]) -> str:
    return (
        f"min {min(times):.3f} s, median {statistics.median(times):.3f} s, "
        f"max {max(times):.3f} s"
    )


def long_issue_context(pages: int):
    """The print context of a seed-made issue of about ``pages`` pages.

    Lays out (no PDF, so no font copies) with a guess, then scales the item
    count to the page count.
    """
    from weasyprint import HTML

    items = max(1, pages * 2)
    for _attempt in range(3):
        context = seed_print_context(long_seed(items))
        got = len(HTML(string=issue_print_html(*context)).render().pages)
        gc.collect()  # as render_pdf does, so the layout is not counted below
        if got == pages:
            break
        items = max(1, round(items * pages / got))
    return context


class Command(BaseCommand):
    help = "测量简报 PDF 的生成速度与内存（样例期和长期），可与 Chromium 对比。"
    # A diagnostic: it must run even where other checks fail (no database yet).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=5, help="每份重复次数")
        parser.add_argument("--pages", type=int, default=30, help="长期的目标页数")
        parser.add_argument(
            "--chromium", action="store_true", help="同时测量 headless Chromium"
        )
        parser.add_argument(
            "--chromium-path", default="/usr/bin/chromium", help="Chromium 可执行文件"
        )

    def handle(self, *args, runs, pages, chromium, chromium_path, **options):
        if runs < 1 or pages < 1:
            raise CommandError("--runs 与 --pages 须为正整数。")
        self.stdout.write(
            f"peak memory (ru_maxrss) at start 启动时: {peak_mb():.0f} MB"
        )

        documents = [("seed 样例期", issue_print_html(*seed_print_context()))]
        results = [(documents[0][0], *self.time_weasyprint(documents[0][1], runs))]
        documents.append((f"long 长期 (~{pages} p)", self.long_issue_html(pages)))
        results.append((documents[1][0], *self.time_weasyprint(documents[1][1], runs)))

        for label, times, pdf, peak in results:
            self.stdout.write(
                f"WeasyPrint {label}: {page_count(pdf)} pages, {runs} runs: "
                f"{summary(times)}; peak memory so far 峰值内存 {peak:.0f} MB"
            )
        if chromium:
            for label, html in documents:
                self.time_chromium(label, html, runs, chromium_path)

    def long_issue_html(self, pages: int) -> str:
        return issue_print_html(*long_issue_context(pages))

    def time_weasyprint(self, html: str, runs: int) -> tuple[list[float], bytes, float]:
        times = []
        for _run in range(runs):
            start = time.perf_counter()
            try:
                pdf = render_pdf(html)
            except PdfRenderError as exc:
                raise CommandError(str(exc)) from exc
            times.append(time.perf_counter() - start)
        return times, pdf, peak_mb()

    def time_chromium(self, label: str, html: str, runs: int, chromium_path: str):
        if not shutil.which(chromium_path):
            self.stdout.write(f"Chromium {label}: 未找到 {chromium_path}，跳过")
            return
        with tempfile.TemporaryDirectory(prefix="bench-pdf-") as folder:
            source = Path(folder) / "issue.html"
            target = Path(folder) / "issue.pdf"
            source.write_text(html, encoding="utf-8")
            times = []
            for _run in range(runs):
                target.unlink(missing_ok=True)
                start = time.perf_counter()
                subprocess.run(
                    [
                        chromium_path,
                        *CHROMIUM_ARGS,
                        f"--user-data-dir={folder}/profile",
                        f"--print-to-pdf={target}",
                        source.as_uri(),
                    ],
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
                times.append(time.perf_counter() - start)
            if not target.exists():
                self.stdout.write(f"Chromium {label}: 没有生成 PDF")
                return
            pdf = target.read_bytes()
        self.stdout.write(
            f"Chromium {label}: {page_count(pdf)} pages, {runs} runs (whole process): "
            f"{summary(times)}"
        )
