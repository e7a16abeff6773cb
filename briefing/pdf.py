"""HTML → PDF with WeasyPrint, nothing else."""

import logging
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import fonts

logger = logging.getLogger(__name__)

_font_config = None
_font_config_lock = threading.Lock()


class PdfRenderError(Exception):
    """The PDF could not be made; the message is fit to show to an editor."""


def _get_font_config():
    # Building a FontConfiguration loads fontconfig's whole font list; doing it
    # once per process saves that on every render.
    global _font_config
    with _font_config_lock:
        if _font_config is None:
            from weasyprint.text.fonts import FontConfiguration

            _font_config = FontConfiguration()
        return _font_config


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

    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=_url_fetcher())
        return document.write_pdf(font_config=_get_font_config())
    except Exception as exc:
        logger.exception("WeasyPrint failed")
        raise PdfRenderError(f"生成 PDF 失败：{exc}") from exc
