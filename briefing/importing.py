"""Getting text in: Word documents and pasted text with hard line breaks."""

import html
import re
import statistics

import mammoth

from briefing.sanitize import clean_html

# Word styles are dropped: only paragraphs, bold, italics, lists and tables stay.
_STYLE_MAP = """
p[style-name='Title'] => p:fresh
p[style-name='Heading 1'] => p:fresh
p[style-name='Heading 2'] => p:fresh
p[style-name='Heading 3'] => p:fresh
"""

_SECTION_RE = re.compile(r"^【[^】]{1,20}】$")
_PARAGRAPH_END = tuple("。！？）)”")
_ASCII_WORD = re.compile(r"[A-Za-z0-9.,%]")


def docx_to_html(fileobj) -> str:
    """Sanitised HTML body of a .docx: paragraphs kept, Word formatting dropped."""
    result = mammoth.convert_to_html(
        fileobj,
        style_map=_STYLE_MAP,
        convert_image=mammoth.images.img_element(lambda image: {}),
    )
    return clean_html(result.value)


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
