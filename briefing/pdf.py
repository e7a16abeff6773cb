"""HTML → PDF with WeasyPrint, nothing else."""

import ctypes
import functools
import gc
import logging
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import fonts

logger = logging.getLogger(__name__)


class PdfRenderError(Exception):
    """The PDF could not be made; the message is fit to show to an editor."""


# glibc's mallopt() parameter number, from <malloc.h>.
_M_MMAP_THRESHOLD = -3


@functools.cache
def _return_big_blocks_to_the_system() -> None:
    # WeasyPrint copies every font file it uses into memory (19–27 MB each for
    # the Noto CJK collections). glibc raises its mmap threshold after the first
    # such block is freed, so later copies land on the heap: a worker then kept
    # ~190 MB between renders and its peak sometimes grew by 25 MB (seen 305 MB
    # for the 30-page issue). A fixed threshold sends those blocks to mmap, back
    # to the system when freed: ~100 MB between renders, peaks steady.
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, 1024 * 1024)
    except (OSError, AttributeError):
        pass  # not glibc


def _readable_roots() -> list[Path]:
    roots = [Path(__file__).resolve().parent.parent / "static"]
    roots.extend(Path(path) for path in getattr(settings, "STATICFILES_DIRS", []))
    for name in ("BRIEFING_FONTS_DIR", "MEDIA_ROOT"):
        value = getattr(settings, name, None)
        if value:
            roots.append(Path(value))
    return [root.resolve() for root in roots]


def _url_fetcher():
    from weasyprint.urls import URLFetcher

    roots = _readable_roots()

    class LocalOnlyFetcher(URLFetcher):
        # An item's HTML must not make the renderer read arbitrary files or wait
        # on the network during sign-off: only data: URLs and our own folders.
        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            if parts.scheme == "file":
                path = Path(unquote(parts.path)).resolve()
                if any(path.is_relative_to(root) for root in roots):
                    return super().fetch(url, headers)
            raise ValueError(f"打印时不读取此地址：{url}")

    return LocalOnlyFetcher()


def render_pdf(html: str, base_url: str | None = None) -> bytes:
    """Render a complete HTML document (CSS inlined) to PDF bytes.

    Raises PdfRenderError when no Chinese font is installed — the PDF would be
    boxes — or when WeasyPrint fails.
    """
    if not fonts.available_cjk_families():
        raise PdfRenderError(
            "无法生成 PDF：服务器上没有可用的中文字体。"
            "请安装 fonts-noto-cjk，或把字体文件放入 BRIEFING_FONTS_DIR 指定的目录。"
        )
    from weasyprint import HTML

    _return_big_blocks_to_the_system()
    # A FontConfiguration per render (WeasyPrint's default): sharing one saved
    # no time (fontconfig caches by itself) and let memory creep up render after
    # render.
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher())
        return document.write_pdf()
    except Exception as exc:
        logger.exception("WeasyPrint failed")
        raise PdfRenderError(f"生成 PDF 失败：{exc}") from exc
    finally:
        # A render holds about twice the size of every font file it used (with
        # Noto CJK ~180 MB) in reference cycles that Python frees only when its
        # cyclic collector happens to run: five renders in a row reached 620 MB.
        # Collecting now costs ~40 ms and keeps a worker at one render's peak.
        gc.collect()
