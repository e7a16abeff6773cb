"""Getting text in: Word documents and pasted text with hard line breaks."""

import html
import re
import statistics
import subprocess
import sys
import zipfile

from django.conf import settings

from briefing import word_convert
from briefing.sanitize import clean_html

# Bounds of 导入Word. A .docx is a ZIP: its directory says how large each part
# unpacks, so a bomb is refused before anything is unpacked. The conversion
# itself runs in a child process the operating system stops (word_convert).
MAX_UNPACKED_BYTES = 30 * 1024 * 1024
MAX_ENTRIES = 2000
MAX_HTML_CHARS = 1_000_000
CONVERT_CPU_SECONDS = 5
CONVERT_WALL_SECONDS = 15
CONVERT_MEMORY_BYTES = 768 * 1024 * 1024

BROKEN = "无法读取该 Word 文件，请另存为 .docx 后重试。"
TOO_LARGE = (
    "该 Word 文件解压后过大（上限 {limit} MB）或部件过多，无法导入。"
    "请只保留正文另存为新的 .docx 后重试，或直接复制粘贴正文。"
)
TOO_COMPLEX = (
    "该 Word 文件过于复杂，未能在限定时间和内存内读完，已停止导入。"
    "请只保留正文另存为新的 .docx 后重试，或直接复制粘贴正文。"
)
TOO_LONG = "该 Word 文件的正文过长（超过 {limit} 万字符），无法导入为一篇稿件。"


class WordImportError(Exception):
    """A .docx that is not imported; ``message`` says why, in Chinese."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


_SECTION_RE = re.compile(r"^【[^】]{1,20}】$")
_PARAGRAPH_END = tuple("。！？）)”")
_ASCII_WORD = re.compile(r"[A-Za-z0-9.,%]")


def check_docx_archive(fileobj) -> None:
    """Refuse a .docx whose ZIP directory promises too much to unpack."""
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise WordImportError(BROKEN) from None
    finally:
        fileobj.seek(0)
    unpacked = sum(entry.file_size for entry in entries)
    if len(entries) > MAX_ENTRIES or unpacked > MAX_UNPACKED_BYTES:
        raise WordImportError(TOO_LARGE.format(limit=MAX_UNPACKED_BYTES >> 20))


def docx_to_html(fileobj) -> str:
    """Sanitised HTML body of a .docx: paragraphs kept, Word formatting dropped.

    Raises WordImportError (a message for the user) for a file too large to
    unpack, too costly to convert, or giving too long a text.
    """
    check_docx_archive(fileobj)
    fileobj.seek(0)
    data = fileobj.read()
    limits = (CONVERT_CPU_SECONDS, CONVERT_MEMORY_BYTES, MAX_HTML_CHARS)
    try:
        done = subprocess.run(
            [sys.executable, "-m", word_convert.__name__, *map(str, limits)],
            input=data,
            capture_output=True,
            timeout=CONVERT_WALL_SECONDS,
            cwd=settings.BASE_DIR,
        )
    except subprocess.TimeoutExpired:
        raise WordImportError(TOO_COMPLEX) from None
    if done.returncode == word_convert.TOO_LONG:
        raise WordImportError(TOO_LONG.format(limit=MAX_HTML_CHARS // 10_000))
    if done.returncode == word_convert.BROKEN:
        raise WordImportError(BROKEN)
    if done.returncode != 0:  # out of memory, or stopped at the CPU limit
        raise WordImportError(TOO_COMPLEX)
    return clean_html(done.stdout.decode())


def _join(left: str, right: str) -> str:
    if left and right and _ASCII_WORD.match(left[-1]) and _ASCII_WORD.match(right[0]):
        return f"{left} {right}"
    return left + right


def join_hard_breaks(text: str) -> list[str]:
    """Join text broken into short lines (as copied from a PDF) back into paragraphs.

    A paragraph ends at a 【栏目】 line, or after a line that ends a sentence and
    is clearly shorter than the full lines around it. Blank lines between the
    broken lines (common in PDF copies) are ignored.
    """
    lines = [line.strip() for line in (text or "").splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        return []
    full = statistics.median(len(line) for line in lines)
    paragraphs: list[str] = []
    current = ""
    for line in lines:
        if _SECTION_RE.match(line):
            if current:
                paragraphs.append(current)
            paragraphs.append(line)
            current = ""
            continue
        current = _join(current, line)
        if line.endswith(_PARAGRAPH_END) and len(line) < 0.85 * full:
            paragraphs.append(current)
            current = ""
    if current:
        paragraphs.append(current)
    return paragraphs


def paragraphs_to_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
