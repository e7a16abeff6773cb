"""How many pages an issue will print, estimated on the layout's line grid.

Laying the issue out (WeasyPrint) takes a second for a long issue; the compose
page needs the figure on every load, so it is counted here on the grid that
static/briefing/print.css keeps (GB/T 9704): 22 lines a page, 28 character cells
a line, the masthead's 6 lines on page 1, the 版记 (14 pt, its own width) at the
foot of the last page and moved to a new page whole when it does not fit.
Measured against the real PDF in tests/briefing/test_page_estimate.py.
"""

import html
import math
import re
from dataclasses import dataclass

LINES_PER_PAGE = 22
CELLS_PER_LINE = 28
MASTHEAD_LINES = 6
INDENT_CELLS = 2
# Cells a line loses on average to line-breaking rules (measured on the seed).
FILL_LOSS = 0.4
# The last two characters are printed with the unit, unbroken (print_layout).
TAIL_CELLS = 2
# The 版记: 14 pt in the 156 mm type area less one character each side; a
# line's first row hangs one character out (29 cells), the others hold 28.
COLOPHON_FIRST_CELLS = 29
COLOPHON_CELLS = 28
# Tables print at 12 pt with a line height of 1.5 (18 pt) on a 28.95 pt grid.
TABLE_LINE = 18 / 28.95
TABLE_WIDTH_PT = 442
TABLE_FONT_PT = 12
# A picture's height is unknown until it is laid out: a third of a page.
IMAGE_LINES = 8

# The blocks of sanitised HTML, in order: a table whole (the paragraphs in its
# cells are its own), paragraphs, headings, list items and pictures.
_BLOCK_RE = re.compile(
    r"<table\b.*?</table>|<(p|h[1-6]|li)\b[^>]*>.*?</\1>|<img\b[^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_TAG_RE = re.compile(r"<[^>]*>")
_ROW_RE = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.DOTALL | re.IGNORECASE)
_CELL_RE = re.compile(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", re.DOTALL | re.IGNORECASE)


def cells(text: str) -> float:
    """Width of ``text`` in character cells of body text: a CJK character or
    full-width mark is one cell; digits, Latin letters and ASCII marks about
    half of one."""
    width = 0.0
    for char in text:
        if char.isspace():
            width += 0.3 if char != "\u3000" else 1
        elif ord(char) < 0x2E80:
            width += 0.55
        else:
            width += 1
    return width


def _text(fragment: str) -> str:
    return html.unescape(_TAG_RE.sub("", fragment)).strip()


def _paragraph_lines(
    width: float, cells_per_line: float = CELLS_PER_LINE, unbroken: float = 0
) -> int:
    """Lines of a paragraph of ``width`` cells after the indent, whose last
    ``unbroken`` cells (the last characters and the （unit）) move as one.

    A line holds a little less than its cells on average: a comma may not start
    a line, and a number does not break.
    """
    text = INDENT_CELLS + width - unbroken
    full = cells_per_line - FILL_LOSS
    lines = max(1, math.ceil(text / full))
    if unbroken and text - (lines - 1) * full + unbroken > cells_per_line:
        lines += 1
    return lines


def _table_lines(table_html: str) -> float:
    rows = _ROW_RE.findall(table_html)
    total = 0.0
    for row in rows:
        row_cells = _CELL_RE.findall(row) or [""]
        per_line = TABLE_WIDTH_PT / len(row_cells) / TABLE_FONT_PT
        total += max(
            math.ceil(max(1.0, cells(_text(cell))) / per_line) for cell in row_cells
        )
    return total * TABLE_LINE


def item_lines(headline: str, body_html: str, unit_name: str) -> float:
    """Grid lines the item takes: headline run in, the body, （unit） at the end."""
    blocks = []
    for match in _BLOCK_RE.finditer(body_html or ""):
        fragment = match.group(0)
        if fragment[:6].lower() == "<table":
            tag = "table"
        elif "<img" in fragment.lower():
            tag = "img"
        else:
            tag = match.group(1).lower()
        blocks.append((tag, fragment))
    headline_cells = cells(headline) + 1  # the full-width gap
    unit_cells = cells(f"（{unit_name}）") if unit_name else 0
    if not blocks or blocks[0][0] not in {"p", "h2", "h3", "h4", "h5", "h6"}:
        blocks.insert(0, ("p", ""))  # the headline gets a paragraph of its own
    lines = 0.0
    for index, (tag, fragment) in enumerate(blocks):
        width = 0.0 if tag in {"table", "img"} else cells(_text(fragment))
        if index == 0:
            width += headline_cells
        unbroken = 0.0
        if index == len(blocks) - 1:
            if tag in {"table", "img", "li"}:
                lines += _paragraph_lines(unit_cells)  # the unit on its own line
            elif unit_cells:
                width += unit_cells
                unbroken = unit_cells + TAIL_CELLS
        if tag == "table":
            lines += _table_lines(fragment)
        elif tag == "img":
            lines += IMAGE_LINES
        elif tag == "li":
            lines += _paragraph_lines(width - INDENT_CELLS, CELLS_PER_LINE - 2)
        else:
            lines += _paragraph_lines(width, unbroken=unbroken)
    return lines


def colophon_lines(distribution_lines: list[str]) -> int:
    """Grid lines of the 版记: its wrapped lines and the 共印 line."""
    lines = 1  # （共印×份）
    for line in distribution_lines:
        rest = max(0.0, cells(line) - COLOPHON_FIRST_CELLS)
        lines += 1 + math.ceil(rest / COLOPHON_CELLS)
    return lines


@dataclass
class PageEstimate:
    pages: int
    body_lines: float


def estimate_pages(issue, sections) -> PageEstimate:
    """Printed pages of an issue from the print template's ``issue`` and
    ``sections`` (briefing.selectors.issues.print_context)."""
    # A classified issue's masthead has the 份号 line first (print.css).
    used = float(MASTHEAD_LINES + (1 if getattr(issue, "numbered", False) else 0))
    for section in sections:
        used += 1  # 【栏目】
        for item in section.items:
            used += item_lines(item.headline, item.body_html, item.unit_name)
    pages = max(1, math.ceil(used / LINES_PER_PAGE))
    free = pages * LINES_PER_PAGE - used
    # The 版记's rules make it a little taller than its lines.
    if colophon_lines(issue.distribution_lines) + 0.1 > free:
        pages += 1
    return PageEstimate(pages=pages, body_lines=used)
